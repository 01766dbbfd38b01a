"""A booking the citizen names by its reference code: its status, cancel it or move it."""

from __future__ import annotations

import re
from typing import Optional

from bot.dialogue import Reply, Turn
from bot.flow._base import FlowBase, Inbound, actor_state, slot_state
from bot.flow.steps import BOOKING
from bot.referral import IllegalStatusMove, SlotNotFound, SlotTaken, SlotUnavailable, UnknownReference, normalise_reference


class ExistingBookingSteps(FlowBase):
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
        org = actor_state(actor) if actor else {"id": view.org_id, "name": view.org_id, "phone": "", "address": ""}
        slot = slot_state(view.slot)
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

