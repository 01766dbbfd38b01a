"""Slots: adding and removing, the nearest free ones, iCalendar import and the
demo calendar, on SQLite and PostgreSQL."""

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.referral import CalendarError, SlotInvalid, SlotNotFound, SlotTaken, Slots
from bot.referral.tables import slot_table

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY = datetime(2030, 3, 4, 8, 0, tzinfo=timezone.utc)  # 09:00 in Brussels
ORG = "org-ocmw"


@pytest.fixture
def slots(engine):
    return Slots(engine, lambda: MONDAY)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A Brussels wall-clock time in March 2030."""
    return datetime(2030, 3, day, hour, minute, tzinfo=BRUSSELS)


def test_the_nearest_free_slots_of_a_kind_come_first_and_past_ones_never(slots):
    made = [slots.add(ORG, "loc-1", "appointment", at(d, 10), at(d, 10, 45)) for d in (8, 5, 6, 7)]
    slots.add(ORG, "loc-1", "callback", at(5, 13), at(5, 16))
    slots.add("other-org", "loc-9", "appointment", at(4, 15), at(4, 16))
    first = slots.open_slots(ORG, "appointment", limit=3)
    assert [s.start for s in first] == [at(5, 10), at(6, 10), at(7, 10)]
    assert first[0].start.tzinfo is not None and first[0].local_start.hour == 10
    more = slots.open_slots(ORG, "appointment", after=first[-1].start, limit=3)
    assert [s.id for s in more] == [made[0].id]
    assert [s.kind for s in slots.open_slots(ORG, "callback")] == ["callback"]
    assert slots.open_slots(ORG, "appointment", after=MONDAY - timedelta(days=30), limit=1)[0].start == at(5, 10)
    assert slots.open_slots(ORG, "appointment", location_id="loc-2") == []


def test_impossible_slots_are_refused(slots):
    for kind, start, end in [
        ("visit", at(5, 10), at(5, 11)),
        ("appointment", at(5, 11), at(5, 10)),
        ("appointment", at(5, 8), at(5, 21)),
        ("appointment", at(4, 8), at(4, 8, 30)),  # already over
    ]:
        with pytest.raises(SlotInvalid):
            slots.add(ORG, "loc-1", kind, start, end)
    with pytest.raises(SlotInvalid):
        slots.add(ORG, "loc-1", "appointment", datetime(2030, 3, 5, 10), datetime(2030, 3, 5, 11))  # no timezone


def test_a_free_slot_can_be_removed_a_booked_one_not(slots, engine):
    free, booked = (slots.add(ORG, "loc-1", "appointment", at(5, h), at(5, h, 45)) for h in (10, 11))
    with engine.begin() as conn:
        conn.execute(slot_table.update().where(slot_table.c.id == booked.id).values(booked_by="h-1"))
    slots.remove(free.id, ORG)
    with pytest.raises(SlotTaken):
        slots.remove(booked.id, ORG)
    with pytest.raises(SlotNotFound):
        slots.remove(free.id, ORG)
    with pytest.raises(SlotNotFound):
        slots.remove(booked.id, "other-org")
    assert slots.open_slots(ORG, "appointment") == []
    assert [item.handover_id for item in slots.listing(ORG, MONDAY)] == ["h-1"]


FEED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Demo//Agenda//NL
BEGIN:VTIMEZONE
TZID:Europe/Brussels
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:single-1@demo
DTSTAMP:20300301T120000Z
DTSTART;TZID=Europe/Brussels:20300305T100000
DTEND;TZID=Europe/Brussels:20300305T104500
SUMMARY:Vrij
END:VEVENT
BEGIN:VEVENT
UID:floating-1@demo
DTSTAMP:20300301T120000Z
DTSTART:20300306T140000
DURATION:PT30M
END:VEVENT
BEGIN:VEVENT
UID:weekly@demo
DTSTAMP:20300301T120000Z
DTSTART;TZID=Europe/Brussels:20300325T090000
DTEND;TZID=Europe/Brussels:20300325T094500
RRULE:FREQ=WEEKLY;COUNT=4
EXDATE;TZID=Europe/Brussels:20300408T090000
END:VEVENT
BEGIN:VEVENT
UID:weekly@demo
DTSTAMP:20300301T120000Z
RECURRENCE-ID;TZID=Europe/Brussels:20300415T090000
DTSTART;TZID=Europe/Brussels:20300415T110000
DTEND;TZID=Europe/Brussels:20300415T114500
END:VEVENT
BEGIN:VEVENT
UID:allday@demo
DTSTAMP:20300301T120000Z
DTSTART;VALUE=DATE:20300307
END:VEVENT
BEGIN:VEVENT
UID:past@demo
DTSTAMP:20300301T120000Z
DTSTART:20300301T090000Z
DTEND:20300301T100000Z
END:VEVENT
END:VCALENDAR
"""


def test_an_ics_feed_becomes_free_slots_in_brussels_time_across_summer_time(slots):
    result = slots.import_ics(ORG, "loc-1", FEED, "appointment")
    assert (result.added, result.updated, result.removed, result.skipped) == (5, 0, 0, 1)  # all-day skipped
    starts = [s.start for s in slots.open_slots(ORG, "appointment", limit=20)]
    assert starts == [
        at(5, 10), at(6, 14),  # TZID and floating (read as Brussels time); the past event is left out
        at(25, 9),  # CET, UTC+1
        datetime(2030, 4, 1, 9, tzinfo=BRUSSELS),  # CEST, UTC+2: still 09:00 on the wall clock
        datetime(2030, 4, 15, 11, tzinfo=BRUSSELS),  # the moved occurrence; 8 April is excluded
    ]
    assert starts[2].astimezone(timezone.utc).hour == 8 and starts[3].astimezone(timezone.utc).hour == 7


def test_importing_the_same_feed_again_changes_nothing_and_updates_are_applied(slots):
    slots.import_ics(ORG, "loc-1", FEED, "appointment")
    again = slots.import_ics(ORG, "loc-1", FEED, "appointment")
    assert (again.added, again.updated, again.removed) == (0, 0, 0)
    assert len(slots.open_slots(ORG, "appointment", limit=50)) == 5
    changed = FEED.replace("20300305T104500", "20300305T110000").replace(
        "UID:floating-1@demo\nDTSTAMP:20300301T120000Z\n", "UID:floating-1@demo\nDTSTAMP:20300301T120000Z\nSTATUS:CANCELLED\n"
    )
    result = slots.import_ics(ORG, "loc-1", changed, "appointment")
    assert (result.added, result.updated, result.removed) == (0, 1, 1)
    first = slots.open_slots(ORG, "appointment", limit=1)[0]
    assert first.end == at(5, 11)
    assert at(6, 14) not in [s.start for s in slots.open_slots(ORG, "appointment", limit=50)]


def test_an_import_never_changes_a_booked_slot(slots, engine):
    slots.import_ics(ORG, "loc-1", FEED, "appointment")
    first = slots.open_slots(ORG, "appointment", limit=1)[0]
    with engine.begin() as conn:
        conn.execute(slot_table.update().where(slot_table.c.id == first.id).values(booked_by="h-1"))
    cancelled = FEED.replace("UID:single-1@demo\n", "UID:single-1@demo\nSTATUS:CANCELLED\n")
    result = slots.import_ics(ORG, "loc-1", cancelled.replace("20300305T104500", "20300305T120000"), "appointment")
    assert result.removed == 0 and result.updated == 0
    listed = {item.slot.id: item for item in slots.listing(ORG, MONDAY)}
    assert listed[first.id].handover_id == "h-1" and listed[first.id].slot.end == at(5, 10, 45)


def test_a_file_that_is_not_a_calendar_is_refused(slots):
    for text in ("hello", "BEGIN:VCARD\nFN:An\nEND:VCARD\n", ""):
        with pytest.raises(CalendarError):
            slots.import_ics(ORG, "loc-1", text, "appointment")
    with pytest.raises(SlotInvalid):
        slots.import_ics(ORG, "loc-1", FEED, "visit")


def test_demo_slots_are_weekday_office_hours_and_made_only_once(slots):
    pairs = [(ORG, "loc-1"), ("org-caw", "loc-2")]
    made = slots.seed_demo_slots(pairs, MONDAY, days=14)
    assert made > 40
    assert slots.seed_demo_slots(pairs, MONDAY, days=14) == 0
    for org in (ORG, "org-caw"):
        for kind in ("appointment", "callback"):
            found = slots.open_slots(org, kind, limit=200)
            assert found, (org, kind)
            for slot in found:
                start, end = slot.local_start, slot.local_end
                assert start.weekday() < 5 and time(9) <= start.time() and end.time() <= time(16, 30)
                assert MONDAY + timedelta(hours=1) < slot.start < MONDAY + timedelta(days=14)
    later = MONDAY + timedelta(days=30)
    assert slots.seed_demo_slots(pairs, later, days=14) > 0  # the first fortnight is over
