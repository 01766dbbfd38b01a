"""Actions of the first part of the conversation: greeting, help question,
crisis, language, a person, and the small answers around them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import _tracker as t
from actions._runtime import dialogue, flow
from bot.dialogue import PENDING_SUMMARY, SIMPLE_REPLIES, Turn
from bot.flow import is_flow_step

Events = List[Dict[Text, Any]]




class _ConversationAction(Action, ABC):
    """Shows the privacy notice on the first turn, before anything else but a crisis.

    While a step of bot.flow waits for an answer (rights, offer, booking), the
    message is that answer, whatever intent the NLU guessed ("67", "2",
    "0470 12 34 56"); the actions that must always win (crisis, a person,
    language) set `answers_flow = False`.
    """

    greets_first = True
    answers_flow = True
    adds_safety_line = True

    @abstractmethod
    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        """What to say and which slots change."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> Events:
        c = t.context(tracker)
        turn = self._flow_turn(tracker, c) if self.answers_flow else None
        turn = turn or self.turn(tracker, c)
        events: Events = c.slot_events(tracker)
        if self.greets_first and not tracker.get_slot("greeted"):
            greeting = dialogue().greeting(c.language).replies[0]
            turn = Turn((greeting,) + turn.replies, turn.slots)
            events.append(SlotSet("greeted", True))
        if self.adds_safety_line and t.assessment(tracker).needs_safety_line:
            turn = dialogue().with_safety_line(c.language, turn)
        return events + t.send(dispatcher, turn)


    @staticmethod
    def _flow_turn(tracker: Tracker, c: t.Context) -> Optional[Turn]:
        """A booking named by its code (whatever the NLU guessed: "mijn code is ..."),
        or the answer to the waiting flow step; None when neither."""
        pending, state, text = tracker.get_slot("pending"), tracker.get_slot("flow") or {}, t.latest_text(tracker)
        answering = is_flow_step(pending) and not flow().leaves(state, t.latest_intent(tracker), text)
        booking = flow().booking_lookup(c.language, text, state, only_certain=answering)
        if booking is not None:
            return booking
        return flow().handle(pending, c.language, state, t.inbound(tracker)) if answering else None


class ActionGreet(_ConversationAction):
    greets_first = False

    def name(self) -> Text:
        return "action_greet"

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        return dialogue().greeting(c.language)


class ActionTriage(_ConversationAction):
    """A help question: summarise its life domains for the citizen to confirm."""

    def name(self) -> Text:
        return "action_triage"

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        assessment = t.assessment(tracker)
        language = c.language
        if t.latest_intent(tracker) == "nlu_fallback" and not assessment.domains:
            return dialogue().fallback(language)
        return dialogue().help_question(
            language, assessment.domains, t.latest_text(tracker), tracker.get_slot("help_question")
        )


class ActionAnswer(_ConversationAction):
    """Yes or no, read against the question it answers; a "no" that names a
    domain ("no, it is about my rent") is a corrected help question."""

    def name(self) -> Text:
        return "action_answer"

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        language = c.language
        yes = t.latest_intent(tracker) == "affirm"
        assessment = t.assessment(tracker)
        if not yes and assessment.domains:
            return dialogue().help_question(language, assessment.domains, t.latest_text(tracker), None)
        if yes and tracker.get_slot("pending") == PENDING_SUMMARY:
            return flow().start(language, tracker.get_slot("domains") or [], tracker.get_slot("help_question") or "")
        return dialogue().answer(language, yes, tracker.get_slot("pending"))


class ActionCrisis(_ConversationAction):
    answers_flow = False
    greets_first = False  # the help lines come first, at once
    adds_safety_line = False  # they are the whole answer

    def name(self) -> Text:
        return "action_crisis"

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        return dialogue().crisis(c.language, c.foreign)


class ActionForeignLanguage(_ConversationAction):
    answers_flow = False
    greets_first = False  # the greeting would be in a language they may not read
    adds_safety_line = False  # the offer ends with the help lines in their language

    def name(self) -> Text:
        return "action_foreign_language"

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        foreign = c.foreign or t.assessment(tracker).language.code
        if foreign not in dialogue().texts.foreign_languages:
            return dialogue().fallback(c.language)
        return dialogue().foreign_offer(foreign)


class ActionHuman(_ConversationAction):
    answers_flow = False
    def name(self) -> Text:
        return "action_human"

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        return dialogue().human(c.language, c.foreign)


class ActionSwitchLanguage(_ConversationAction):
    answers_flow = False
    """An explicit request ("Français") was already applied by t.context."""

    def name(self) -> Text:
        return "action_switch_language"

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        language = c.language
        if c.explicit:
            return dialogue().language_switched(language)
        return dialogue().ask_language(language)


class ActionReply(_ConversationAction):
    """Intents answered with one text of the same name (chit-chat, thanks, ...)."""

    def name(self) -> Text:
        return "action_reply"

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        intent = t.latest_intent(tracker)
        if intent not in SIMPLE_REPLIES:
            return dialogue().fallback(c.language)
        return dialogue().simple(c.language, intent)


class ActionFallback(_ConversationAction):
    def name(self) -> Text:
        return "action_fallback"

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        return dialogue().fallback(c.language)
