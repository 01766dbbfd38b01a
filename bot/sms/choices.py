"""Reading an SMS reply that picks one of the numbered choices.

"2", "2.", "nr 2", "n° 2", "keuze 2", " 2 " pick the second choice; so does
typing the choice's own words ("Nee"). Anything else is free text and passes
through unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional, Sequence

from bot.sms.render import Choice

_NUMBER = re.compile(
    r"^(?:(?:nr|nummer|no|n°|n\u00ba|num|numero|numéro|number|keuze|optie|choix|option|choice)\s*[.:]?\s*)?"
    r"#?\s*(\d{1,2})\s*[.):!]?$",
    re.IGNORECASE,
)
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def chosen_number(text: str) -> Optional[int]:
    """The number a reply consists of (1-99), or None for any other text."""
    match = _NUMBER.match(unicodedata.normalize("NFKC", text or "").strip())
    return int(match.group(1)) if match else None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_PUNCTUATION.sub(" ", plain).split())


def resolve_choice(text: str, choices: Sequence[Choice]) -> Optional[Choice]:
    """The choice the reply picks, or None (then the text is free text)."""
    if not choices:
        return None
    number = chosen_number(text)
    if number is not None:
        return choices[number - 1] if 1 <= number <= len(choices) else None
    said = _fold(text or "")
    if not said:
        return None
    for choice in choices:
        if said == _fold(choice.title) or said == _fold(choice.payload):
            return choice
    return None
