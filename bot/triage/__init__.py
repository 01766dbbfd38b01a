"""Triage of a help question: life domains, crisis, language."""
