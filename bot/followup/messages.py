"""The follow-up SMS in words: texts from bot/data/followup/<language>.yml.

One mechanism for every language; every body goes through `for_sms`, so it
stays GSM-7 where the language allows. Dates are spoken as in the
conversation (bot.flow.when), in Brussels time.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from bot.catalogues import load_language_catalogues
from bot.flow.when import spoken
from bot.language import DEFAULT_LANGUAGE
from bot.sms.gsm import for_sms
from bot.sms.render import Choice, choice_lines
from bot.texts import Texts

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "followup"
YES, NO = "yes", "no"


class FollowupTexts:
    def __init__(
        self,
        catalogues: Mapping[str, Mapping[str, Any]],
        texts: Texts,
        placeholders: Callable[[str], Mapping[str, str]],
    ) -> None:
        self._catalogues = catalogues
        self._texts = texts
        self._placeholders = placeholders

    @classmethod
    def load(cls, placeholders: Callable[[str], Mapping[str, str]], directory: Path = DATA_DIR) -> "FollowupTexts":
        """`placeholders`: the municipality's values per language (Municipality.placeholders)."""
        return cls(load_language_catalogues(directory), Texts.load(), placeholders)

    def language(self, language: Optional[str]) -> str:
        return language if language in self._catalogues else DEFAULT_LANGUAGE

    def _text(self, language: str, key: str, **values: str) -> str:
        template = " ".join(str(self._catalogues[self.language(language)][key]).split())
        return template.format(**{**self._placeholders(self.language(language)), **values})

    def reminder(self, language: str, org: str, start: datetime, address: Optional[str], reference: str) -> str:
        """The reminder the day before: who, when, where, and the code to cancel or move."""
        language = self.language(language)
        sentences = [self._text(language, "reminder", org=org, when=spoken(self._texts, language, start))]
        if address:
            sentences.append(self._text(language, "reminder_address", address=address))
        sentences.append(self._text(language, "reminder_code", reference=reference))
        return for_sms(" ".join(sentences))

    def choices(self, language: str) -> tuple[Choice, Choice]:
        """1 yes, 2 no: the numbered answers to the follow-up question."""
        language = self.language(language)
        return Choice(self._text(language, "choice_yes"), YES), Choice(self._text(language, "choice_no"), NO)

    def question(self, language: str, org: str) -> str:
        """"Did you get the help you needed?" with its numbered answers."""
        lines = [self._text(language, "question", org=org), *choice_lines(self.choices(language))]
        return for_sms("\n".join(lines))

    def answered(self, language: str, answer: str) -> str:
        """The reply to a yes or a no; a no invites a new help question."""
        return for_sms(self._text(language, "answered_yes" if answer == YES else "answered_no"))
