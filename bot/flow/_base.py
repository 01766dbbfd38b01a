"""What every step of the flow shares: its services, texts, buttons and state.

The steps themselves live in one module per part of the path (rights, offer,
slot, consent, booking, an existing booking); `Flow` in bot/flow/__init__.py
puts them together. The state is a JSON dict in the `flow` slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

from bot import rights
from bot.dialogue import Button, Reply, Turn
from bot.flow.choices import pick, yes_or_no
from bot.flow.when import BRUSSELS
from bot.municipality import Municipality
from bot.offer import Directory, OfferItem
from bot.referral import ConsentText, Referrals, Slot
from bot.texts import Texts


@dataclass(frozen=True)
class Inbound:
    """One citizen message, as the flow needs it."""

    text: str
    intent: str = ""
    conversation_id: str = ""
    channel: str = ""


class FlowBase:
    """The services and small helpers the steps share."""

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

    @staticmethod
    def _stored_buttons(state: dict) -> list[Button]:
        return [Button(title, payload) for payload, title in state.get("options") or []]

    def _yes(self, state: dict, message: Inbound) -> Optional[bool]:
        """A yes/no answer by button (yes first), number or words."""
        picked = self._picked(state, message.text)
        return (picked == 0) if picked is not None else yes_or_no(message.text, message.intent)

    def _unclear(self, step: str, language: str, state: dict, key: str) -> Turn:
        """The same question again, with its choices, after a kind word."""
        buttons = self._stored_buttons(state)
        return self._turn(step, state, Reply(self.texts.get(language, key), tuple(buttons)))

    if TYPE_CHECKING:  # the seams between the parts of the path, each defined in its own module
        def _ask_postcode(self, language: str, state: dict, *before: Reply) -> Turn: ...
        def _ask_slot(self, language: str, state: dict, kind: str, after: Optional[str] = None,
                      *before: Reply) -> Turn: ...
        def _when(self, language: str, slot: dict) -> str: ...
        def _rights_details(self, language: str, state: dict) -> list[Reply]: ...
        def _ask_contact(self, language: str, state: dict) -> Turn: ...
        def _values(self, state: dict) -> dict: ...
        def _consent(self, state: dict, language: str) -> ConsentText: ...
        def _book(self, language: str, state: dict) -> Turn: ...
        def _booked(self, language: str, state: dict) -> list[Reply]: ...
        def _moved(self, language: str, state: dict) -> Turn: ...


def actor_state(item: OfferItem) -> dict:
    """What the flow keeps of a chosen core actor (JSON, in the `flow` slot)."""
    return {
        "id": item.organization_id, "name": item.organization_name, "service_id": item.service_id,
        "location_id": item.location_id, "phone": item.phone or "", "address": item.address or "",
    }



def slot_state(slot: Slot) -> dict:
    return {"id": slot.id, "start": slot.start.isoformat(), "end": slot.end.isoformat(), "kind": slot.kind}



def forget_contact(state: dict) -> dict:
    """Contact details leave the conversation state once they are handed over (or refused)."""
    return {**state, "contact": None, "name": None}

