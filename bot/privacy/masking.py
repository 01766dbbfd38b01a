"""Finds personal data in free text and masks it before anything stores or logs it.

Four kinds, each checked beyond its shape so ordinary numbers stay:

- `phone`: Belgian numbers (04xx xx xx xx mobiles, 0x xxx xx xx lines) and
  international ones (+ or 00, 8 to 15 digits); dates, amounts and
  postcodes do not have that shape.
- `email`: an address with a dotted domain.
- `nrn`: the Belgian national register number (rijksregisternummer, also a
  BIS number), 11 digits such as 85.07.30-033.28, with its mod-97 check
  (for people born before and from 2000).
- `iban`: any country's IBAN with a valid mod-97 check, the length of its
  country where known (BE68 5390 0754 7034).

Each is replaced by a short placeholder without letters ("[☎]", "[✉]",
"[🆔]", "[🏦]"): measured on triage, letters-free placeholders leave the
language, life domains and crisis flag as they were, and a message that was
only a number still has no letters. A phone number or e-mail address the
booking may need is handed to `seal` (encryption with the secret key) and
comes back as a sealed value that travels beside the text, never in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional

PHONE, EMAIL, NRN, IBAN = "phone", "email", "nrn", "iban"
KINDS: tuple[str, ...] = (PHONE, EMAIL, NRN, IBAN)
# What the citizen may need back (their contact details for a booking);
# a national register number or an account number is never needed.
REVERSIBLE: tuple[str, ...] = (PHONE, EMAIL)
PLACEHOLDERS: dict[str, str] = {PHONE: "[☎]", EMAIL: "[✉]", NRN: "[🆔]", IBAN: "[🏦]"}
SYMBOLS: dict[str, str] = {kind: mark[1:-1] for kind, mark in PLACEHOLDERS.items()}
# When two findings overlap, the more specific one wins.
_PRIORITY = {EMAIL: 0, IBAN: 1, NRN: 2, PHONE: 3}

Seal = Callable[[str, str], str]


@dataclass(frozen=True)
class SealedValue:
    kind: str
    token: str


@dataclass(frozen=True)
class MaskedText:
    """The text with placeholders, and the sealed values of its reversible ones, in order."""

    text: str
    sealed: tuple[SealedValue, ...] = ()
    found: dict[str, int] = field(default_factory=dict)

    @property
    def masked_anything(self) -> bool:
        return bool(self.found)


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    kind: str
    value: str  # normalised: +32470123456, sam@example.be, 85073003328, BE68539007547034


# A placeholder (or a sealed form of one) that the citizen typed themselves is
# not ours: its brackets become parentheses, so nothing can be forged.
_TYPED_PLACEHOLDER = re.compile(r"\[\s*(" + "|".join(re.escape(s) for s in SYMBOLS.values()) + r")([^\]\[]{0,400})\]")


def mask_personal_data(text: str, seal: Optional[Seal] = None) -> MaskedText:
    """`text` with every phone number, e-mail address, national register number and
    IBAN replaced by its placeholder. With `seal`, phone numbers and e-mail
    addresses are sealed (normalised first) and returned beside the text."""
    text = _TYPED_PLACEHOLDER.sub(lambda m: f"({m.group(1)}{m.group(2)})", text)
    findings = find_personal_data(text)
    if not findings:
        return MaskedText(text)
    parts: list[str] = []
    sealed: list[SealedValue] = []
    found: dict[str, int] = {}
    position = 0
    for finding in findings:
        parts.append(text[position:finding.start])
        parts.append(PLACEHOLDERS[finding.kind])
        position = finding.end
        found[finding.kind] = found.get(finding.kind, 0) + 1
        if seal is not None and finding.kind in REVERSIBLE:
            sealed.append(SealedValue(finding.kind, seal(finding.kind, finding.value)))
    parts.append(text[position:])
    return MaskedText("".join(parts), tuple(sealed), found)


def find_personal_data(text: str) -> list[Finding]:
    """Every finding, without overlaps (the more specific kind wins), in text order."""
    candidates = [*_emails(text), *_ibans(text), *_national_numbers(text), *_phones(text)]
    candidates.sort(key=lambda f: (_PRIORITY[f.kind], f.start))
    kept: list[Finding] = []
    for candidate in candidates:
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda f: f.start)


def placeholder_kinds(text: str) -> list[str]:
    """The kinds of the placeholders in a masked text, in order."""
    return [_KIND_OF_PLACEHOLDER[m.group(0)] for m in _PLACEHOLDER.finditer(text)]


_KIND_OF_PLACEHOLDER = {mark: kind for kind, mark in PLACEHOLDERS.items()}
_PLACEHOLDER = re.compile("|".join(re.escape(mark) for mark in PLACEHOLDERS.values()))

# -- e-mail --------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63})*\.[^\W\d_]{2,24}(?![\w\-])")


def _emails(text: str) -> Iterator[Finding]:
    for match in _EMAIL.finditer(text):
        yield Finding(match.start(), match.end(), EMAIL, match.group(0).lower())


# -- national register number ------------------------------------------------------------

_NRN = re.compile(r"(?<![\d+])(\d{2})[ .]?(\d{2})[ .]?(\d{2})[ .\-/]?(\d{3})[ .\-/]?(\d{2})(?![\d])")


def is_national_number(digits: str) -> bool:
    """11 digits whose last two are 97 - (first nine mod 97); a '2' goes first for births from 2000."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    base, check = int(digits[:9]), int(digits[9:])
    return check in (97 - base % 97, 97 - (2_000_000_000 + base) % 97)


def _national_numbers(text: str) -> Iterator[Finding]:
    for match in _NRN.finditer(text):
        digits = "".join(match.groups())
        if is_national_number(digits):
            yield Finding(match.start(), match.end(), NRN, digits)


# -- IBAN -----------------------------------------------------------------------------------

# Lengths of the IBAN registry (SWIFT) for the countries people here bank in, and more.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")
_IBAN_MIN, _IBAN_MAX = 15, 34


def is_iban(compact: str) -> bool:
    """A valid IBAN (no spaces): right length for its country where known, mod-97 == 1."""
    compact = compact.upper()
    if not (_IBAN_MIN <= len(compact) <= _IBAN_MAX) or not compact.isalnum() or not compact[:2].isalpha():
        return False
    expected = IBAN_LENGTHS.get(compact[:2])
    if expected is not None and len(compact) != expected:
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def _ibans(text: str) -> Iterator[Finding]:
    position = 0
    while (match := _IBAN_START.search(text, position)) is not None:
        # Alphanumerics from here on, single spaces or dashes between groups allowed.
        ends, compact, index = [], [], match.start()
        while index < len(text) and len(compact) < _IBAN_MAX:
            ch = text[index]
            if ch.isascii() and ch.isalnum():
                compact.append(ch)
                ends.append(index + 1)
            elif ch in " -" and compact and index + 1 < len(text) and text[index + 1].isascii() and text[index + 1].isalnum():
                pass
            else:
                break
            index += 1
        found = None
        expected = IBAN_LENGTHS.get("".join(compact[:2]).upper())
        lengths = [expected] if expected else range(min(len(compact), _IBAN_MAX), _IBAN_MIN - 1, -1)
        for length in lengths:
            if length <= len(compact) and is_iban("".join(compact[:length])):
                found = Finding(match.start(), ends[length - 1], IBAN, "".join(compact[:length]).upper())
                break
        if found:
            yield found
            position = found.end
        else:
            position = match.start() + 1


# -- phone numbers -----------------------------------------------------------------------------

_PHONE_RUN = re.compile(r"(?<![\d+])(?:\+|00)?\(?\d[\d \t./()\-]{5,28}\d(?!\d)")
_DIGIT_GROUP = re.compile(r"\+?\d+")


def phone_number(candidate: str) -> Optional[str]:
    """The number in E.164 (+32470123456) if `candidate` is shaped like a phone number."""
    raw = candidate.strip().replace("(0)", "")
    international = raw.startswith(("+", "00"))
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("00"):
        digits = digits[2:]
    if international:
        if digits.startswith("0") or not 8 <= len(digits) <= 15:
            return None
        if digits.startswith("32") and not 10 <= len(digits) <= 11:
            return None
        return "+" + digits
    if not digits.startswith("0"):
        return None
    # Belgium: mobiles 04xx xx xx xx (10 digits), other lines 0x xxx xx xx (9 digits).
    if (len(digits) == 10 and digits.startswith("04")) or (len(digits) == 9 and digits[1] != "0"):
        return "+32" + digits[1:]
    return None


def _phones(text: str) -> Iterator[Finding]:
    for run in _PHONE_RUN.finditer(text):
        groups = list(_DIGIT_GROUP.finditer(run.group(0)))
        start = 0
        while start < len(groups):
            for end in range(len(groups) - 1, start - 1, -1):
                # A "00" prefix or "+" belongs to the first group of the window.
                a = run.start() + groups[start].start()
                if start == 0:
                    a = run.start()
                b = run.start() + groups[end].end()
                number = phone_number(text[a:b])
                if number:
                    yield Finding(a, b, PHONE, number)
                    start = end + 1
                    break
            else:
                start += 1
