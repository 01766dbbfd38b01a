"""Offer items in words, in nl/fr/en: one line, the details, orienting advice, opening hours.

All wording is data in `bot/data/offer/texts/<language>.yml` (same keys in each
language); this module only fills it in. Orienting advice says, per kind of
core actor, what that actor does for this question; it never ranks them.
"""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

from bot.catalogues import load_language_catalogues
from bot.language import CHAT_LANGUAGES, DEFAULT_LANGUAGE
from bot.offer.hsds import DATA_DIR, local_text
from bot.offer.model import LocalText, OfferItem
from bot.offer.schedules import Days, days_of, parse_time

TEXTS_DIR = DATA_DIR / "texts"


@lru_cache(maxsize=None)
def _catalogues(directory: Path = TEXTS_DIR) -> dict[str, Mapping[str, Any]]:
    return load_language_catalogues(directory)


def texts(language: str) -> dict:
    catalogues = _catalogues()
    return catalogues.get(language) or catalogues[DEFAULT_LANGUAGE]


def _join(words: Sequence[str], language: str) -> str:
    words = [word for word in words if word]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {texts(language)['and']} {words[-1]}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def language_name(code: str, language: str) -> str:
    return str(texts(language)["language_names"].get(code, code))


# --- opening hours --------------------------------------------------------------------------

def _clock(value: time, language: str) -> str:
    hour, minute = (24, 0) if value == time.max else (value.hour, value.minute)
    return texts(language)["time"].format(hour=hour, minute=f"{minute:02d}")


def _weekdays(days: Sequence[int], language: str) -> str:
    short = texts(language)["weekdays"]
    parts = []
    # consecutive days (Mon, Tue, Wed) become a range (Mon–Wed) from three days on
    for _, run in groupby(enumerate(days), key=lambda pair: pair[1] - pair[0]):
        run_days = [day for _, day in run]
        if len(run_days) >= 3:
            parts.append(texts(language)["day_range"].format(first=short[run_days[0]], last=short[run_days[-1]]))
        else:
            parts += [short[day] for day in run_days]
    return ", ".join(parts)


def _days_text(days: Days, language: str) -> str:
    catalogue = texts(language)
    if days.kind == "weekly":
        text = _weekdays(days.weekdays, language)
    elif days.kind == "monthly_weekday":
        groups = []
        for weekday, pairs in groupby(days.nth, key=lambda pair: pair[1]):
            ordinals = [str(catalogue["ordinals"].get(ordinal, ordinal)) for ordinal, _ in pairs]
            groups.append(f"{_join(ordinals, language)} {catalogue['weekday_names'][weekday]}")
        text = catalogue["monthly"].format(days=_join(groups, language))
    else:
        text = catalogue["monthly_day"].format(days=_join([str(day) for day in days.monthdays], language))
    if days.interval > 1 and days.kind == "weekly":
        text = f"{catalogue['every_weeks'].format(interval=days.interval)} {text}"
    return text


def _sort_key(days: Days) -> tuple:
    order = {"weekly": 0, "monthly_weekday": 1, "monthly_day": 2}[days.kind]
    return order, days.weekdays or tuple(d for _, d in days.nth) or days.monthdays


def hours_text(schedules: Iterable[dict], language: str) -> Optional[str]:
    """'ma–vr 9:00–12:00; di 13:00–16:00', or None when no schedule can be put into words."""
    ranges: dict[Days, list[tuple[time, time]]] = {}
    for schedule in schedules:
        days = days_of(schedule)
        if days is None or not schedule.get("opens_at") or not schedule.get("closes_at"):
            continue
        span = (parse_time(schedule["opens_at"])[0], parse_time(schedule["closes_at"])[0])
        ranges.setdefault(days, [])
        if span not in ranges[days]:
            ranges[days].append(span)
    if not ranges:
        return None
    catalogue = texts(language)
    segments = []
    for days in sorted(ranges, key=_sort_key):
        spans = [
            catalogue["time_range"].format(opens=_clock(opens, language), closes=_clock(closes, language))
            for opens, closes in sorted(ranges[days])
        ]
        segments.append(f"{_days_text(days, language)} {_join(spans, language)}")
    return "; ".join(segments)


def opening_hours(schedules: Sequence[dict]) -> Optional[LocalText]:
    """The opening hours in nl/fr/en; schedules that cannot be put into words fall back to their description."""
    if not schedules:
        return None
    worded = {code: hours_text(schedules, code) for code in CHAT_LANGUAGES}
    if all(worded.values()):
        return LocalText(**worded)
    described = [text for text in (local_text(schedule, "description") for schedule in schedules) if text]
    if not described:
        return None
    return LocalText(**{code: "; ".join(text.get(code) for text in described) for code in CHAT_LANGUAGES})


def cost_text(service: dict) -> Optional[LocalText]:
    """The service's fees description, or its cost options (amount 0 is 'free')."""
    described = local_text(service, "fees_description")
    if described:
        return described
    options = service.get("cost_options") or []
    if not options:
        return None
    if all(not option.get("amount") for option in options):
        return LocalText(**{code: _capital(texts(code)["free"]) for code in CHAT_LANGUAGES})

    def line(option: dict, code: str) -> str:
        label = local_text(option, "option") or local_text(option, "amount_description")
        amount = f"{option['amount']:g} {str(option.get('currency') or 'EUR').upper()}" if option.get("amount") else texts(code)["free"]
        return f"{label.get(code)}: {amount}" if label else amount

    return LocalText(**{code: "; ".join(line(option, code) for option in options) for code in CHAT_LANGUAGES})


# --- items in words --------------------------------------------------------------------------

def short_line(item: OfferItem, language: str) -> str:
    """One line: organization – service · town · phone."""
    head = f"{item.organization_name} – {item.name.get(language)}"
    return _one_line(" · ".join(part for part in (head, item.city, item.phone) if part))


def role_text(role: str, domains: Sequence[str], language: str) -> str:
    """What a kind of core actor does for a question about these domains (two at most, else in general)."""
    catalogue = texts(language)["roles"][role]
    specific: list[str] = []
    for domain in domains:
        text = catalogue["domains"].get(domain)
        if text and text not in specific:
            specific.append(text)
    return "; ".join(specific[:2]) or catalogue["general"]


def details(item: OfferItem, language: str) -> str:
    """Everything about one item, one fact per line, labelled."""
    catalogue = texts(language)
    labels = catalogue["labels"]
    lines = [f"{item.organization_name} – {item.name.get(language)}"]
    if item.description:
        lines.append(item.description.get(language))
    if item.gbo_role:
        lines.append(catalogue["label_line"].format(
            label=labels["for_question"], value=f"{role_text(item.gbo_role, item.domains, language)}."))

    def add(label: str, value: Optional[str]) -> None:
        if value:
            lines.append(catalogue["label_line"].format(label=labels[label], value=value))

    add("address", item.address)
    add("hours", item.opening_hours.get(language) if item.opening_hours else catalogue["hours_ask"])
    add("phone", item.phone)
    add("languages", ", ".join(language_name(code, language) for code in item.languages))
    add("cost", item.cost.get(language) if item.cost else None)
    add("accessibility", item.accessibility.get(language) if item.accessibility else None)
    add("who", item.eligibility.get(language) if item.eligibility else None)
    add("bring", " ".join(document.get(language) for document in item.required_documents))
    add("website", item.url)
    add("email", item.email)
    return "\n".join(_one_line(line) for line in lines)


def orienting_advice(domains: Sequence[str], items: Sequence[OfferItem], language: str) -> list[str]:
    """One line per kind of core actor among `items` (OCMW, CAW, health fund), in the order
    they first appear in `items` (the neutral order), saying what each does for this question."""
    roles: list[str] = []
    for item in items:
        if item.gbo_role and item.gbo_role not in roles:
            roles.append(item.gbo_role)
    catalogue = texts(language)
    return [
        catalogue["advice_line"].format(
            who=_capital(catalogue["roles"][role]["who"]), what=role_text(role, domains, language)
        )
        for role in roles
    ]
