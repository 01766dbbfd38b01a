"""The only fields a handover may carry (art. 6 of the 2018 GBO decision:
strictly needed for the referral), and the checks on their values."""

from __future__ import annotations

import re
from typing import Any, Mapping

from bot.language import RECOGNISED_LANGUAGES
from bot.life_domains import LIFE_DOMAINS
from bot.referral.errors import FieldInvalid, FieldNotAllowed

# Always sent: without them the caseworker cannot receive the citizen at all.
REQUIRED_FIELDS: tuple[str, ...] = ("language", "slot")
# At least one of these, the citizen's choice.
CONTACT_FIELDS: tuple[str, ...] = ("phone", "email")
# The citizen may leave these out (phone/email as long as one stays).
# A name is welcome but the citizen may go without; a summary that touches health
# travels as `health_details` only after the separate yes.
OPTIONAL_FIELDS: tuple[str, ...] = ("name", "phone", "email", "postcode", "domains", "summary", "rights")
# Special category (GDPR art. 9): only after a separate, explicit yes.
SPECIAL_CATEGORY_FIELDS: tuple[str, ...] = ("health_details",)
# Display order, everywhere.
ALLOWED_FIELDS: tuple[str, ...] = (
    "name", "phone", "email", "language", "postcode", "domains", "summary", "rights", "slot", "health_details",
)
# `slot` is filled in from the booked slot, never given as a value.
SLOT_FIELD = "slot"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE_SEPARATORS = re.compile(r"[\s./()\-]+")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
_POSTCODE = re.compile(r"^[1-9][0-9]{3}$")
_TEXT_LIMITS = {"name": 80, "summary": 2000, "health_details": 2000}
_MAX_RIGHTS = 30


def order_fields(names: Any) -> tuple[str, ...]:
    """Names in display order; raises FieldNotAllowed for any other name."""
    names = list(names)
    unknown = sorted({n for n in names if n not in ALLOWED_FIELDS}, key=str)
    if unknown:
        raise FieldNotAllowed(f"not an allowed handover field: {', '.join(map(str, unknown))}; allowed: {', '.join(ALLOWED_FIELDS)}")
    return tuple(f for f in ALLOWED_FIELDS if f in names)


def check_field_set(names: Any) -> tuple[str, ...]:
    """The ordered names, if they make a complete handover (required + one contact)."""
    ordered = order_fields(names)
    missing = [f for f in REQUIRED_FIELDS if f not in ordered]
    if missing:
        raise FieldInvalid(f"a handover needs {', '.join(missing)}")
    if not any(f in ordered for f in CONTACT_FIELDS):
        raise FieldInvalid("a handover needs a phone number or an e-mail address")
    return ordered


def clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Checked, normalised values (without `slot`); raises FieldNotAllowed / FieldInvalid."""
    order_fields(values)
    cleaned: dict[str, Any] = {}
    for name in ALLOWED_FIELDS:
        if name == SLOT_FIELD or name not in values:
            continue
        cleaned[name] = _clean(name, values[name])
    return cleaned


def _clean(name: str, value: Any) -> Any:
    if name in _TEXT_LIMITS:
        return _text(name, value, _TEXT_LIMITS[name])
    if name == "phone":
        number = _PHONE_SEPARATORS.sub("", _text(name, value, 40))
        if number.startswith("00"):
            number = "+" + number[2:]
        if not _PHONE.match(number):
            raise FieldInvalid("phone: not a phone number (8 to 15 digits)")
        return number
    if name == "email":
        address = _text(name, value, 254)
        if not _EMAIL.match(address):
            raise FieldInvalid("email: not an e-mail address")
        return address
    if name == "language":
        code = _text(name, value, 8).lower()
        if code not in RECOGNISED_LANGUAGES:
            raise FieldInvalid(f"language: unknown language code {code!r}")
        return code
    if name == "postcode":
        code = _text(name, str(value) if isinstance(value, int) else value, 4)
        if not _POSTCODE.match(code):
            raise FieldInvalid("postcode: a Belgian postcode has 4 digits")
        return code
    if name == "domains":
        domains = _list(name, value, len(LIFE_DOMAINS))
        unknown = [d for d in domains if d not in LIFE_DOMAINS]
        if unknown:
            raise FieldInvalid(f"domains: unknown life domain(s) {', '.join(unknown)}")
        return list(dict.fromkeys(domains))
    if name == "rights":
        return [_text(name, right, 200) for right in _list(name, value, _MAX_RIGHTS)]
    raise FieldNotAllowed(f"not an allowed handover field: {name}")  # pragma: no cover - guarded above


def _text(name: str, value: Any, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldInvalid(f"{name}: expected a non-empty text")
    text = " ".join(value.split()) if name != "summary" and name != "health_details" else value.strip()
    if len(text) > limit:
        raise FieldInvalid(f"{name}: longer than {limit} characters")
    return text


def _list(name: str, value: Any, limit: int) -> list:
    if not isinstance(value, (list, tuple)) or not value:
        raise FieldInvalid(f"{name}: expected a non-empty list")
    if len(value) > limit:
        raise FieldInvalid(f"{name}: more than {limit} items")
    return list(value)
