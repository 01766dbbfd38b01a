"""Actions of the first part of the conversation: greeting, help question,
crisis, language, a person, and the small answers around them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import _tracker as t
from actions._runtime import dialogue
from bot.dialogue import SIMPLE_REPLIES, Turn
from bot.language import LanguageGuess, decide_conversation_language

Events = List[Dict[Text, Any]]


class _ConversationAction(Action, ABC):
    """Shows the privacy notice on the first turn, before anything else but a crisis."""

    greets_first = True

    @abstractmethod
    def turn(self, tracker: Tracker) -> Turn:
        """What to say and which slots change."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> Events:
        turn = self.turn(tracker)
        events: Events = []
        if self.greets_first and not tracker.get_slot("greeted"):
            language = t.language(tracker)
            greeting = dialogue().greeting(language).replies[0]
            turn = Turn((greeting,) + turn.replies, turn.slots)
            events.append(SlotSet("greeted", True))
        return events + t.send(dispatcher, turn)


class ActionGreet(_ConversationAction):
    greets_first = False

    def name(self) -> Text:
        return "action_greet"

    def turn(self, tracker: Tracker) -> Turn:
        return dialogue().greeting(t.language(tracker))


class ActionTriage(_ConversationAction):
    """A help question: summarise its life domains for the citizen to confirm."""

    def name(self) -> Text:
        return "action_triage"

    def turn(self, tracker: Tracker) -> Turn:
        assessment = t.assessment(tracker)
        language = t.language(tracker)
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

    def turn(self, tracker: Tracker) -> Turn:
        language = t.language(tracker)
        yes = t.latest_intent(tracker) == "affirm"
        assessment = t.assessment(tracker)
        if not yes and assessment.domains:
            return dialogue().help_question(language, assessment.domains, t.latest_text(tracker), None)
        return dialogue().answer(language, yes, tracker.get_slot("pending"))


class ActionCrisis(_ConversationAction):
    greets_first = False  # the help lines come first, at once

    def name(self) -> Text:
        return "action_crisis"

    def turn(self, tracker: Tracker) -> Turn:
        return dialogue().crisis(t.language(tracker), t.foreign_language(tracker))


class ActionForeignLanguage(_ConversationAction):
    greets_first = False  # the greeting would be in a language they may not read

    def name(self) -> Text:
        return "action_foreign_language"

    def turn(self, tracker: Tracker) -> Turn:
        foreign = t.foreign_language(tracker) or t.assessment(tracker).language.code
        if foreign not in dialogue().texts.foreign_languages:
            return dialogue().fallback(t.language(tracker))
        return dialogue().foreign_offer(foreign)


class ActionHuman(_ConversationAction):
    def name(self) -> Text:
        return "action_human"

    def turn(self, tracker: Tracker) -> Turn:
        return dialogue().human(t.language(tracker), t.foreign_language(tracker))


class ActionSwitchLanguage(_ConversationAction):
    """The language slot was already switched by action_validate_slot_mappings."""

    def name(self) -> Text:
        return "action_switch_language"

    def turn(self, tracker: Tracker) -> Turn:
        language = t.language(tracker)
        if tracker.get_slot("language_explicit"):
            return dialogue().language_switched(language)
        return dialogue().ask_language(language)


class ActionReply(_ConversationAction):
    """Intents answered with one text of the same name (chit-chat, thanks, ...)."""

    def name(self) -> Text:
        return "action_reply"

    def turn(self, tracker: Tracker) -> Turn:
        intent = t.latest_intent(tracker)
        if intent not in SIMPLE_REPLIES:
            return dialogue().fallback(t.language(tracker))
        return dialogue().simple(t.language(tracker), intent)


class ActionFallback(_ConversationAction):
    def name(self) -> Text:
        return "action_fallback"

    def turn(self, tracker: Tracker) -> Turn:
        return dialogue().fallback(t.language(tracker))


class ActionValidateSlotMappings(Action):
    """Runs after every user message (via action_extract_slots): keeps the
    conversation language sticky and notes a foreign language."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> Events:
        if not (tracker.latest_message or {}).get("text"):
            return []
        guess: LanguageGuess = t.assessment(tracker).language
        decision = decide_conversation_language(tracker.get_slot("language"), t.latest_text(tracker), guess)
        events: Events = [SlotSet("language_explicit", decision.explicit)]
        if decision.language != tracker.get_slot("language"):
            events.append(SlotSet("language", decision.language))
        if decision.explicit:
            events.append(SlotSet("foreign_language", None))
        elif decision.foreign:
            events.append(SlotSet("foreign_language", decision.foreign))
        return events
