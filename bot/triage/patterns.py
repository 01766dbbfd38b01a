"""Regular expressions per language and category, kept as data.

Used for crisis patterns (bot/data/crisis/) and life-domain keywords
(bot/data/domain_keywords/): `<language>.yml` maps a category to a list of
regexes, matched against `normalise_for_patterns(text)`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterable, Optional

import yaml

# A category of harmless phrases that contain another category's words ("ces
# factures vont me tuer", "this rent is killing me"): only those words are
# blanked, so the rest of the message is still read ("... and I want to die").
FIGURE_OF_SPEECH = "figure_of_speech"

# Letters of every script stay (Arabic, Cyrillic, ...); marks and punctuation go.
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def normalise_for_patterns(text: str) -> str:
    """Lowercase, accents removed, punctuation to one space, padded with spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return f" {_NON_ALNUM.sub(' ', plain).strip()} "


@dataclass(frozen=True)
class LanguagePattern:
    language: str
    category: str
    regex: re.Pattern[str]


class LanguagePatterns:
    def __init__(self, patterns: Iterable[LanguagePattern]) -> None:
        self.patterns = tuple(patterns)
        # One alternation per language and category: a message is searched once
        # per category instead of once per pattern (about 1,000 of them).
        grouped: dict[tuple[str, str], list[str]] = {}
        for p in self.patterns:
            grouped.setdefault((p.language, p.category), []).append(f"(?:{p.regex.pattern})")
        self._combined = {key: re.compile("|".join(sources)) for key, sources in grouped.items()}

    @classmethod
    def load(cls, directory: Path) -> "LanguagePatterns":
        patterns = []
        for path in sorted(directory.glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for category, regexes in data.items():
                for source in regexes or []:
                    try:
                        compiled = re.compile(source)
                    except re.error as error:
                        raise ValueError(f"{path}: {category}: bad pattern {source!r}: {error}") from None
                    patterns.append(LanguagePattern(path.stem, str(category), compiled))
        if not patterns:
            raise ValueError(f"no patterns found in {directory}")
        return cls(patterns)

    def categories(self, text: str, languages: Optional[Collection[str]] = None) -> list[str]:
        """The categories whose patterns match the text (sorted, unique).

        `languages` limits the patterns to the languages the message may be in,
        so a Dutch word ("mes", knife) does not fire inside French ("mes
        médicaments"); None applies every language. Figures of speech are
        blanked out first and never reported.
        """
        applied = [(key, regex) for key, regex in self._combined.items() if languages is None or key[0] in languages]
        normalised = normalise_for_patterns(text)
        for (_, category), regex in applied:
            if category == FIGURE_OF_SPEECH:
                normalised = regex.sub(" ", normalised)
        return sorted({category for (_, category), regex in applied
                       if category != FIGURE_OF_SPEECH and regex.search(normalised)})
