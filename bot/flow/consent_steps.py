"""How to reach the citizen, and what is sent: they see and choose every field.

Health details are special-category data (GDPR art. 9): they travel only
after a separate, explicit yes.
"""

from __future__ import annotations

from bot.dialogue import Reply, Turn
from bot.flow import parsing
from bot.flow._base import FlowBase, Inbound, forget_contact
from bot.flow.choices import yes_or_no
from bot.flow.steps import CONSENT, CONSENT_FIELD, CONTACT, SPECIAL
from bot.referral import CONTACT_FIELDS, OPTIONAL_FIELDS, ConsentText, consent_text, special_category_text
from bot.referral.texts import citizen_texts

# Life domains whose details are special-category data.
SENSITIVE_DOMAINS = ("health", "care")


class ConsentSteps(FlowBase):
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
            return self._turn(None, forget_contact(state),
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
