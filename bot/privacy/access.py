"""Access (GDPR art. 15) and erasure, in the chat: what the citizen reads.

`describe` says in plain words what Wegwijs holds for this conversation:
the language, the help question (placeholders shown as "[your phone
number]", never the values), the answers to the rights questions, the name
and contact details waiting for a booking, the bookings with their status
and the fields each organisation got, and, on SMS, the encrypted number.
`erasure_replies` says what an erasure did, and for each handover an
organisation already accepted, how to ask that organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

from bot.catalogues import load_language_catalogues
from bot.language import DEFAULT_LANGUAGE
from bot.privacy.erasure import ErasureReport
from bot.privacy.masking import PLACEHOLDERS
from bot.privacy.sealing import SEALED
from bot.referral import BookingView
from bot.referral.texts import citizen_texts
from bot.rights.profile import default_fields, say_fact

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "privacy"
QUESTION_SHOWN = 300  # characters of the help question repeated back


@lru_cache(maxsize=1)
def _catalogues() -> Mapping[str, Mapping[str, Any]]:
    return load_language_catalogues(DATA_DIR)


def privacy_texts(language: str) -> Mapping[str, Any]:
    catalogues = _catalogues()
    return catalogues.get(language) or catalogues[DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class Organisation:
    name: str
    phone: str


@dataclass(frozen=True)
class HeldData:
    """What the conversation holds, read from its slots and Wegwijs' tables."""

    language: str
    help_question: Optional[str] = None
    domains: Sequence[str] = ()
    flow: Mapping[str, Any] = field(default_factory=dict)
    bookings: Sequence[BookingView] = ()
    sms_contact: bool = False


class Wording:
    """The conversation texts this module needs from bot.texts (language names, domains, 'and')."""

    def __init__(self, language_name: Callable[[str], str], domain_list: Callable[[str, Sequence[str]], str],
                 list_and: Callable[[str], str]) -> None:
        self.language_name = language_name
        self.domain_list = domain_list
        self.list_and = list_and

    @classmethod
    def from_texts(cls, texts: Any) -> "Wording":
        return cls(texts.language_name, texts.domain_list, lambda language: texts.get(language, "list_and"))


def shown_text(text: str, language: str) -> str:
    """A citizen's text with its placeholders (and sealed values) in words: '[your phone number]'."""
    labels = privacy_texts(language)["labels"]
    text = SEALED.sub(lambda m: m.group(0).split(":", 1)[0] + "]", text)
    for kind, mark in PLACEHOLDERS.items():
        text = text.replace(mark, f"[{labels[kind]}]")
    text = " ".join(text.split())
    return text if len(text) <= QUESTION_SHOWN else text[:QUESTION_SHOWN].rstrip() + "…"


def describe(held: HeldData, wording: Wording, organisation: Callable[[str], Optional[Organisation]],
             retention_days: int) -> str:
    """The answer to "what do you know about me?", in the conversation's language."""
    language = held.language
    t = privacy_texts(language)
    lines = [t["show_intro"], t["show_language"].format(language=wording.language_name(language))]
    before = len(lines)
    if held.help_question:
        lines.append(t["show_question"].format(question=shown_text(held.help_question, language)))
    if held.domains:
        lines.append(t["show_domains"].format(domains=wording.domain_list(language, list(held.domains))))
    flow = held.flow if isinstance(held.flow, Mapping) else {}
    facts = _facts(flow.get("profile") or {}, language, wording.list_and(language))
    if facts:
        lines.append(t["show_facts"].format(facts=facts))
    postcode = flow.get("postcode") or (flow.get("profile") or {}).get("postcode")
    if postcode:
        lines.append(t["show_postcode"].format(postcode=postcode))
    if flow.get("name"):
        lines.append(t["show_name"].format(name=flow["name"]))
    for kind, value in (flow.get("contact") or {}).items():
        if kind in t["labels"] and value:
            what = t["labels"][kind]
            lines.append(t["show_contact"].format(what=what[:1].upper() + what[1:]))
    chosen = flow.get("org") if isinstance(flow.get("org"), Mapping) else None
    booked_orgs = {b.org_id for b in held.bookings}
    if chosen and chosen.get("name") and chosen.get("id") not in booked_orgs:
        lines.append(t["show_choice"].format(org=chosen["name"]))
    field_labels = citizen_texts(language)["field_labels"]
    for booking in held.bookings:
        org = organisation(booking.org_id)
        name = org.name if org else booking.org_id
        lines.append(t["show_booking"].format(reference=booking.reference, org=name,
                                              status=booking.status_text(name, language)))
        if booking.withdrawn:
            lines.append(t["show_booking_withdrawn"].format(org=name))
        else:
            fields = ", ".join(field_labels[f] for f in booking.consent.fields if f in field_labels)
            lines.append(t["show_booking_fields"].format(org=name, fields=fields))
    if held.sms_contact:
        lines.append(t["show_sms"])
    if len(lines) == before:
        lines.append(t["show_nothing"])
    lines += ["", t["show_never"], t["show_retention"].format(days=retention_days)]
    return "\n".join(lines)


def _facts(profile: Mapping[str, Any], language: str, list_and: str) -> str:
    fields = default_fields()
    said = []
    for name, value in profile.items():
        if name not in fields or name == "postcode":
            continue
        try:
            said.append(say_fact(fields[name], value, language, list_and))
        except (KeyError, TypeError, ValueError):
            continue  # an answer from an older version of the questions: not worth failing for
    return "; ".join(said)


def erasure_replies(report: ErasureReport, language: str, organisation: Callable[[str], Optional[Organisation]]) -> list[str]:
    """What the erasure did, in the conversation's language; one message per paragraph."""
    t = privacy_texts(language)
    replies = [t["erase_done"]]
    for note in report.withdrawn:
        org = organisation(note.org_id) or Organisation(note.org_id, "")
        text = t["erase_withdrawn"].format(reference=note.reference, org=org.name)
        if note.delivered:
            text += "\n" + t["erase_withdrawn_delivered"].format(org=org.name, phone=org.phone)
        replies.append(text)
    for note in report.kept_by_organisation:
        org = organisation(note.org_id) or Organisation(note.org_id, "")
        replies.append(t["erase_theirs"].format(reference=note.reference, org=org.name, phone=org.phone))
    return replies
