"""iCalendar in and out (the `icalendar` library): an organisation's feed of
free slots, and the .ics file a citizen gets for a booking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterator, Optional
from zoneinfo import ZoneInfo

from bot.referral.errors import CalendarError

BRUSSELS = ZoneInfo("Europe/Brussels")
# Recurring events are expanded this far ahead (re-import to extend).
RECURRENCE_HORIZON = timedelta(days=90)
MAX_EVENTS = 5000


@dataclass(frozen=True)
class CalendarSlot:
    uid: str  # the event UID, plus "#<start>" for one occurrence of a recurring event
    start: datetime
    end: datetime
    cancelled: bool


def read_calendar(ics_text: str, now: datetime) -> tuple[list[CalendarSlot], int]:
    """The timed events from now on, and how many events were skipped (all-day,
    no UID, no end). Floating times are Brussels time."""
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(ics_text)
    except Exception as error:  # the parser raises several types for bad input
        raise CalendarError(f"not an iCalendar file: {str(error)[:120]}") from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise CalendarError("not an iCalendar file: no VCALENDAR")
    events = list(calendar.walk("VEVENT"))
    # Recurring masters first, so that a changed occurrence (RECURRENCE-ID) overrides them.
    events.sort(key=lambda e: e.get("RECURRENCE-ID") is not None)
    found: dict[str, CalendarSlot] = {}
    skipped = 0
    for event in events:
        try:
            items = list(_event_slots(event, now))
        except (KeyError, ValueError, TypeError, AttributeError):
            items = []
        if not items:
            skipped += _unusable(event)
        for item in items:
            found[item.uid] = item
            if len(found) > MAX_EVENTS:
                raise CalendarError(f"more than {MAX_EVENTS} events; split the calendar")
    return [s for s in found.values() if s.start > now], skipped


def _unusable(event) -> int:
    start = event.get("DTSTART")
    return 0 if start is not None and isinstance(start.dt, datetime) and event.get("UID") else 1


def _event_slots(event, now: datetime) -> Iterator[CalendarSlot]:
    uid = str(event.get("UID") or "").strip()
    start_prop = event.get("DTSTART")
    if not uid or start_prop is None or not isinstance(start_prop.dt, datetime):
        return  # all-day events and events without a UID cannot be slots
    start = _aware(start_prop.dt)
    if event.get("DTEND") is not None:
        length = _aware(event.get("DTEND").dt) - start
    elif event.get("DURATION") is not None:
        length = event.get("DURATION").dt
    else:
        return
    cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
    recurrence_id = event.get("RECURRENCE-ID")
    if recurrence_id is not None:
        yield CalendarSlot(_occurrence_uid(uid, _aware(recurrence_id.dt)), start, start + length, cancelled)
        return
    if event.get("RRULE") is None:
        yield CalendarSlot(uid, start, start + length, cancelled)
        return
    from dateutil.rrule import rrulestr

    rule = rrulestr(event.get("RRULE").to_ical().decode("ascii"), dtstart=start)
    excluded = {_aware(d.dt) for exdate in _as_list(event.get("EXDATE")) for d in exdate.dts}
    for occurrence in rule.between(now, now + RECURRENCE_HORIZON, inc=True):
        if occurrence not in excluded:
            yield CalendarSlot(_occurrence_uid(uid, occurrence), occurrence, occurrence + length, cancelled)


def _occurrence_uid(uid: str, start: datetime) -> str:
    return f"{uid}#{start.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}"


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=BRUSSELS) if value.tzinfo is None else value


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def booking_calendar(
    uid: str, start: datetime, end: datetime, summary: str, description: str,
    location: Optional[str], now: datetime, cancelled: bool = False,
) -> str:
    """One VEVENT; the same UID on a later file updates the event in calendar apps."""
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar.new(prodid="-//Wegwijs//Warm referral//NL", method="PUBLISH")
    event = Event.new(
        uid=uid, start=start.astimezone(timezone.utc), end=end.astimezone(timezone.utc), stamp=now,
        summary=summary, description=description, location=location or None,
    )
    if cancelled:
        event.add("STATUS", "CANCELLED")
    else:
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", summary)
        alarm.add("TRIGGER", timedelta(hours=-1))
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")

