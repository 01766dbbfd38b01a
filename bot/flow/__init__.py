"""The conversation after the help question: rights, local offer, warm referral.

A step-by-step path the citizen can leave at any moment (a person, stop,
another language are handled before this). Each step asks one thing; the
answer is read by this module, whatever intent the NLU guessed, so "67",
"2" or "0470 12 34 56" are answers, not new help questions. The state lives
in two Rasa slots: `pending` (the step, see bot.flow.steps) and `flow` (a
JSON dict). Each part of the path has its own module; `Flow` joins them and
sends each answer to the step that waits for it.

Nothing is decided for the citizen: rights are "may be", the offer is
neutral and complete, they choose the organisation and the time, and they
see and choose every field that is sent.
"""

from __future__ import annotations

from typing import Sequence

from bot import rights
from bot.dialogue import Turn
from bot.flow._base import Inbound
from bot.flow.booking_steps import BookingSteps
from bot.flow.choices import leaves_flow
from bot.flow.consent_steps import SENSITIVE_DOMAINS, ConsentSteps
from bot.flow.existing_booking import ExistingBookingSteps, find_reference
from bot.flow.offer_steps import OfferSteps
from bot.flow.rights_steps import RightsSteps
from bot.flow.slot_steps import SLOTS_SHOWN, SlotSteps
from bot.flow.steps import (
    BOOKING, CONSENT, CONSENT_FIELD, CONTACT, OFFER, POSTCODE, REMINDER, RIGHTS_OFFER, RIGHTS_QUESTION,
    RIGHTS_RESULT, SLOT, SPECIAL, is_flow_step,
)

__all__ = ["Flow", "Inbound", "find_reference", "is_flow_step", "SENSITIVE_DOMAINS", "SLOTS_SHOWN"]


class Flow(RightsSteps, OfferSteps, SlotSteps, ConsentSteps, BookingSteps, ExistingBookingSteps):
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
