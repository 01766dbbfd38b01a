"""Explicit crisis patterns per language (bot/data/crisis/<language>.yml).

A missed crisis is the worst error Wegwijs can make, so the model's verdict is
always combined with these patterns, for the language(s) the message may be in.
"""

from __future__ import annotations

from pathlib import Path

from bot.triage.patterns import LanguagePatterns

CRISIS_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "crisis"

# Not a crisis but a qualifier: the message tells the danger as past and over
# (bot/data/crisis/*.yml explains when it matches).
DANGER_OVER = "danger_over"


def load_crisis_patterns(directory: Path = CRISIS_DATA_DIR) -> LanguagePatterns:
    return LanguagePatterns.load(directory)
