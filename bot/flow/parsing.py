"""Small facts read from free text in the flow: postcode, phone, e-mail.

Phone numbers and e-mail addresses arrive sealed (bot.privacy.sealing): the
inbound gate masked them, and the flow gets "[☎:gAAAA...]". `phone` and
`email` return that sealed form as it is, so the flow's state (a tracker
slot) never holds them in clear; `revealed` opens them at the booking. Plain
numbers and addresses (unit tests, the command line) still work as before.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from bot.privacy.sealing import reveal_contact, sealed_token, without_sealed

_POSTCODE = re.compile(r"(?<!\d)([1-9]\d{3})(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_PHONE_CHARS = re.compile(r"(?:\+|00)?\d[\d\s./\-]{7,16}\d")


def postcode(text: str) -> Optional[str]:
    """A Belgian postcode (4 digits, 1000-9999) in the text, if exactly one."""
    found = set(_POSTCODE.findall(without_sealed(text)))
    return found.pop() if len(found) == 1 else None


def email(text: str) -> Optional[str]:
    if (sealed := sealed_token(text, "email")):
        return sealed
    match = _EMAIL.search(text)
    return match.group(0).lower() if match else None


def phone(text: str) -> Optional[str]:
    """A Belgian or international phone number, normalised to +32... where possible."""
    if (sealed := sealed_token(text, "phone")):
        return sealed
    match = _PHONE_CHARS.search(text)
    if not match:
        return None
    digits = re.sub(r"\D", "", match.group(0))
    international = match.group(0).startswith(("+", "00"))
    if match.group(0).startswith("00"):
        digits = digits[2:]
    if not international:
        if not digits.startswith("0") or not 9 <= len(digits) <= 10:
            return None
        digits = "32" + digits[1:]
    if not 10 <= len(digits) <= 15:
        return None
    return "+" + digits


# Words around a name that are not the name ("ik ben", "mon nom est", "call me").
_NAME_FILLER = re.compile(
    r"\b(ik ben|ik heet|mijn naam is|naam|noem me|je suis|je m appelle|mon nom est|nom|appelez moi|i am|i m|my name is|"
    r"name|call me|en|et|and|mijn|mon|my|nummer|numero|number|gsm|tel|telefoon|telephone|phone|mail|e mail|email|"
    r"is|est|of|ou|or)\b",
    re.IGNORECASE,
)
_NOT_LETTERS = re.compile(r"[^\w' -]|\d|_")


def name(text: str) -> Optional[str]:
    """A first name given beside a phone number or e-mail ("Sam, 0470 12 34 56"), or None.

    Only a short run of letters counts; anything longer is not taken as a name.
    """
    rest = _EMAIL.sub(" ", without_sealed(text))
    rest = _PHONE_CHARS.sub(" ", rest)
    rest = _NOT_LETTERS.sub(" ", rest)
    rest = _NAME_FILLER.sub(" ", rest.replace("'", " "))
    words = [w.strip("-") for w in rest.split() if w.strip("-")]
    if not words or len(words) > 3 or sum(len(w) for w in words) > 40:
        return None
    return " ".join(w[:1].upper() + w[1:] for w in words)


def revealed(values: Mapping[str, Any]) -> dict:
    """The handover values with a sealed phone number or e-mail address opened (at the booking only)."""
    return reveal_contact(values)
