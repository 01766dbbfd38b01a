"""Cleaning of inbound citizen text, shared by every channel and the CLI.

Rasa reads a message that starts with "/" as an intent with slots
("/affirm{...}") and skips NLU. A citizen's text must never do that, so the
leading slashes are removed before the message reaches Rasa.

`inbound_text` is what every channel passes on: the cleaned text with
personal data masked (bot.privacy.masking), so that neither the tracker
store nor any log, Rasa's own included, ever sees it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

from bot.privacy.masking import REVERSIBLE, MaskedText, Seal, mask_personal_data, placeholder_kinds

# Longest text we pass on: a concatenated SMS is at most 1600 characters.
MAX_INBOUND_CHARS = 1600

_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_LEADING_SLASHES = re.compile(r"^[\s/\\\uff0f\u2215\u2044]+")
# A lone surrogate (JSON allows "\ud800") cannot be written as UTF-8: logs and databases would fail on it.
_SURROGATES = re.compile("[\ud800-\udfff]")
# A placeholder cut in half by the length limit.
_CUT_PLACEHOLDER = re.compile(r"\[[^\]\s]{0,2}$")


def clean_inbound_text(raw: object) -> str:
    """Returns a safe, normalised version of what the citizen typed.

    Accepts bytes in any encoding (undecodable bytes become U+FFFD rather than
    an error), strips control and direction characters, collapses runs of
    spaces, removes every leading slash, and cuts the text at
    MAX_INBOUND_CHARS. Never raises.
    """
    return _cleaned(raw)[:MAX_INBOUND_CHARS]


def _cleaned(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        text = raw.decode("utf-8", errors="replace")
    else:
        text = str(raw)
    text = unicodedata.normalize("NFC", _SURROGATES.sub("\ufffd", text))
    text = _CONTROL.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = _LEADING_SLASHES.sub("", text)
    return text.strip()


def inbound_text(raw: object, seal: Optional[Seal] = None) -> MaskedText:
    """The cleaned text with phone numbers, e-mail addresses, national register
    numbers and IBANs masked; with `seal`, contact details are sealed beside it.

    Masked before the cut at MAX_INBOUND_CHARS, so a number at the limit is
    not left half in clear.
    """
    masked = mask_personal_data(_cleaned(raw), seal)
    if len(masked.text) <= MAX_INBOUND_CHARS:
        return masked
    text = _CUT_PLACEHOLDER.sub("", masked.text[:MAX_INBOUND_CHARS]).strip()
    kinds = placeholder_kinds(text)
    sealed = masked.sealed[:sum(1 for kind in kinds if kind in REVERSIBLE)]
    found = {kind: kinds.count(kind) for kind in set(kinds)}
    return MaskedText(text, sealed, found)
