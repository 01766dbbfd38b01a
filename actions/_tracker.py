"""Reading a Rasa tracker into the plain values `bot` works with, and back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import Turn
from bot.flow import Inbound, is_flow_step
from bot.language import DEFAULT_LANGUAGE, decide_conversation_language
from bot.privacy.sealing import with_sealed_values
from bot.triage.assessment import Assessment

ASSESSMENT_KEY = "wegwijs"  # set by nlu_components.triage.TriageRouter


@dataclass(frozen=True)
class Context:
    """The conversation's language after the latest message, decided once per turn."""

    language: str
    foreign: Optional[str]
    explicit: bool

    def slot_events(self, tracker: Tracker) -> List[Dict[str, Any]]:
        changes = {"language": self.language, "foreign_language": self.foreign}
        return [SlotSet(name, value) for name, value in changes.items() if tracker.get_slot(name) != value]


def context(tracker: Tracker) -> Context:
    """Keeps the conversation language sticky (bot.language) and notes a foreign one."""
    text, guess = latest_text(tracker), assessment(tracker).language
    answering = is_flow_step(tracker.get_slot("pending"))
    decision = decide_conversation_language(tracker.get_slot("language"), text, guess, answering)
    if decision.explicit or decision.switched:
        foreign = None  # they chose, or moved to, one of our languages
    else:
        foreign = decision.foreign or tracker.get_slot("foreign_language")
    return Context(decision.language or DEFAULT_LANGUAGE, foreign, decision.explicit)


def assessment(tracker: Tracker) -> Assessment:
    return Assessment.from_dict((tracker.latest_message or {}).get(ASSESSMENT_KEY))


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def inbound(tracker: Tracker) -> Inbound:
    return Inbound(
        # The flow gets contact details sealed ("[☎:gAAAA...]"), never in clear (bot.privacy.sealing).
        text=with_sealed_values(latest_text(tracker), (tracker.latest_message or {}).get("metadata")),
        intent=latest_intent(tracker),
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "",
    )


def send(dispatcher: CollectingDispatcher, turn: Turn) -> List[Dict[str, Any]]:
    """Sends the turn's replies; returns its slot changes as events."""
    for reply in turn.replies:
        buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
        dispatcher.utter_message(text=reply.text, buttons=buttons or None)
    return [SlotSet(name, value) for name, value in turn.slots.items()]
