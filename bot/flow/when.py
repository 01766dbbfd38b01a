"""Dates and times the way a citizen reads them, in their language (Brussels time)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional
from zoneinfo import ZoneInfo

from bot.texts import Texts

BRUSSELS = ZoneInfo("Europe/Brussels")


def spoken(texts: Texts, language: str, start: datetime, end: Optional[datetime] = None) -> str:
    """ "maandag 30 november om 10:00", or "... tussen 10:00 en 12:00" for a window."""
    local = start.astimezone(BRUSSELS)
    values = {
        "weekday": texts.raw(language, "weekdays")[local.weekday()],
        "day": str(local.day),
        "month": texts.raw(language, "months")[local.month - 1],
        "time": local.strftime("%H:%M"),
    }
    if end is None:
        return texts.get(language, "when_format", values)
    values["end"] = end.astimezone(BRUSSELS).strftime("%H:%M")
    return texts.get(language, "callback_format", values)
