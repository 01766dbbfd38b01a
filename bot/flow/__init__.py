"""The conversation after the help question: rights, local offer, warm referral.

A step-by-step path the citizen can leave at any moment (a person, stop,
another language are handled before this). Each step asks one thing; the
answer is read by this module, whatever intent the NLU guessed, so "67",
"2" or "0470 12 34 56" are answers, not new help questions. The state lives
in two Rasa slots: `pending` (the step) and `flow` (a JSON dict).

Nothing is decided for the citizen: rights are "may be", the offer is
neutral and complete, they choose the organisation and the time, and they
see and choose every field that is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable, Optional, Sequence

from bot import offer, rights
from bot.offer import Directory, OfferItem
from bot.referral import (
    CONTACT_FIELDS,
    OPTIONAL_FIELDS,
    ConsentGiven,
    ConsentText,
    IllegalStatusMove,
    Referrals,
    Slot,
    SlotNotFound,
    SlotTaken,
    SlotUnavailable,
    UnknownReference,
    consent_text,
    normalise_reference,
    special_category_text,
)
from bot.referral.texts import citizen_texts
from bot.dialogue import Button, Reply, Turn
from bot.flow import parsing
from bot.flow.choices import leaves_flow, pick, yes_or_no
from bot.flow.when import BRUSSELS, spoken
from bot.followup.timing import can_remind
from bot.municipality import Municipality
from bot.texts import Texts

# Steps (the `pending` slot). Every step starts with "flow:" so the actions
# can tell a flow answer from the yes/no questions of bot.dialogue.
RIGHTS_OFFER = "flow:rights_offer"
RIGHTS_QUESTION = "flow:rights_question"
RIGHTS_RESULT = "flow:rights_result"
POSTCODE = "flow:postcode"
OFFER = "flow:offer"
SLOT = "flow:slot"
CONTACT = "flow:contact"
CONSENT = "flow:consent"
CONSENT_FIELD = "flow:consent_field"
SPECIAL = "flow:special_consent"
REMINDER = "flow:reminder"
BOOKING = "flow:booking"

# Life domains whose details are special-category data (GDPR art. 9): sent
# only after a separate, explicit yes.
SENSITIVE_DOMAINS = ("health", "care")
SLOTS_SHOWN = 3


def is_flow_step(pending: Optional[str]) -> bool:
    return bool(pending) and pending.startswith("flow:")


@dataclass(frozen=True)
class Inbound:
    """One citizen message, as the flow needs it."""

    text: str
    intent: str = ""
    conversation_id: str = ""
    channel: str = ""


class Flow:
    def __init__(
        self,
        texts: Texts,
        municipality: Municipality,
        catalogue: rights.Catalogue,
        directory: Directory,
        referrals: Referrals,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        public_url: str = "",
    ) -> None:
        self.texts = texts
        self.municipality = municipality
        self.catalogue = catalogue
        self.directory = directory
        self.referrals = referrals
        self.clock = clock
        self.public_url = public_url.rstrip("/")

    # -- small helpers -----------------------------------------------------
    def _today(self) -> date:
        return self.clock().astimezone(BRUSSELS).date()

    def _text(self, language: str, key: str, **values: Any) -> str:
        merged = {**self.municipality.placeholders(language), **{k: str(v) for k, v in values.items()}}
        return self.texts.get(language, key, merged)

    def _reply(self, language: str, key: str, buttons: Sequence[Button] = (), **values: Any) -> Reply:
        return Reply(self._text(language, key, **values), tuple(buttons))

    def _buttons(self, language: str, *keys: str) -> list[Button]:
        return [Button(self.texts.get(language, k), self.texts.get(language, k)) for k in keys]

    @staticmethod
    def _turn(step: Optional[str], state: dict, *replies: Reply) -> Turn:
        return Turn(tuple(replies), {"pending": step, "flow": state})

    @staticmethod
    def _options(buttons: Sequence[Button]) -> list[str]:
        return [b.payload for b in buttons]

    def _picked(self, state: dict, text: str) -> Optional[int]:
        """Index of the shown option the text picks (by number, payload or title)."""
        options = state.get("options") or []
        index = pick([o[0] for o in options], text)
        if index is None:
            index = pick([o[1] for o in options], text)
        return index

    @staticmethod
    def _remember(state: dict, buttons: Sequence[Button]) -> dict:
        return {**state, "options": [[b.payload, b.title] for b in buttons]}

    # -- entry ---------------------------------------------------------------
    def start(self, language: str, domains: Sequence[str], summary: str) -> Turn:
        """After the citizen confirmed the summary of their help question."""
        state = {"domains": list(domains), "summary": summary, "profile": {}, "skipped": []}
        count = rights.remaining_questions(state["profile"], domains, [], self.catalogue, self._today())
        if count == 0:
            turn = self._ask_postcode(language, state, self._reply(language, "summary_thanks"))
        else:
            buttons = self._buttons(language, "rights_offer_yes", "rights_offer_no")
            key = "rights_offer_one" if count == 1 else "rights_offer"
            turn = self._turn(RIGHTS_OFFER, self._remember(state, buttons), self._reply(language, "summary_thanks"),
                              self._reply(language, key, buttons, count=count))
        return Turn(turn.replies, {**turn.slots, "summary_confirmed": True})

    def leaves(self, state: dict, intent: str, text: str) -> bool:
        """Whether a message leaves the waiting step: the citizen stops, or asks about
        privacy (answered; the same step then goes on). Anything else is an answer."""
        options = [o for option in state.get("options") or [] for o in option]
        return leaves_flow(intent, text, options)

    def handle(self, step: str, language: str, state: dict, message: Inbound) -> Turn:
        handler = {
            RIGHTS_OFFER: self._on_rights_offer,
            RIGHTS_QUESTION: self._on_rights_answer,
            RIGHTS_RESULT: self._on_rights_result,
            POSTCODE: self._on_postcode,
            OFFER: self._on_offer_choice,
            SLOT: self._on_slot_choice,
            CONTACT: self._on_contact,
            CONSENT: self._on_consent,
            CONSENT_FIELD: self._on_consent_field,
            SPECIAL: self._on_special_consent,
            REMINDER: self._on_reminder,
            BOOKING: self._on_booking_choice,
        }.get(step)
        if handler is None:
            raise ValueError(f"not a flow step: {step!r}")
        state = {**(state or {}), "conversation_id": message.conversation_id, "channel": message.channel}
        return handler(language, state, message)

    # -- rights ----------------------------------------------------------------
    def _on_rights_offer(self, language: str, state: dict, message: Inbound) -> Turn:
        yes = self._yes(state, message)
        if yes is None:
            return self._unclear(RIGHTS_OFFER, language, state, "offer_choose_again")
        if not yes:
            return self._ask_postcode(language, state)
        return self._next_right_question(language, state)

    def _next_right_question(self, language: str, state: dict, *before: Reply) -> Turn:
        question = rights.next_question(state["profile"], state["domains"], state["skipped"], self.catalogue, self._today())
        if question is None:
            return self._rights_result(language, state, *before)
        labels = [c.label for c in question.choices(language)] + [question.skip_label(language)]
        buttons = [Button(label, label) for label in labels]
        state = {**self._remember(state, buttons), "question": question.field}
        return self._turn(RIGHTS_QUESTION, state, *before, Reply(question.prompt(language), tuple(buttons)))

    def _on_rights_answer(self, language: str, state: dict, message: Inbound) -> Turn:
        field = state.get("question") or ""
        skip_button = len(state.get("options") or []) - 1
        if self._picked(state, message.text) == skip_button:
            answer = rights.SKIP
        else:
            answer = rights.parse_answer(field, message.text, language)
        if answer is rights.SKIP:
            state["skipped"] = [*state["skipped"], field]
        elif answer.is_value:
            state["profile"] = {**state["profile"], field: answer.value}
            if field == "postcode":
                state["postcode"] = answer.value
        else:
            return self._unclear(RIGHTS_QUESTION, language, state, "rights_unclear")
        return self._next_right_question(language, state)

    def _exploration(self, state: dict) -> rights.Exploration:
        return rights.explore(state["profile"], self.catalogue, self._today())

    def _rights_result(self, language: str, state: dict, *before: Reply) -> Turn:
        exploration = self._exploration(state)
        lines = rights.summary_lines(exploration, self.catalogue, language, state["domains"])
        state = {**state, "rights_found": [f.code for f in exploration.may_be_entitled], "question": None}
        if not lines:
            return self._ask_postcode(language, state, *before, self._reply(language, "rights_none"))
        result = Reply("\n".join([*(f"- {line}" for line in lines), self.texts.get(language, "rights_result_check")]))
        if state.get("channel") == "sms":  # the names, a line per kind; who decides is one reply away ("more")
            result = Reply(self._rights_in_short(language, exploration, state["domains"]))
        details = self._buttons(language, "rights_details")
        if not state.get("postcode"):
            # The next question comes at once; the details stay one button away.
            state = self._remember(state, details)
            return self._turn(POSTCODE, state, *before, result, self._reply(language, "ask_postcode", details))
        buttons = details + self._buttons(language, "rights_continue")
        return self._turn(RIGHTS_RESULT, self._remember(state, buttons), *before, Reply(result.text, tuple(buttons)))

    def _rights_in_short(self, language: str, exploration: rights.Exploration, domains: Sequence[str]) -> str:
        wanted = set(domains)
        may = [self.catalogue[f.code].name(language) for f in exploration.may_be_entitled]
        check = [self.catalogue[t.code].name(language) for t in exploration.to_check
                 if not wanted or wanted & set(self.catalogue[t.code].domains)]
        lines = [self._text(language, key, names=", ".join(names))
                 for key, names in (("rights_may_sms", may), ("rights_check_sms", check)) if names]
        return "\n".join([*lines, self.texts.get(language, "rights_result_check")])

    def _on_rights_result(self, language: str, state: dict, message: Inbound) -> Turn:
        if self._picked(state, message.text) != 0:
            return self._ask_postcode(language, state)
        return self._ask_postcode(language, {**state, "options": []}, *self._rights_details(language, state))

    def _rights_details(self, language: str, state: dict) -> list[Reply]:
        exploration = self._exploration(state)
        wanted = set(state["domains"])
        codes = [f.code for f in exploration.may_be_entitled] + [
            t.code for t in exploration.to_check if wanted & set(self.catalogue[t.code].domains)]
        return [Reply(rights.details(code, exploration, self.catalogue, language)) for code in codes]

    # -- local offer -----------------------------------------------------------
    def _ask_postcode(self, language: str, state: dict, *before: Reply) -> Turn:
        if state.get("postcode"):
            return self._show_offer(language, state, *before)
        return self._turn(POSTCODE, {**state, "options": []}, *before, self._reply(language, "ask_postcode"))

    def _on_postcode(self, language: str, state: dict, message: Inbound) -> Turn:
        code = parsing.postcode(message.text)
        if code is None and state.get("options") and self._picked(state, message.text) == 0:
            # "More details" on the rights found, then the same question again.
            state = {**state, "options": []}
            return self._turn(POSTCODE, state, *self._rights_details(language, state), self._reply(language, "ask_postcode"))
        if code is None:
            return self._turn(POSTCODE, state, self._reply(language, "postcode_unclear", self._stored_buttons(state)))
        state["postcode"] = code
        state["profile"] = {**state.get("profile", {}), "postcode": code}
        return self._show_offer(language, state)

    def _show_offer(self, language: str, state: dict, *before: Reply, explain_again: bool = False) -> Turn:
        postcode, domains = state["postcode"], state["domains"]
        services = self.directory.search(postcode, domains, at=self.clock())
        actors = self.directory.core_actors(postcode, domains, at=self.clock())
        if not actors:
            return self._turn(None, state, *before, self._reply(language, "offer_none", postcode=postcode))
        replies = list(before)
        # SMS (every 160 characters paid): only the choices, with who-does-what and the rest of the offer one reply away.
        compact = state.get("channel") == "sms" and not explain_again
        if explain_again:
            replies.append(self._reply(language, "offer_explain_again"))
        elif not compact and (others := [s for s in services if s.gbo_role is None]):
            # The core actors follow with their advice and as the choices; here the rest of the offer.
            lines = [offer.short_line(s, language) for s in others]
            replies.append(Reply("\n".join([self.texts.get(language, "offer_intro"), *(f"- {l}" for l in lines)])))
        if not compact:
            advice = offer.orienting_advice(domains, actors, language)
            replies.append(Reply("\n".join([self.texts.get(language, "offer_advice_intro"), *advice])))
        choices = _health_funds_as_one(actors, self.texts.get(language, "offer_health_funds")) if compact else [
            _actor(a) for a in actors]
        buttons = [Button(c["name"], c["name"]) for c in choices]
        extra = ["offer_dont_know", "offer_no_referral"] if explain_again else ["offer_dont_know", "offer_more", "offer_no_referral"]
        buttons += self._buttons(language, *extra)
        state = {**self._remember(state, buttons), "actors": choices}
        choose = self.texts.get(language, "offer_choose_sms" if compact else "offer_choose")
        replies.append(Reply(choose, tuple(buttons)))
        return self._turn(OFFER, state, *replies)

    def _on_offer_choice(self, language: str, state: dict, message: Inbound) -> Turn:
        actors = state.get("actors") or []
        picked = self._picked(state, message.text)
        if picked is None:
            return self._unclear(OFFER, language, state, "offer_choose_again")
        if picked < len(actors):
            if actors[picked].get("members"):  # "your health fund" (SMS): which one is theirs
                members = actors[picked]["members"]
                buttons = [Button(m["name"], m["name"]) for m in members] + self._buttons(language, "offer_no_referral")
                state = {**self._remember(state, buttons), "actors": members}
                return self._turn(OFFER, state, self._reply(language, "offer_which_fund", buttons))
            state["org"] = actors[picked]
            return self._ask_slot(language, state, "appointment")
        extra = state["options"][picked][0]
        if extra == self.texts.get(language, "offer_dont_know"):
            return self._show_offer(language, state, explain_again=True)
        if extra == self.texts.get(language, "offer_more"):
            services = self.directory.search(state["postcode"], state["domains"], at=self.clock())
            details = [Reply(offer.details(s, language)) for s in services]
            if state.get("channel") == "sms":  # one line each, not a page each
                details = [Reply("\n".join([self.texts.get(language, "offer_intro"), *(f"- {offer.short_line(s, language)}" for s in services)]))]
            buttons = [b for b in self._stored_buttons(state) if b.payload != extra]
            state = self._remember(state, buttons)
            return self._turn(OFFER, state, *details, Reply(self.texts.get(language, "offer_choose"), tuple(buttons)))
        return self._turn(None, state, self._reply(language, "offer_no_referral_done"))

    @staticmethod
    def _stored_buttons(state: dict) -> list[Button]:
        return [Button(title, payload) for payload, title in state.get("options") or []]

    # -- slot --------------------------------------------------------------------
    def _ask_slot(self, language: str, state: dict, kind: str, after: Optional[str] = None, *before: Reply) -> Turn:
        org = state["org"]
        moment = datetime.fromisoformat(after) if after else None
        slots = self._distinct_times(org, kind, moment)
        if not slots:
            if kind == "appointment" and after is None:
                return self._ask_slot(language, state, "callback", None, *before)
            buttons = self._stored_buttons(state) if state.get("actors") else []
            return self._turn(OFFER if buttons else None, state, *before, self._reply(
                language, "slot_none", buttons, org=org["name"], org_phone=org["phone"]))
        shown = slots[:SLOTS_SHOWN]
        buttons = [Button(self._when(language, _slot(s)), self._when(language, _slot(s))) for s in shown]
        extra = ["slot_other_times"] if len(slots) > SLOTS_SHOWN else []
        extra.append("slot_callback" if kind == "appointment" else "slot_appointment")
        buttons += self._buttons(language, *extra)
        state = {**self._remember(state, buttons), "kind": kind, "slots": [_slot(s) for s in shown]}
        key = "slot_intro" if kind == "appointment" else "slot_callback_intro"
        if kind == "appointment" and state.get("channel") == "sms":
            key = "slot_intro_sms"  # they just chose the organisation: no need to pay for its name again
        return self._turn(SLOT, state, *before, self._reply(language, key, buttons, org=org["name"]))

    def _distinct_times(self, org: dict, kind: str, after: Optional[datetime]) -> list[Slot]:
        """The next free slots at the office shown to the citizen (else anywhere at that
        organisation), one per time: two offices free at 10:00 are one choice, not two
        identical buttons."""
        for location in ([org["location_id"]] if org.get("location_id") else []) + [None]:
            found = self.referrals.slots.open_slots(org["id"], kind, after=after, limit=4 * (SLOTS_SHOWN + 1),
                                                    location_id=location)
            if found:
                distinct = {(s.start, s.end): s for s in reversed(found)}  # keeps the first of equal times
                return sorted(distinct.values(), key=lambda s: s.start)[:SLOTS_SHOWN + 1]
        return []

    def _when(self, language: str, slot: dict) -> str:
        start, end = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
        return spoken(self.texts, language, start, end if slot["kind"] == "callback" else None)

    def _on_slot_choice(self, language: str, state: dict, message: Inbound) -> Turn:
        slots = state.get("slots") or []
        picked = self._picked(state, message.text)
        if picked is None:
            return self._unclear(SLOT, language, state, "slot_unclear")
        if picked < len(slots):
            state["slot"] = slots[picked]
            if state.get("moving"):
                return self._moved(language, state)
            return self._ask_contact(language, state)
        extra = state["options"][picked][0]
        if extra == self.texts.get(language, "slot_other_times"):
            return self._ask_slot(language, state, state["kind"], slots[-1]["start"])
        other = "callback" if state["kind"] == "appointment" else "appointment"
        return self._ask_slot(language, state, other)

    # -- who, how to reach, consent ------------------------------------------
    def _ask_contact(self, language: str, state: dict) -> Turn:
        """One question for how to reach them and, if they like, a name to use."""
        key = "ask_contact_sms" if state.get("channel") == "sms" else "ask_contact"
        return self._turn(CONTACT, {**state, "options": []}, self._reply(language, key, org=state["org"]["name"]))

    def _on_contact(self, language: str, state: dict, message: Inbound) -> Turn:
        contact = {}
        if (email := parsing.email(message.text)):
            contact["email"] = email
        if (phone := parsing.phone(message.text)):
            contact["phone"] = phone
        name = parsing.name(message.text) or state.get("name")
        if not contact:
            return self._turn(CONTACT, {**state, "name": name}, self._reply(language, "contact_unclear"))
        state = {**state, "contact": contact, "name": name, "special": None}
        if self._sensitive(state):
            return self._ask_special(language, state)
        return self._ask_consent(language, {**state, "send": self._proposed_fields(state)})

    def _sensitive(self, state: dict) -> list[str]:
        return [d for d in state["domains"] if d in SENSITIVE_DOMAINS]

    def _ask_special(self, language: str, state: dict) -> Turn:
        """Health details travel only after this separate, explicit yes (GDPR art. 9)."""
        buttons = self._buttons(language, "button_yes", "button_no")
        text = special_category_text(state["org"]["name"], language).text
        return self._turn(SPECIAL, self._remember(state, buttons), Reply(text, tuple(buttons)))

    def _on_special_consent(self, language: str, state: dict, message: Inbound) -> Turn:
        yes = self._yes(state, message)
        if yes is None:
            return self._unclear(SPECIAL, language, state, "offer_choose_again")
        state["special"] = yes
        return self._ask_consent(language, {**state, "send": self._proposed_fields(state)})

    def _proposed_fields(self, state: dict) -> list[str]:
        """Every field that has a value; the citizen sees them all and may leave out the optional ones."""
        return [f for f, value in self._values(state).items() if value not in (None, "", [])] + ["language", "slot"]

    def _values(self, state: dict) -> dict:
        sensitive = set(self._sensitive(state))
        health = bool(sensitive) and bool(state.get("special"))
        return {
            "name": state.get("name"),
            **(state.get("contact") or {}),
            "postcode": state.get("postcode"),
            "domains": [d for d in state["domains"] if health or d not in sensitive],
            # A question that touches health is itself a health detail: only after the separate yes.
            "summary": None if sensitive else state.get("summary"),
            "health_details": state.get("summary") if health else None,
            "rights": state.get("rights_found") or [],
        }

    def _consent(self, state: dict, language: str) -> ConsentText:
        purpose = "appointment" if state["kind"] == "appointment" else "callback"
        return consent_text(state["org"]["name"], state["send"], purpose, language, compact=state.get("channel") == "sms")

    def _ask_consent(self, language: str, state: dict) -> Turn:
        buttons = self._buttons(language, "consent_send", "consent_choose", "consent_refuse")
        if not set(state["send"]) & set(OPTIONAL_FIELDS) - set(state["contact"]):
            buttons = [buttons[0], buttons[2]]  # nothing left to leave out
        return self._turn(CONSENT, self._remember(state, buttons), Reply(self._consent(state, language).text, tuple(buttons)))

    def _on_consent(self, language: str, state: dict, message: Inbound) -> Turn:
        picked = self._picked(state, message.text)
        options = [o[0] for o in state.get("options") or []]
        if picked is None:
            yes = yes_or_no(message.text, message.intent)
            picked = None if yes is None else (0 if yes else len(options) - 1)
        if picked is None:
            return self._unclear(CONSENT, language, state, "offer_choose_again")
        if picked == len(options) - 1:
            org = state["org"]
            return self._turn(None, _forget_contact(state),
                              self._reply(language, "consent_refused", org=org["name"], org_phone=org["phone"]))
        if picked == 1:
            queue = [f for f in state["send"] if f in OPTIONAL_FIELDS]
            return self._next_consent_field(language, {**state, "queue": queue, "send": [
                f for f in state["send"] if f not in queue]})
        return self._book(language, state)

    def _next_consent_field(self, language: str, state: dict) -> Turn:
        if not state["queue"]:
            return self._ask_consent(language, state)
        field = state["queue"][0]
        buttons = self._buttons(language, "button_yes", "button_no")
        label = citizen_texts(language)["field_labels"][field]
        return self._turn(CONSENT_FIELD, self._remember(state, buttons),
                          self._reply(language, "consent_field", buttons, field=label))

    def _on_consent_field(self, language: str, state: dict, message: Inbound) -> Turn:
        yes = self._yes(state, message)
        if yes is None:
            return self._unclear(CONSENT_FIELD, language, state, "offer_choose_again")
        field, rest = state["queue"][0], state["queue"][1:]
        send = [*state["send"], field] if yes else state["send"]
        if not rest and not set(send) & set(CONTACT_FIELDS):
            # A phone number or an e-mail address must stay: without it nobody can reach them.
            send = [*send, next(iter(state["contact"]))]
        return self._next_consent_field(language, {**state, "queue": rest, "send": send})

    # -- booking -------------------------------------------------------------------
    def _book(self, language: str, state: dict) -> Turn:
        org = state["org"]
        values = parsing.revealed({f: v for f, v in self._values(state).items() if f in state["send"]})
        values["language"] = language
        special = "health_details" in values
        consent = ConsentGiven(
            self._consent(state, language), special_category_consent=special,
            special_category_text=special_category_text(org["name"], language) if special else None,
        )
        try:
            booking = self.referrals.book(
                state["slot"]["id"], org["id"], values, consent, state.get("conversation_id", ""), language, False)
        except (SlotTaken, SlotUnavailable, SlotNotFound):
            return self._ask_slot(language, state, state["kind"], None, self._reply(language, "slot_taken"))
        reference = booking.reference
        state = {**_forget_contact(state), "reference": reference, "options": []}
        replies = [*self._booked(language, state), self._reply(language, "booked_reference", reference=reference)]
        if self.public_url and state.get("channel") != "sms":
            replies.append(self._reply(language, "booked_ics", ics_url=f"{self.public_url}/booking/{normalise_reference(reference)}.ics"))
        starts = datetime.fromisoformat(state["slot"]["start"])
        if state.get("channel") == "sms" and state["kind"] == "appointment" and can_remind(starts, self.clock()):
            buttons = self._buttons(language, "button_yes", "button_no")
            replies.append(self._reply(language, "ask_reminder", buttons))
            return self._turn(REMINDER, self._remember(state, buttons), *replies)
        return self._turn(None, state, *replies)

    def _booked(self, language: str, state: dict) -> list[Reply]:
        org = state["org"]
        key = "booked_appointment" if state["kind"] == "appointment" else "booked_callback"
        return [self._reply(language, key, org=org["name"], when=self._when(language, state["slot"]), address=org["address"])]

    def _on_reminder(self, language: str, state: dict, message: Inbound) -> Turn:
        yes = self._yes(state, message)
        if yes is None:
            return self._unclear(REMINDER, language, state, "offer_choose_again")
        self.referrals.set_reminders(state["reference"], yes)
        return self._turn(None, {**state, "options": []}, self._reply(language, "reminder_set" if yes else "reminder_not_set"))

    # -- an existing booking, by its reference code --------------------------------
    def booking_lookup(self, language: str, text: str, state: Optional[dict] = None,
                       only_certain: bool = False) -> Optional[Turn]:
        """The booking a message names by its reference code, or None if it names none.

        `only_certain`: while a step waits for an answer, only a code that is surely
        one ("ABCD-EFGH", or with a digit) is looked up; a name is an answer.
        """
        reference, certain = find_reference(text)
        if reference is None or (only_certain and not certain):
            return None
        view = self.referrals.by_reference(reference)
        state = dict(state or {})
        if view is None:
            return self._turn(None, state, self._reply(language, "booking_not_found")) if certain else None
        actor = self.directory.core_actor(view.org_id)
        org = _actor(actor) if actor else {"id": view.org_id, "name": view.org_id, "phone": "", "address": ""}
        slot = _slot(view.slot)
        text = self._text(language, "booking_status", reference=view.reference, org=org["name"],
                          when=self._when(language, slot), status=view.status_text(org["name"], language))
        state = {**state, "reference": view.reference, "org": org, "slot": slot, "kind": slot["kind"], "actors": []}
        keys = [k for k, allowed in (("booking_cancel", view.can_cancel), ("booking_move", view.can_move)) if allowed]
        if not keys:
            return self._turn(None, state, Reply(text))
        buttons = self._buttons(language, *keys, "booking_keep")
        return self._turn(BOOKING, self._remember(state, buttons), Reply(text, tuple(buttons)))

    def _on_booking_choice(self, language: str, state: dict, message: Inbound) -> Turn:
        picked = self._picked(state, message.text)
        if picked is None:
            return self._unclear(BOOKING, language, state, "offer_choose_again")
        choice, org = state["options"][picked][0], state["org"]
        if choice == self.texts.get(language, "booking_cancel"):
            try:
                self.referrals.cancel(state["reference"])
            except (IllegalStatusMove, UnknownReference):
                return self._turn(None, state, self._reply(
                    language, "booking_cannot_change", org=org["name"], org_phone=org["phone"]))
            return self._turn(None, state, self._reply(language, "booking_cancelled"))
        if choice == self.texts.get(language, "booking_move"):
            return self._ask_slot(language, {**state, "moving": True}, state["kind"])
        return self._turn(None, state, self._reply(language, "booking_kept"))

    def _moved(self, language: str, state: dict) -> Turn:
        try:
            self.referrals.move(state["reference"], state["slot"]["id"])
        except (SlotTaken, SlotUnavailable, SlotNotFound):
            return self._ask_slot(language, state, state["kind"], None, self._reply(language, "slot_taken"))
        except (IllegalStatusMove, UnknownReference):
            org = state["org"]
            return self._turn(None, state, self._reply(
                language, "booking_cannot_change", org=org["name"], org_phone=org["phone"]))
        state = {**state, "moving": False, "options": []}
        reference = state["reference"]
        return self._turn(None, state, *self._booked(language, state),
                          self._reply(language, "booked_reference", reference=reference))

    def _yes(self, state: dict, message: Inbound) -> Optional[bool]:
        """A yes/no answer by button (yes first), number or words."""
        picked = self._picked(state, message.text)
        return (picked == 0) if picked is not None else yes_or_no(message.text, message.intent)

    # -- shared ----------------------------------------------------------------------
    def _unclear(self, step: str, language: str, state: dict, key: str) -> Turn:
        """The same question again, with its choices, after a kind word."""
        buttons = self._stored_buttons(state)
        return self._turn(step, state, Reply(self.texts.get(language, key), tuple(buttons)))


def _actor(item: OfferItem) -> dict:
    """What the flow keeps of a chosen core actor (JSON, in the `flow` slot)."""
    return {
        "id": item.organization_id, "name": item.organization_name, "service_id": item.service_id,
        "location_id": item.location_id, "phone": item.phone or "", "address": item.address or "",
    }


def _health_funds_as_one(actors: Sequence[OfferItem], title: str) -> list[dict]:
    """The choices for SMS: the health funds' social services as one, where the first of
    them stands in the neutral order (a citizen belongs to one fund; it is asked next)."""
    funds = [_actor(a) for a in actors if a.gbo_role == "health_fund"]
    if len(funds) < 2:
        return [_actor(a) for a in actors]
    choices: list[dict] = []
    for item in actors:
        if item.gbo_role != "health_fund":
            choices.append(_actor(item))
        elif not any("members" in c for c in choices):
            choices.append({"name": title, "members": funds})
    return choices


def _slot(slot: Slot) -> dict:
    return {"id": slot.id, "start": slot.start.isoformat(), "end": slot.end.isoformat(), "kind": slot.kind}


def _forget_contact(state: dict) -> dict:
    """Contact details leave the conversation state once they are handed over (or refused)."""
    return {**state, "contact": None, "name": None}


_CODE_SHAPE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{4})[\s\-]?([A-Za-z0-9]{4})(?![A-Za-z0-9])")


def find_reference(text: str) -> tuple[Optional[str], bool]:
    """A reference code in the text, and whether it surely is one.

    A dashed "ABCD-EFGH" or a word with a digit is surely meant as a code; a
    plain word that happens to use only the code's letters ("werkende") is
    only taken as a code when such a booking exists.
    """
    for match in _CODE_SHAPE.finditer(text):
        candidate = normalise_reference(match.group(1) + match.group(2))
        if candidate:
            dashed = "-" in match.group(0)
            return candidate, dashed or any(ch.isdigit() for ch in candidate)
    return None, False
