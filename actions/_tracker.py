"""Reading a Rasa tracker into the plain values `bot` works with, and back."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import Turn
from bot.language import DEFAULT_LANGUAGE
from bot.triage.assessment import Assessment

ASSESSMENT_KEY = "wegwijs"  # set by nlu_components.triage.TriageRouter


def language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or DEFAULT_LANGUAGE


def foreign_language(tracker: Tracker) -> Optional[str]:
    return tracker.get_slot("foreign_language")


def assessment(tracker: Tracker) -> Assessment:
    return Assessment.from_dict((tracker.latest_message or {}).get(ASSESSMENT_KEY))


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def send(dispatcher: CollectingDispatcher, turn: Turn) -> List[Dict[str, Any]]:
    """Sends the turn's replies; returns its slot changes as events."""
    for reply in turn.replies:
        buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
        dispatcher.utter_message(text=reply.text, buttons=buttons or None)
    return [SlotSet(name, value) for name, value in turn.slots.items()]
