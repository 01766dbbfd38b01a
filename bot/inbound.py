"""Cleaning of inbound citizen text, shared by every channel and the CLI.

Rasa reads a message that starts with "/" as an intent with slots
("/affirm{...}") and skips NLU. A citizen's text must never do that, so the
leading slashes are removed before the message reaches Rasa.
"""

from __future__ import annotations

import re
import unicodedata

# Longest text we pass on: a concatenated SMS is at most 1600 characters.
MAX_INBOUND_CHARS = 1600

_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_LEADING_SLASHES = re.compile(r"^[\s/\\\uff0f\u2215\u2044]+")


def clean_inbound_text(raw: object) -> str:
    """Returns a safe, normalised version of what the citizen typed.

    Accepts bytes in any encoding (undecodable bytes become U+FFFD rather than
    an error), strips control and direction characters, collapses runs of
    spaces, removes every leading slash, and cuts the text at
    MAX_INBOUND_CHARS. Never raises.
    """
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        text = raw.decode("utf-8", errors="replace")
    else:
        text = str(raw)
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = _LEADING_SLASHES.sub("", text)
    return text.strip()[:MAX_INBOUND_CHARS]
