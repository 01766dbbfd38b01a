"""Opening hours: "open now" in Brussels time, and the hours in words."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.offer.render import hours_text, opening_hours
from bot.offer.schedules import check_schedule, is_open, local_moment, occurs_on

WEEKDAYS_MORNING = {"id": "a", "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "12:00"}
TUESDAY_AFTERNOON = {"id": "b", "freq": "WEEKLY", "byday": "TU", "opens_at": "13:00", "closes_at": "16:00"}
LAST_THURSDAY = {"id": "c", "freq": "MONTHLY", "byday": "-1TH", "opens_at": "19:00", "closes_at": "21:00"}
FIRST_AND_THIRD_WEDNESDAY = {"id": "d", "freq": "MONTHLY", "byday": "1WE,3WE", "opens_at": "14:00", "closes_at": "16:00"}


def brussels(*parts) -> datetime:
    return local_moment(datetime(*parts))


@pytest.mark.parametrize(
    "moment, expected",
    [
        (brussels(2025, 3, 4, 9, 0), True),    # Tuesday, opening minute
        (brussels(2025, 3, 4, 11, 59), True),
        (brussels(2025, 3, 4, 12, 0), False),  # closed at closing time
        (brussels(2025, 3, 4, 14, 0), True),   # Tuesday afternoon
        (brussels(2025, 3, 5, 14, 0), False),  # Wednesday afternoon
        (brussels(2025, 3, 8, 10, 0), False),  # Saturday
    ],
)
def test_open_now_follows_days_and_hours(moment, expected):
    assert is_open([WEEKDAYS_MORNING, TUESDAY_AFTERNOON], moment) is expected


def test_times_are_brussels_time_in_winter_and_in_summer():
    assert is_open([WEEKDAYS_MORNING], datetime(2025, 1, 7, 8, 30, tzinfo=timezone.utc))      # 9:30 CET
    assert not is_open([WEEKDAYS_MORNING], datetime(2025, 1, 7, 7, 30, tzinfo=timezone.utc))  # 8:30 CET
    assert is_open([WEEKDAYS_MORNING], datetime(2025, 7, 1, 7, 30, tzinfo=timezone.utc))      # 9:30 CEST
    assert not is_open([WEEKDAYS_MORNING], datetime(2025, 7, 1, 10, 30, tzinfo=timezone.utc))  # 12:30 CEST
    assert brussels(2025, 7, 1, 9, 30) == datetime(2025, 7, 1, 7, 30, tzinfo=timezone.utc)


def test_monthly_rules_pick_the_right_days():
    january = [date(2025, 1, day) for day in range(1, 32)]
    assert [d.day for d in january if occurs_on(LAST_THURSDAY, d)] == [30]
    assert [d.day for d in january if occurs_on(FIRST_AND_THIRD_WEDNESDAY, d)] == [1, 15]
    assert is_open([LAST_THURSDAY], brussels(2025, 1, 30, 19, 30))
    assert not is_open([LAST_THURSDAY], brussels(2025, 1, 23, 19, 30))


def test_every_other_week_counts_from_dtstart_and_validity_is_respected():
    fortnightly = {"freq": "WEEKLY", "interval": 2, "dtstart": "2025-01-06", "byday": "MO"}
    assert [d for d in (date(2025, 1, day) for day in range(1, 32)) if occurs_on(fortnightly, d)] == [
        date(2025, 1, 6), date(2025, 1, 20)]
    ended = dict(WEEKDAYS_MORNING, valid_to="2025-02-28")
    assert is_open([ended], brussels(2025, 2, 28, 10, 0)) and not is_open([ended], brussels(2025, 3, 3, 10, 0))


def test_a_schedule_without_rule_or_times_never_says_open():
    assert not is_open([{"id": "x", "description": "Op afspraak"}], brussels(2025, 3, 4, 10, 0))
    assert not is_open([{"id": "x", "freq": "WEEKLY", "byday": "TU"}], brussels(2025, 3, 4, 10, 0))


def test_unreadable_schedules_are_reported_per_field():
    problems = dict(check_schedule({"byday": "MO,XX", "opens_at": "25:00", "closes_at": "17h", "valid_from": "morgen"}))
    assert set(problems) == {"byday", "opens_at", "closes_at", "valid_from"}
    assert check_schedule(WEEKDAYS_MORNING) == [] and check_schedule(LAST_THURSDAY) == []


def test_hours_in_words_in_each_language():
    schedules = [WEEKDAYS_MORNING, TUESDAY_AFTERNOON]
    assert hours_text(schedules, "nl") == "ma–vr 9:00–12:00; di 13:00–16:00"
    assert hours_text(schedules, "fr") == "lun–ven 9h00–12h00; mar 13h00–16h00"
    assert hours_text(schedules, "en") == "Mon–Fri 9:00–12:00; Tue 13:00–16:00"
    two_blocks = [WEEKDAYS_MORNING, dict(WEEKDAYS_MORNING, opens_at="14:00", closes_at="18:00")]
    assert hours_text(two_blocks, "nl") == "ma–vr 9:00–12:00 en 14:00–18:00"
    assert hours_text([dict(WEEKDAYS_MORNING, byday="MO,WE")], "en") == "Mon, Wed 9:00–12:00"
    assert hours_text([FIRST_AND_THIRD_WEDNESDAY], "nl") == "elke eerste en derde woensdag van de maand 14:00–16:00"
    assert hours_text([LAST_THURSDAY], "fr") == "le dernier jeudi du mois 19h00–21h00"
    assert hours_text([LAST_THURSDAY], "en") == "every last Thursday of the month 19:00–21:00"


def test_hours_that_cannot_be_put_into_words_fall_back_to_the_description():
    text = opening_hours([{"id": "x", "description": "Op afspraak."}])
    assert text.nl == text.fr == text.en == "Op afspraak."
    assert opening_hours([]) is None
