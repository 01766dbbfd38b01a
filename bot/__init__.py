"""Wegwijs core library: triage, language, texts and dialogue decisions.

Plain Python with no Rasa imports, so it is tested without a trained model.
"""
