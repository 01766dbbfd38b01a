"""What Wegwijs says next, decided without Rasa.

The Rasa actions call these methods and only translate their result into
dispatcher messages and slot events. Every reply comes from `bot.texts`,
so each language is data, not a copied code path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from bot.language import CHAT_LANGUAGES
from bot.municipality import Municipality
from bot.texts import Texts

# What a yes/no answer refers to (slot `pending`).
PENDING_SUMMARY = "summary"
PENDING_CRISIS = "crisis_continue"

# Intents answered with one text of the same name.
SIMPLE_REPLIES = ("chitchat", "out_of_scope", "thank", "goodbye", "stop", "ask_privacy")
_SIMPLE_TEXT_KEY = {"ask_privacy": "privacy"}


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Turn:
    """The replies of one bot turn and the slots it changes."""

    replies: tuple[Reply, ...]
    slots: dict = field(default_factory=dict)


class Dialogue:
    def __init__(self, texts: Texts, municipality: Municipality) -> None:
        self.texts = texts
        self.municipality = municipality

    # -- helpers ---------------------------------------------------------
    def _say(self, language: str, key: str, buttons: Sequence[Button] = ()) -> Reply:
        values = self.municipality.placeholders(language)
        return Reply(self.texts.get(language, key, values), tuple(buttons))

    def _button(self, language: str, title_key: str, payload_key: Optional[str] = None) -> Button:
        title = self.texts.get(language, title_key)
        payload = self.texts.get(language, payload_key) if payload_key else title
        return Button(title, payload)

    def _yes_no(self, language: str, yes_key: str, no_key: str) -> tuple[Button, Button]:
        return (
            Button(self.texts.get(language, yes_key), self.texts.get(language, "yes_payload")),
            Button(self.texts.get(language, no_key), self.texts.get(language, "no_payload")),
        )

    def _human_button(self, language: str) -> Button:
        return self._button(language, "human_button", "human_payload")

    # -- turns -----------------------------------------------------------
    def greeting(self, language: str) -> Turn:
        return Turn(
            (self._say(language, "greeting"), self._say(language, "ask_question")),
            {"pending": None, "greeted": True},
        )

    def help_question(self, language: str, domains: Sequence[str], text: str, question_so_far: Optional[str]) -> Turn:
        """A help question: summarise the domains for the citizen to confirm."""
        question = f"{question_so_far}\n{text}" if question_so_far else text
        if not domains:
            return Turn(
                (self._say(language, "ask_question_more", [self._human_button(language)]),),
                {"pending": None, "help_question": question},
            )
        values = {"domains": self.texts.domain_list(language, domains)}
        summary = Reply(
            self.texts.get(language, "summary", values),
            self._yes_no(language, "summary_yes", "summary_no"),
        )
        return Turn((summary,), {"pending": PENDING_SUMMARY, "domains": list(domains), "help_question": question})

    def answer(self, language: str, yes: bool, pending: Optional[str]) -> Turn:
        """A yes or no, read against the question it answers.

        A confirmed summary is not answered here: the conversation goes on in
        bot.flow (rights, offer, referral).
        """
        if pending == PENDING_SUMMARY:
            if yes:
                raise ValueError("a confirmed help question continues in bot.flow")
            return Turn(
                (self._say(language, "summary_corrected", [self._human_button(language)]),),
                {"pending": None, "domains": [], "summary_confirmed": False},
            )
        if pending == PENDING_CRISIS:
            key = "ask_question" if yes else "crisis_later"
            return Turn((self._say(language, key),), {"pending": None})
        key = "ask_question" if yes else "anything_else"
        return Turn((self._say(language, key),), {"pending": None})

    def crisis(self, language: str, foreign: Optional[str] = None) -> Turn:
        """Help-line numbers first, at once; then the offer to go on."""
        replies = []
        if foreign and foreign in self.texts.foreign_languages:
            replies.append(Reply(self.texts.foreign(foreign, "crisis")))
        replies.append(self._say(language, "crisis"))
        replies.append(self._say(language, "crisis_continue", self._yes_no(language, "crisis_continue_yes", "crisis_continue_no")))
        return Turn(tuple(replies), {"pending": PENDING_CRISIS})

    def with_safety_line(self, language: str, turn: Turn) -> Turn:
        """The turn, then the help-line numbers in one line."""
        return Turn(turn.replies + (self._say(language, "safety_line"),), turn.slots)

    def foreign_offer(self, foreign: str) -> Turn:
        """A short message in the citizen's language: interpreter, or nl/fr/en; then
        the help lines, always: only the crisis patterns read these languages, and
        they miss more than the models do in nl/fr/en (tests/eval/README.md)."""
        buttons = [Button(self.texts.foreign(foreign, "interpreter_button"), self.texts.get("nl", "human_payload"))]
        buttons += [Button(self.texts.language_name(code), self.texts.language_name(code)) for code in CHAT_LANGUAGES]
        text = f"{self.texts.foreign(foreign, 'offer')}\n{self.texts.foreign(foreign, 'crisis')}"
        return Turn((Reply(text, tuple(buttons)),), {"pending": None})

    def human(self, language: str, foreign: Optional[str] = None) -> Turn:
        if foreign and foreign in self.texts.foreign_languages:
            values = {"phone": self.municipality.sociaal_huis_phone}
            return Turn((Reply(self.texts.foreign(foreign, "interpreter_info", values)),), {"pending": None})
        return Turn((self._say(language, "human"),), {"pending": None})

    def language_switched(self, language: str) -> Turn:
        return Turn((self._say(language, "language_switched"), self._say(language, "ask_question")), {})

    def ask_language(self, language: str) -> Turn:
        buttons = [Button(self.texts.language_name(c), self.texts.language_name(c)) for c in CHAT_LANGUAGES]
        return Turn((self._say(language, "ask_language", buttons),), {})

    def simple(self, language: str, intent: str) -> Turn:
        if intent not in SIMPLE_REPLIES:
            raise ValueError(f"no simple reply for intent {intent!r}")
        key = _SIMPLE_TEXT_KEY.get(intent, intent)
        buttons = [self._human_button(language)] if intent in ("chitchat", "out_of_scope") else []
        return Turn((self._say(language, key, buttons),), {"pending": None})

    def fallback(self, language: str) -> Turn:
        return Turn((self._say(language, "fallback", [self._human_button(language)]),), {})
