"""STOP / START / HELP in nl, fr and en, recognised before the message reaches Rasa.

A keyword is the whole message: "stop", "Stop!", " ARRÊT " are keywords;
"stop met sms'en" is a sentence for the assistant. The language of the reply
is the keyword's; a keyword shared by several languages (STOP) is answered in
the conversation's language when it is one of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping, Optional

from bot.language import CHAT_LANGUAGES

STOP = "stop"
START = "start"
START_WHEN_STOPPED = "start_when_stopped"  # Twilio's YES: opts in only an opted-out number
HELP = "help"
KINDS = (STOP, START, START_WHEN_STOPPED, HELP)

_TRAILING = re.compile(r"[\s.!?]+$")


@dataclass(frozen=True)
class KeywordMatch:
    kind: str
    languages: tuple[str, ...]  # the languages that have this keyword, in CHAT_LANGUAGES order

    @property
    def ambiguous(self) -> bool:
        return len(self.languages) > 1

    def reply_language(self, conversation_language: Optional[str] = None) -> str:
        """The keyword's language; the conversation's when the keyword is also in it."""
        return conversation_language if conversation_language in self.languages else self.languages[0]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_TRAILING.sub("", plain.strip()).split())


class Keywords:
    """Whole-message keywords from the catalogue (`Catalogue.keywords`)."""

    def __init__(self, keywords: Mapping[str, Mapping[str, list]]) -> None:
        # folded word -> kind -> languages, in CHAT_LANGUAGES order
        self._index: dict[str, dict[str, list[str]]] = {}
        for language in CHAT_LANGUAGES:
            for kind, words in (keywords.get(language) or {}).items():
                if kind not in KINDS:
                    raise ValueError(f"unknown SMS keyword kind {kind!r} ({language})")
                for word in words:
                    entry = self._index.setdefault(_fold(word), {})
                    entry.setdefault(kind, [])
                    if len(entry) > 1:
                        raise ValueError(f"SMS keyword {word!r} has two meanings: {sorted(entry)}")
                    if language not in entry[kind]:
                        entry[kind].append(language)

    def match(self, text: str) -> Optional[KeywordMatch]:
        """The keyword the whole message is, or None."""
        kinds = self._index.get(_fold(text))
        if not kinds:
            return None
        ((kind, languages),) = kinds.items()
        return KeywordMatch(kind, tuple(languages))

    def is_keyword(self, text: str) -> bool:
        return _fold(text) in self._index
