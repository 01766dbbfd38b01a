"""The neutral order of offer: alphabetical, starting one place further each day.

Rule: sort the fitting services alphabetically by organization name, then
service name (case and accents ignored; the service id breaks ties). Then
rotate that list by the day: on calendar day D (Europe/Brussels, counted as
`date.toordinal()`), a list of n services starts at place D mod n and wraps
around. So everyone sees the same list on the same day, no provider is always
first, and over any n days in a row each provider stands first exactly once
(and in every other place exactly once). The citizen can be told: "in
alphabetical order; every day the list starts at a different provider".
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Optional, Sequence, TypeVar

from bot.offer.model import OfferItem
from bot.offer.schedules import local_moment

Item = TypeVar("Item", bound=OfferItem)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def alphabetical_key(item: OfferItem) -> tuple[str, str, str]:
    return _plain(item.organization_name), _plain(item.name.nl), item.service_id


def neutral_order(items: Sequence[Item], at: Optional[datetime] = None) -> list[Item]:
    """The items in the neutral order of the day of `at` (default: today)."""
    ordered = sorted(items, key=alphabetical_key)
    if not ordered:
        return ordered
    start = local_moment(at).date().toordinal() % len(ordered)
    return ordered[start:] + ordered[:start]
