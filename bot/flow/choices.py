"""Reading a citizen's pick among the choices they were shown.

One mechanism for every channel: a web button sends its payload, an SMS
reply is a number ("2", "2.", "nr 2", "n° 2"), and anyone may type the
choice's words. Yes and no are read the same way in nl, fr and en.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import yaml

from bot.language import words

EXITS_FILE = Path(__file__).resolve().parent.parent / "data" / "flow_exits.yml"

_NUMBER = re.compile(r"^\s*(?:nr\.?|nummer|n°|no\.?|num[eé]ro|number|#)?\s*(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)

YES_WORDS = frozenset(
    "ja jaa jep jawel ok oke okay oké yes yeah yep sure oui ouais daccord d'accord graag goed prima "
    "klopt correct juist certainly".split()
)
NO_WORDS = frozenset("nee neen nie niet ni no nope non nah".split())
NO_PHRASES = frozenset(("liever niet", "nu niet", "pas maintenant", "not now", "non merci", "nee dank u", "no thanks"))


def pick(options: Sequence[str], text: str) -> Optional[int]:
    """The index of the option the text picks, or None.

    `options` are the texts a citizen could send for each choice (payloads
    and titles, compared without case, accents or punctuation).
    """
    match = _NUMBER.match(text)
    if match:
        number = int(match.group(1))
        return number - 1 if 1 <= number <= len(options) else None
    said = " ".join(words(text))
    if not said:
        return None
    for index, option in enumerate(options):
        if said == " ".join(words(option)):
            return index
    return None


def yes_or_no(text: str, intent: str = "") -> Optional[bool]:
    """True for yes, False for no, None when the text says neither clearly."""
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    said = words(text)
    if not said or len(said) > 4:
        return None
    if said[0] in NO_WORDS or " ".join(said) in NO_PHRASES:
        return False
    if said[0] in YES_WORDS:
        return True
    return None


@lru_cache(maxsize=1)
def _exit_phrases() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load(EXITS_FILE.read_text(encoding="utf-8"))
    return {intent: tuple(" ".join(words(p)) for p in phrases) for intent, phrases in data.items()}


def leaves_flow(intent: str, text: str, options: Sequence[str] = ()) -> bool:
    """Whether a message of this intent leaves the waiting step (see data/flow_exits.yml).

    A message that picks one of the shown choices always answers the step
    (the "Annuleren" button of a booking is not a request to stop talking).
    """
    phrases = _exit_phrases().get(intent)
    if not phrases or pick(options, text) is not None:
        return False
    said = f" {' '.join(words(text))} "
    return any(f" {phrase} " in said for phrase in phrases)
