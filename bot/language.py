"""Which language a message is in, and which language the conversation is in.

Detection uses lingua restricted to the languages Wegwijs recognises, with a
prior that favours the three chat languages, because a Flemish help desk
mostly hears Dutch, French and English and short messages are ambiguous.
The conversation language is sticky: one short or unclear message never
flips it; an explicit request ("Nederlands", "français", "English") always does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Optional

import yaml

CHAT_LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")
DEFAULT_LANGUAGE = "nl"
# Recognised, answered with a short message offering an interpreter.
FOREIGN_LANGUAGES: tuple[str, ...] = ("ar", "tr", "pl", "ro", "uk", "ru", "es", "it", "de", "pt")
RECOGNISED_LANGUAGES: tuple[str, ...] = CHAT_LANGUAGES + FOREIGN_LANGUAGES

# Prior weight per language: the chat languages are far more likely here.
_PRIOR = {code: (1.0 if code in CHAT_LANGUAGES else 0.35) for code in RECOGNISED_LANGUAGES}

# How much a message made of marker words raises its language's weight (1 + this):
# enough to outweigh lingua on a short message, which it often misreads.
MARKER_WEIGHT = 4.0
LANGUAGE_DATA_DIR = Path(__file__).resolve().parent / "data" / "language"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


@dataclass(frozen=True)
class LanguageWords:
    """Per chat language (bot/data/language/<code>.yml): marker words that raise its
    weight in a short message, whole short messages it alone says, and the words
    that ask to switch to it. All folded like `words()`."""

    markers: Mapping[str, frozenset[str]]
    short_phrases: Mapping[str, str]  # the whole folded message -> its language
    switch: Mapping[str, tuple[str, ...]]
    neutral: tuple[str, ...] = ()  # names used alike in every language (neutral.yml)

    @classmethod
    def load(cls, directory: Path = LANGUAGE_DATA_DIR) -> "LanguageWords":
        markers, phrases, switch = {}, {}, {}
        neutral_file = directory / "neutral.yml"
        neutral = yaml.safe_load(neutral_file.read_text(encoding="utf-8")) if neutral_file.is_file() else {}
        for path in sorted(directory.glob("??.yml")):
            code = path.stem
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            markers[code] = frozenset(" ".join(words(str(w))) for w in data.get("markers") or ())
            phrases.update({" ".join(words(str(p))): code for p in data.get("short_phrases") or ()})
            switch[code] = tuple(" ".join(words(str(p))) for p in data.get("switch") or ())
        names = tuple(" ".join(words(str(n))) for n in (neutral or {}).get("neutral") or ())
        return cls(markers, phrases, switch, names)

    def without_neutral(self, text: str) -> str:
        """The text without the names every language uses, unless that leaves no word."""
        if not self.neutral:
            return text
        pattern = _neutral_pattern(self.neutral)
        rest = pattern.sub(" ", _fold(text))
        if not words(rest):
            return text
        # Detection reads the original spelling (accents tell French apart), so
        # the names are cut from the original where folding kept the length.
        folded = _fold(text)
        if len(folded) != len(text):
            return rest
        kept, last = [], 0
        for match in pattern.finditer(folded):
            kept.append(text[last:match.start()])
            last = match.end()
        kept.append(text[last:])
        return " ".join(kept)


@lru_cache(maxsize=8)
def _neutral_pattern(names: tuple[str, ...]) -> "re.Pattern[str]":
    alternatives = "|".join(r"\s+".join(map(re.escape, n.split())) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])")


@lru_cache(maxsize=1)
def language_words() -> LanguageWords:
    return LanguageWords.load()


@dataclass(frozen=True)
class LanguageGuess:
    """The detected language of one message, or None when it cannot be told."""

    code: Optional[str]
    confidence: float
    ranking: tuple[tuple[str, float], ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "confidence": round(self.confidence, 4),
            "ranking": [[code, round(value, 4)] for code, value in self.ranking[:3]],
        }

    @classmethod
    def from_dict(cls, data: Optional[dict]) -> "LanguageGuess":
        if not data:
            return cls(None, 0.0)
        ranking = tuple((str(c), float(v)) for c, v in data.get("ranking") or [])
        return cls(data.get("code"), float(data.get("confidence") or 0.0), ranking)


def candidate_languages(guess: "LanguageGuess", floor: float = 0.05) -> Optional[set[str]]:
    """Languages a message may be in (None: cannot tell, so all of them)."""
    if guess.code is None:
        return None
    return {guess.code} | {code for code, value in guess.ranking if value >= floor}


def has_non_latin_script(text: str) -> bool:
    return any(ch.isalpha() and ord(ch) > 0x24F for ch in text)


class LanguageDetector:
    """lingua, restricted to RECOGNISED_LANGUAGES, with the chat-language prior."""

    def __init__(self, languages: Iterable[str] = RECOGNISED_LANGUAGES,
                 known_words: Optional[LanguageWords] = None) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        self._codes = tuple(languages)
        self._words = known_words or language_words()
        lingua_languages = [
            Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in self._codes
        ]
        self._detector = (
            LanguageDetectorBuilder.from_languages(*lingua_languages)
            .with_preloaded_language_models()
            .build()
        )

    def detect(self, text: str) -> LanguageGuess:
        tokens = words(text)
        letters = sum(len(t) for t in tokens)
        if letters < 2:
            return LanguageGuess(None, 0.0)
        phrase = self._words.short_phrases.get(" ".join(tokens))
        if phrase:
            return LanguageGuess(phrase, 0.9, ((phrase, 0.9),))
        values = self._detector.compute_language_confidence_values(self._words.without_neutral(text))
        scores = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
        weighted = {}
        for code in self._codes:
            weight = _PRIOR.get(code, 0.35)
            hits = sum(1 for t in tokens if t in self._words.markers.get(code, ()))
            if hits:
                # Chat forms ("kheb ni", "jsuis", "pls") look like nothing lingua knows.
                weight *= 1.0 + MARKER_WEIGHT * hits / len(tokens)
            weighted[code] = scores.get(code, 0.0) * weight
        total = sum(weighted.values()) or 1.0
        ranking = tuple(sorted(((c, v / total) for c, v in weighted.items()), key=lambda cv: -cv[1]))
        best, confidence = ranking[0]
        return LanguageGuess(best, confidence, ranking)


def explicit_language_request(text: str) -> Optional[str]:
    """The chat language a short message explicitly asks for, if any.

    Only short messages count: "my letter is in French" is not a request.
    """
    tokens = words(text)
    if not tokens or len(tokens) > 6:
        return None
    folded = " ".join(tokens)
    for code, phrases in language_words().switch.items():
        for phrase in phrases:
            if re.search(rf"(^| ){re.escape(phrase)}( |$)", folded):
                return code
    return None


# How sure a detection must be to move an ongoing conversation to another language.
SWITCH_CONFIDENCE = 0.7


@dataclass(frozen=True)
class LanguageDecision:
    language: str  # the conversation language, always one of CHAT_LANGUAGES
    foreign: Optional[str] = None  # a recognised language we do not chat in
    switched: bool = False
    explicit: bool = False


def is_substantial(text: str) -> bool:
    """Enough text to trust a detection that changes the conversation language."""
    tokens = words(text)
    return len(tokens) >= 3 and sum(len(t) for t in tokens) >= 12


def is_trusted_foreign(text: str, guess: LanguageGuess) -> bool:
    """A clear message in a language we recognise but do not chat in."""
    if guess.code not in FOREIGN_LANGUAGES or guess.confidence < 0.6:
        return False
    return is_substantial(text) or has_non_latin_script(text)


def decide_conversation_language(
    current: Optional[str], text: str, guess: LanguageGuess, answering: bool = False
) -> LanguageDecision:
    """The conversation language after this message (sticky, see module doc).

    `answering`: the message answers a question (a postcode, a name, an e-mail
    address), which says nothing about the language; only an explicit request
    switches then.
    """
    requested = explicit_language_request(text)
    if requested:
        return LanguageDecision(requested, switched=requested != current, explicit=True)
    base = current if current in CHAT_LANGUAGES else None
    if answering and base:
        return LanguageDecision(base)
    if guess.code is None:
        return LanguageDecision(base or DEFAULT_LANGUAGE)
    if guess.code in FOREIGN_LANGUAGES:
        foreign = guess.code if is_trusted_foreign(text, guess) else None
        return LanguageDecision(base or DEFAULT_LANGUAGE, foreign=foreign)
    if base is None:
        # First message: trust any clear detection, else the default.
        language = guess.code if guess.confidence >= 0.5 else DEFAULT_LANGUAGE
        return LanguageDecision(language, switched=False)
    if guess.code != base and guess.confidence >= SWITCH_CONFIDENCE and is_substantial(text):
        return LanguageDecision(guess.code, switched=True)
    return LanguageDecision(base)
