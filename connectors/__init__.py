"""Channels between citizens and the Rasa server."""
