"""Clear domain words per language (bot/data/domain_keywords/<language>.yml).

Added on top of the classifier's domains: a message that says "deurwaarder"
is about debt, whatever the model thinks.
"""

from __future__ import annotations

from pathlib import Path

from bot.triage.patterns import LanguagePatterns

DOMAIN_KEYWORDS_DIR = Path(__file__).resolve().parent.parent / "data" / "domain_keywords"


def load_domain_keywords(directory: Path = DOMAIN_KEYWORDS_DIR) -> LanguagePatterns:
    return LanguagePatterns.load(directory)
