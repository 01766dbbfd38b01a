"""When the worker's messages are due, in Brussels time.

- Reminder: from 10:00 on the day before the appointment, until 2 hours
  before it starts. A booking made later than that (today for tomorrow) is
  reminded 3 hours after it was made at the earliest, not right after its
  own confirmation.
- "Did you get help?": from 10:00 on the day after the appointment, for a
  week (a worker that was down longer does not send stale questions).
- Nothing of either between 21:00 and 09:00: a reminder is no reason to wake
  anyone; what is due at night goes out in the morning, if still in time.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.referral.ics import BRUSSELS

SEND_AT = time(10, 0)
LAST_CALL = timedelta(hours=2)
AFTER_BOOKING = timedelta(hours=3)
FOLLOWUP_FOR = timedelta(days=7)
DAY_STARTS, DAY_ENDS = time(9, 0), time(21, 0)


def _local_at(day, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=BRUSSELS)


def reminder_due(start: datetime, booked_at: datetime) -> datetime:
    return max(_local_at(start.astimezone(BRUSSELS).date() - timedelta(days=1), SEND_AT), booked_at + AFTER_BOOKING)


def reminder_deadline(start: datetime) -> datetime:
    return start - LAST_CALL


def followup_due(end: datetime) -> datetime:
    return _local_at(end.astimezone(BRUSSELS).date() + timedelta(days=1), SEND_AT)


def followup_deadline(end: datetime) -> datetime:
    return followup_due(end) + FOLLOWUP_FOR


def daytime(now: datetime) -> bool:
    """True between 09:00 and 21:00 in Brussels."""
    return DAY_STARTS <= now.astimezone(BRUSSELS).time() < DAY_ENDS


def _first_daytime(moment: datetime) -> datetime:
    local = moment.astimezone(BRUSSELS)
    if local.time() < DAY_STARTS:
        return _local_at(local.date(), DAY_STARTS)
    if local.time() >= DAY_ENDS:
        return _local_at(local.date() + timedelta(days=1), DAY_STARTS)
    return moment


def can_remind(start: datetime, booked_at: datetime) -> bool:
    """Whether a reminder for an appointment booked at `booked_at` can still go out in time
    (bot.flow asks for one only then: not for later today, nor tomorrow at dawn booked at night)."""
    return _first_daytime(reminder_due(start, booked_at)) < reminder_deadline(start)
