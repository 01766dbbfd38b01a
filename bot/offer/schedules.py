"""HSDS schedules: is a service open at a given moment, and which days does it open.

HSDS schedules are iCalendar recurrence rules (freq, byday, bymonthday,
interval, dtstart, until, count, wkst) plus `opens_at`/`closes_at`. Times
without a UTC offset are local time in Europe/Brussels (or at the schedule's
numeric `timezone` offset, in hours, when it has one). A schedule without a
rule (no freq and no byday) or without opening times says nothing certain,
so it never makes a service "open now".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Iterable, Optional
from zoneinfo import ZoneInfo

from dateutil import rrule

BRUSSELS = ZoneInfo("Europe/Brussels")
WEEKDAYS: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ANCHOR = date(2000, 1, 3)  # a Monday: the start of rules that give no dtstart
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


def local_moment(at: Optional[datetime] = None) -> datetime:
    """`at` (default now) as an aware datetime in Brussels; a naive `at` is Brussels time."""
    if at is None:
        return datetime.now(BRUSSELS)
    if at.tzinfo is None:
        return at.replace(tzinfo=BRUSSELS)
    return at.astimezone(BRUSSELS)


@dataclass(frozen=True)
class Days:
    """Which days a schedule opens, for the opening-hours text.

    kind `weekly`: `weekdays` (0 = Monday); `monthly_weekday`: `nth` pairs
    (ordinal, weekday), e.g. (-1, 3) = the last Thursday; `monthly_day`: `monthdays`.
    """

    kind: str
    weekdays: tuple[int, ...] = ()
    nth: tuple[tuple[int, int], ...] = ()
    monthdays: tuple[int, ...] = ()
    interval: int = 1


def parse_time(text: str) -> tuple[time, Optional[tzinfo]]:
    """'09:00', '9:00:00', '09:00+01:00', '08:00Z' -> (time, offset or None). '24:00' is midnight at the end."""
    match = _TIME.fullmatch(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a time like 09:00")
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if hours == 24 and minutes == 0 and seconds == 0:
        value = time(23, 59, 59, 999999)
    elif hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(f"{text!r} is not a time of day")
    else:
        value = time(hours, minutes, seconds)
    suffix = match[4]
    if not suffix:
        return value, None
    if suffix == "Z":
        return value, timezone.utc
    sign = 1 if suffix[0] == "+" else -1
    digits = suffix[1:].replace(":", "")
    return value, timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _parse_date(text: str) -> date:
    return date.fromisoformat(str(text).strip()[:10])


def _byday(text: str) -> list[tuple[Optional[int], int]]:
    days = []
    for token in str(text).replace(" ", "").split(","):
        if not token:
            continue
        match = _BYDAY.fullmatch(token.upper())
        if not match or (match[1] and int(match[1]) == 0):
            raise ValueError(f"{token!r} is not a day like MO, 2MO or -1FR")
        days.append((int(match[1]) if match[1] else None, WEEKDAYS.index(match[2])))
    return days


def _ints(text: str) -> list[int]:
    return [int(part) for part in str(text).replace(" ", "").split(",") if part]


def _has_rule(schedule: dict) -> bool:
    return bool(schedule.get("freq") or schedule.get("byday"))


def _rule(schedule: dict, near: Optional[date] = None) -> rrule.rrule:
    """The schedule's recurrence. With `near` and a rule that does not depend on its
    start (interval 1, no count), it starts just before `near`, to stay fast."""
    freq = rrule.MONTHLY if schedule.get("freq") == "MONTHLY" else rrule.WEEKLY
    interval = int(schedule.get("interval") or 1)
    start = schedule.get("dtstart") or schedule.get("valid_from")
    start_day = _parse_date(start) if start else _ANCHOR
    if near is not None and interval == 1 and not schedule.get("count"):
        shortcut = near.replace(day=1) - timedelta(days=7)
        start_day = max(start_day, shortcut) if start else shortcut
    options: dict = {"interval": interval, "dtstart": datetime.combine(start_day, time())}
    if schedule.get("byday"):
        options["byweekday"] = [
            rrule.weekday(day, ordinal) if ordinal else rrule.weekday(day) for ordinal, day in _byday(schedule["byday"])
        ]
    if schedule.get("bymonthday"):
        options["bymonthday"] = _ints(schedule["bymonthday"])
    if schedule.get("byweekno"):
        options["byweekno"] = _ints(schedule["byweekno"])
    if schedule.get("byyearday"):
        options["byyearday"] = _ints(schedule["byyearday"])
    if schedule.get("until"):
        options["until"] = datetime.combine(_parse_date(schedule["until"]), time.max)
    if schedule.get("count"):
        options["count"] = int(schedule["count"])
    if schedule.get("wkst"):
        options["wkst"] = WEEKDAYS.index(schedule["wkst"])
    return rrule.rrule(freq, **options)


def check_schedule(schedule: dict) -> list[tuple[str, str]]:
    """(field, message) for each part of a schedule Wegwijs cannot read."""
    problems = []
    for name in ("opens_at", "closes_at"):
        if schedule.get(name):
            try:
                parse_time(schedule[name])
            except ValueError as error:
                problems.append((name, str(error)))
    for name in ("dtstart", "until", "valid_from", "valid_to"):
        if schedule.get(name):
            try:
                _parse_date(schedule[name])
            except ValueError:
                problems.append((name, f"{schedule[name]!r} is not a date like 2025-01-31"))
    for name, parse in (("byday", _byday), ("bymonthday", _ints), ("byweekno", _ints), ("byyearday", _ints)):
        if schedule.get(name):
            try:
                parse(schedule[name])
            except ValueError as error:
                problems.append((name, str(error)))
    if not problems and _has_rule(schedule):
        try:
            _rule(schedule)
        except (ValueError, TypeError) as error:
            problems.append(("freq", f"not a usable recurrence rule: {error}"))
    return problems


def occurs_on(schedule: dict, day: date) -> bool:
    """Whether the schedule's rule has an occurrence on `day` (within valid_from/valid_to)."""
    if not _has_rule(schedule):
        return False
    if schedule.get("valid_from") and day < _parse_date(schedule["valid_from"]):
        return False
    if schedule.get("valid_to") and day > _parse_date(schedule["valid_to"]):
        return False
    following = _rule(schedule, near=day).after(datetime.combine(day, time()), inc=True)
    return following is not None and following.date() == day


def is_open(schedules: Iterable[dict], at: datetime) -> bool:
    """Whether any schedule has the service open at `at` (an aware datetime)."""
    for schedule in schedules:
        if not (_has_rule(schedule) and schedule.get("opens_at") and schedule.get("closes_at")):
            continue
        opens, opens_zone = parse_time(schedule["opens_at"])
        closes, _ = parse_time(schedule["closes_at"])
        zone = opens_zone or _numeric_zone(schedule) or BRUSSELS
        moment = at.astimezone(zone)
        now = moment.time().replace(tzinfo=None)
        if opens < closes:
            if opens <= now < closes and occurs_on(schedule, moment.date()):
                return True
        elif (now >= opens and occurs_on(schedule, moment.date())) or (
            now < closes and occurs_on(schedule, moment.date() - timedelta(days=1))
        ):  # open past midnight
            return True
    return False


def _numeric_zone(schedule: dict) -> Optional[tzinfo]:
    offset = schedule.get("timezone")
    if isinstance(offset, (int, float)) and -14 <= offset <= 14:
        return timezone(timedelta(hours=offset))
    return None


def days_of(schedule: dict) -> Optional[Days]:
    """The schedule's days in a form that can be put into words, or None."""
    if not _has_rule(schedule):
        return None
    interval = int(schedule.get("interval") or 1)
    if schedule.get("freq") == "MONTHLY":
        if schedule.get("byday"):
            pairs = _byday(schedule["byday"])
            if all(ordinal for ordinal, _ in pairs):
                return Days("monthly_weekday", nth=tuple((o, d) for o, d in pairs), interval=interval)
            return None
        if schedule.get("bymonthday"):
            return Days("monthly_day", monthdays=tuple(_ints(schedule["bymonthday"])), interval=interval)
        return None
    if schedule.get("byday") and not schedule.get("byweekno") and not schedule.get("byyearday"):
        pairs = _byday(schedule["byday"])
        if any(ordinal for ordinal, _ in pairs):
            return None
        return Days("weekly", weekdays=tuple(sorted({d for _, d in pairs})), interval=interval)
    return None
