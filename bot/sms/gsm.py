"""GSM-7 or UCS-2: what an SMS costs, and keeping our texts in GSM-7.

A message that is entirely in the GSM 03.38 alphabet costs 7 bits per
character: 160 characters fit one segment, 153 per part when concatenated.
Characters of the extension table (€ [ ] { } ^ ~ | \\ and form feed) cost two
septets. One character outside both tables turns the WHOLE message into
UCS-2: 70 UTF-16 code units, 67 per part. An escape pair or a surrogate pair
is never split between parts.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# 3GPP TS 23.038 default alphabet (the escape 0x1B left out: it is not a character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_GSM7, PART_GSM7 = 160, 153
SINGLE_UCS2, PART_UCS2 = 70, 67

# Replacements that keep a text readable in GSM-7. Only characters that are NOT
# in GSM-7 are listed; é è à ù ü ö ä ñ Ç É ... are kept as they are.
_REPLACEMENTS = {
    # quotes and apostrophes
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2039": "'", "\u203a": "'",
    # dashes, bullets, ellipsis
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2022": "-", "\u00b7": "-", "\u2026": "...",
    # spaces (French puts a narrow no-break space before ? ! : ;)
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u2002": " ", "\u2003": " ",
    "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2008": " ", "\u200a": " ", "\t": " ",
    # invisible characters
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
    # letters outside GSM-7 (ç: only the capital Ç is in the alphabet)
    "ç": "c", "œ": "oe", "Œ": "OE", "ĳ": "ij", "Ĳ": "IJ",
    "â": "a", "á": "a", "ã": "a", "À": "A", "Â": "A", "Á": "A", "Ã": "A",
    "ê": "e", "ë": "e", "È": "E", "Ê": "E", "Ë": "E",
    "î": "i", "ï": "i", "í": "i", "Ì": "I", "Î": "I", "Ï": "I", "Í": "I",
    "ô": "o", "ó": "o", "õ": "o", "Ò": "O", "Ô": "O", "Ó": "O", "Õ": "O",
    "û": "u", "ú": "u", "Ù": "U", "Û": "U", "Ú": "U",
    "ÿ": "y", "Ÿ": "Y", "ý": "y", "Ý": "Y",
}


@dataclass(frozen=True)
class SegmentInfo:
    """What one SMS body costs: encoding, paid segments, characters."""

    encoding: str  # GSM7 or UCS2
    segments: int
    chars: int  # characters as the reader sees them
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _costs(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _parts(costs: list[int], per_part: int) -> int:
    """Parts needed when no character's units may be split between parts."""
    parts, used = 1, 0
    for cost in costs:
        if used + cost > per_part:
            parts, used = parts + 1, 0
        used += cost
    return parts


def segments(text: str) -> SegmentInfo:
    """The encoding and number of segments a carrier bills for `text`."""
    encoding = GSM7 if is_gsm7(text) else UCS2
    costs = _costs(text, encoding)
    units = sum(costs)
    single, per_part = (SINGLE_GSM7, PART_GSM7) if encoding == GSM7 else (SINGLE_UCS2, PART_UCS2)
    if units == 0:
        count = 0
    elif units <= single:
        count = 1
    else:
        count = _parts(costs, per_part)
    return SegmentInfo(encoding, count, len(text), units)


def _replace(ch: str) -> str:
    if ch in GSM7_BASIC or ch in GSM7_EXTENSION:
        return ch
    if ch in _REPLACEMENTS:
        return _REPLACEMENTS[ch]
    # Other Latin letters with accents (ā, ł is left alone): drop the accent
    # when what remains is GSM-7. Emoji and other scripts stay as they are.
    if unicodedata.category(ch).startswith("L") and "LATIN" in unicodedata.name(ch, ""):
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and is_gsm7(base):
            return base
    return ch


def to_gsm7(text: str) -> str:
    """`text` with every replaceable non-GSM character replaced (see _REPLACEMENTS)."""
    return "".join(_replace(ch) for ch in unicodedata.normalize("NFC", text))


def for_sms(text: str) -> str:
    """The text to send: its GSM-7 version if that is all GSM-7 and no dearer.

    A text that needs UCS-2 anyway (Arabic, an emoji) keeps its correct
    spelling, since replacing accents would save nothing.
    """
    original = unicodedata.normalize("NFC", text)
    mapped = to_gsm7(original)
    if is_gsm7(mapped) and segments(mapped).segments <= segments(original).segments:
        return mapped
    return original


def cost_eur(segment_count: int, price_per_segment: float = 0.075) -> float:
    """What `segment_count` segments cost at the given price per segment."""
    return round(segment_count * price_per_segment, 4)
