"""The time: the next free appointments or call-back windows at the chosen organisation."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from bot.dialogue import Button, Reply, Turn
from bot.flow._base import FlowBase, Inbound, slot_state
from bot.flow.steps import OFFER, SLOT
from bot.flow.when import spoken
from bot.referral import Slot

SLOTS_SHOWN = 3


class SlotSteps(FlowBase):
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
        buttons = [Button(self._when(language, slot_state(s)), self._when(language, slot_state(s))) for s in shown]
        extra = ["slot_other_times"] if len(slots) > SLOTS_SHOWN else []
        extra.append("slot_callback" if kind == "appointment" else "slot_appointment")
        buttons += self._buttons(language, *extra)
        state = {**self._remember(state, buttons), "kind": kind, "slots": [slot_state(s) for s in shown]}
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
