"""Rasa custom actions: thin adapters between trackers and `bot`."""
