"""Wegwijs' own steps in Rasa's NLU pipeline (see config.yml).

Thin wrappers: the logic lives in `bot.language` and `bot.triage`.
"""
