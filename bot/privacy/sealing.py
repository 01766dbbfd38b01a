"""Contact details the booking needs, kept out of the tracker's clear text.

The inbound gate masks a phone number or e-mail address in the text ("[☎]")
and seals the value with the secret key (Fernet, bot.referral.crypto):

    message text      "Sam, [☎]"                  what Rasa parses, stores and logs
    message metadata  {"wegwijs_sealed": [{"kind": "phone", "token": "gAAAA..."}]}

The action server hands the flow the text with each placeholder followed by
its sealed value ("Sam, [☎:gAAAA...]"); the flow keeps that sealed form in
its state, and only at the booking `reveal_contact` opens it, just before
the handover is encrypted for the organisation. So the tracker store holds
contact details only as ciphertext, and logs hold only placeholders.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Mapping, Optional

from bot.privacy.masking import EMAIL, PHONE, PLACEHOLDERS, REVERSIBLE, SYMBOLS, MaskedText, SealedValue
from bot.referral.crypto import FieldCipher

METADATA_KEY = "wegwijs_sealed"
_KIND_OF_SYMBOL = {symbol: kind for kind, symbol in SYMBOLS.items()}
# A placeholder with its sealed value, as the flow sees it: "[☎:gAAAA...]".
SEALED = re.compile(r"\[(" + "|".join(re.escape(SYMBOLS[k]) for k in REVERSIBLE) + r"):([A-Za-z0-9_\-=]{20,400})\]")
_REVERSIBLE_PLACEHOLDER = re.compile("|".join(re.escape(PLACEHOLDERS[k]) for k in REVERSIBLE))


class Sealer:
    """Seals and opens single values with the project's secret key (kind bound in)."""

    def __init__(self, cipher: FieldCipher) -> None:
        self._cipher = cipher

    @classmethod
    def from_secret_key(cls, secret_key: str) -> "Sealer":
        return cls(FieldCipher(secret_key))

    def seal(self, kind: str, value: str) -> str:
        return self._cipher.encrypt_json({"kind": kind, "value": value})

    def open(self, kind: str, token: str) -> str:
        """The clear value; ValueError if the token is not ours, was changed or is of another kind."""
        data = self._cipher.decrypt_json(token)
        if not isinstance(data, dict) or data.get("kind") != kind or not isinstance(data.get("value"), str):
            raise ValueError("a sealed value of another kind")
        return data["value"]


@lru_cache(maxsize=1)
def default_sealer() -> Sealer:
    """The sealer of this process, with WEGWIJS_SECRET_KEY (read on first use, not on import)."""
    from bot.settings import Settings

    return Sealer.from_secret_key(Settings.from_env().secret_key)


def metadata_with_sealed(metadata: Any, masked: MaskedText) -> dict:
    """The message metadata with our sealed values; whatever a client sent under our key is dropped."""
    result = {k: v for k, v in metadata.items() if k != METADATA_KEY} if isinstance(metadata, dict) else {}
    if masked.sealed:
        result[METADATA_KEY] = [{"kind": s.kind, "token": s.token} for s in masked.sealed]
    return result


def sealed_values(metadata: Any) -> tuple[SealedValue, ...]:
    items = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    if not isinstance(items, list):
        return ()
    values = []
    for item in items:
        if not isinstance(item, dict) or item.get("kind") not in REVERSIBLE or not isinstance(item.get("token"), str):
            return ()
        values.append(SealedValue(item["kind"], item["token"]))
    return tuple(values)


def with_sealed_values(text: str, metadata: Any) -> str:
    """The masked text with each "[☎]" / "[✉]" followed by its sealed value, for the flow.

    Unchanged when the metadata does not match the placeholders one to one.
    """
    values = sealed_values(metadata)
    marks = list(_REVERSIBLE_PLACEHOLDER.finditer(text))
    if not values or len(values) != len(marks):
        return text
    if any(PLACEHOLDERS[v.kind] != m.group(0) for v, m in zip(values, marks)):
        return text
    pieces = iter(values)

    def expand(match: re.Match) -> str:
        value = next(pieces)
        return f"[{SYMBOLS[value.kind]}:{value.token}]"

    return _REVERSIBLE_PLACEHOLDER.sub(expand, text)


def sealed_token(text: str, kind: str) -> Optional[str]:
    """The first sealed value of `kind` in the text, in its sealed form "[☎:gAAAA...]"."""
    for match in SEALED.finditer(text or ""):
        if _KIND_OF_SYMBOL[match.group(1)] == kind:
            return match.group(0)
    return None


def without_sealed(text: str) -> str:
    """The text with sealed values back to bare placeholders (for reading anything else in it)."""
    return SEALED.sub(lambda m: f"[{m.group(1)}]", text or "")


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and SEALED.fullmatch(value) is not None


def reveal(value: str, kind: str, sealer: Optional[Sealer] = None) -> str:
    """A sealed "[☎:...]" value opened; a plain value as it is."""
    match = SEALED.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return value
    if _KIND_OF_SYMBOL[match.group(1)] != kind:
        raise ValueError(f"a sealed {_KIND_OF_SYMBOL[match.group(1)]} where a {kind} was expected")
    return (sealer or default_sealer()).open(kind, match.group(2))


def reveal_contact(values: Mapping[str, Any], sealer: Optional[Sealer] = None) -> dict:
    """The handover values with `phone` and `email` opened, just before they are handed over."""
    opened = dict(values)
    for field, kind in (("phone", PHONE), ("email", EMAIL)):
        if isinstance(opened.get(field), str):
            opened[field] = reveal(opened[field], kind, sealer)
    return opened
