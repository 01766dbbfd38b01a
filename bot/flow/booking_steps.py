"""The booking itself, with only the consented fields, and a reminder by SMS if wanted."""

from __future__ import annotations

from datetime import datetime

from bot.dialogue import Reply, Turn
from bot.flow import parsing
from bot.flow._base import FlowBase, Inbound, forget_contact
from bot.flow.steps import REMINDER
from bot.followup.timing import can_remind
from bot.referral import ConsentGiven, SlotNotFound, SlotTaken, SlotUnavailable, normalise_reference, special_category_text


class BookingSteps(FlowBase):
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
        state = {**forget_contact(state), "reference": reference, "options": []}
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
