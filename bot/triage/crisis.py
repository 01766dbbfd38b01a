"""Explicit crisis patterns per language.

A missed crisis is the worst error Wegwijs can make, so the model's verdict is
always combined with these patterns. Every language's patterns are applied to
every message: a French cry for help in a Dutch conversation still counts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterable, Optional

import yaml

CRISIS_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "crisis"
# Letters of every script stay (Arabic, Cyrillic, ...); marks and punctuation go.
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def normalise_for_patterns(text: str) -> str:
    """Lowercase, accents removed, punctuation to one space, padded with spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return f" {_NON_ALNUM.sub(' ', plain).strip()} "


@dataclass(frozen=True)
class CrisisPattern:
    language: str
    category: str
    regex: re.Pattern[str]


class CrisisPatterns:
    def __init__(self, patterns: Iterable[CrisisPattern]) -> None:
        self.patterns = tuple(patterns)

    @classmethod
    def load(cls, directory: Path = CRISIS_DATA_DIR) -> "CrisisPatterns":
        patterns = []
        for path in sorted(directory.glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for category, regexes in data.items():
                for source in regexes or []:
                    try:
                        compiled = re.compile(source)
                    except re.error as error:
                        raise ValueError(f"{path.name}: {category}: bad pattern {source!r}: {error}")
                    patterns.append(CrisisPattern(path.stem, str(category), compiled))
        if not patterns:
            raise ValueError(f"no crisis patterns found in {directory}")
        return cls(patterns)

    def categories(self, text: str, languages: Optional[Collection[str]] = None) -> list[str]:
        """The crisis categories whose patterns match the text (sorted, unique).

        `languages` limits the patterns to the languages the message may be in,
        so a Dutch word ("mes", knife) does not fire inside French ("mes
        médicaments"); None applies every language.
        """
        normalised = normalise_for_patterns(text)
        return sorted(
            {
                p.category
                for p in self.patterns
                if (languages is None or p.language in languages) and p.regex.search(normalised)
            }
        )
