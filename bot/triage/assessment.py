"""One message's triage: language, life domains and crisis, combined.

The same function serves the live assistant (through the NLU pipeline) and
`wegwijs triage`, so what the CLI prints is what the assistant understood.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

from bot.language import DEFAULT_LANGUAGE, LanguageGuess, is_trusted_foreign
from bot.privacy.masking import EMAIL, PHONE, PLACEHOLDERS
from bot.triage.crisis import DANGER_OVER
from bot.triage.crisis_model import CRISIS_CLASSIFIER_THRESHOLD

# Below the flag, from this belief in a crisis on, the normal answer ends with
# one line of help-line numbers: a missed crisis is the worst error, and one
# extra line costs a citizen who was not in danger almost nothing.
SAFETY_LINE_THRESHOLD = 0.3

# The intent classifier's confidence in "crisis" from which it raises the flag,
# provided the yes/no crisis classifier is at least unsure (SAFETY_LINE_THRESHOLD).
# Alone, the intent classifier mostly flagged calm messages that share crisis
# words (a past attempt, a help-line number for a leaflet): on the four spent
# evaluation files this condition kept every crisis found and removed 5 of 55
# false alarms (tests/eval/README.md). The patterns raise the flag on their own.
CRISIS_MODEL_THRESHOLD = 0.85

# Intents that, when the message also names a life domain, are really a help
# question ("hallo, ik heb schulden").
_HELP_QUESTION_OVERRIDABLE = {"greet", "need_help", "thank", "nlu_fallback"}  # FALLBACK_INTENT

# Small talk the intent classifier may read into a reply that gives contact
# details ("Sam, [☎]" looks like a greeting): such a reply answers a question.
_SMALL_TALK = {"greet", "goodbye", "thank", "stop", "chitchat", "out_of_scope"}
_CONTACT_MASKS = (PLACEHOLDERS[PHONE], PLACEHOLDERS[EMAIL])
# The crisis reasons the two models give; every other reason is a pattern category.
INTENT_MODEL_REASON = "model"
CLASSIFIER_REASON = "classifier"
CRISIS_INTENT = "crisis"
FOREIGN_INTENT = "foreign_language"
HELP_QUESTION_INTENT = "describe_problem"
FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class Assessment:
    language: LanguageGuess
    domains: tuple[str, ...]
    crisis: bool
    crisis_reasons: tuple[str, ...] = field(default=())
    domain_scores: dict[str, float] = field(default_factory=dict)
    crisis_score: float = 0.0  # the models' belief in a crisis, flagged or not
    # Crisis patterns that matched a danger told as past and over: no flag on their own
    past_danger: tuple[str, ...] = field(default=())

    @property
    def needs_safety_line(self) -> bool:
        """Not flagged, but not surely no crisis either: the help lines in one line."""
        return not self.crisis and (self.crisis_score >= SAFETY_LINE_THRESHOLD or bool(self.past_danger))

    def as_dict(self) -> dict:
        return {
            "language": self.language.as_dict(),
            "domains": list(self.domains),
            "crisis": self.crisis,
            "crisis_reasons": list(self.crisis_reasons),
            "domain_scores": {d: round(s, 4) for d, s in self.domain_scores.items()},
            "crisis_score": round(self.crisis_score, 4),
            "past_danger": list(self.past_danger),
        }

    @classmethod
    def from_dict(cls, data: Optional[dict]) -> "Assessment":
        data = data or {}
        return cls(
            language=LanguageGuess.from_dict(data.get("language")),
            domains=tuple(data.get("domains") or ()),
            crisis=bool(data.get("crisis")),
            crisis_reasons=tuple(data.get("crisis_reasons") or ()),
            domain_scores=dict(data.get("domain_scores") or {}),
            crisis_score=float(data.get("crisis_score") or 0.0),
            past_danger=tuple(data.get("past_danger") or ()),
        )

    def contract_line(self, text: str) -> dict:
        """The `wegwijs triage` output line (contracts §2)."""
        return {
            "text": text,
            # An undecidable message ("2", an emoji) is read as the default language.
            "lang": self.language.code or DEFAULT_LANGUAGE,
            "domains": list(self.domains),
            "crisis": self.crisis,
        }


def assess(
    language: LanguageGuess,
    domains: tuple[str, ...],
    domain_scores: dict[str, float],
    pattern_categories: list[str],
    crisis_intent_confidence: float,
    crisis_classifier_score: float = 0.0,
) -> Assessment:
    patterns = [category for category in pattern_categories if category != DANGER_OVER]
    models = []
    if crisis_intent_confidence >= CRISIS_MODEL_THRESHOLD and crisis_classifier_score >= SAFETY_LINE_THRESHOLD:
        models.append(INTENT_MODEL_REASON)
    if crisis_classifier_score >= CRISIS_CLASSIFIER_THRESHOLD:
        models.append(CLASSIFIER_REASON)
    # "Three years ago I tried, now it is better": a caseworker would not call
    # that an emergency, but would name the help lines. The models still decide.
    past_danger = tuple(patterns) if DANGER_OVER in pattern_categories and not models else ()
    reasons = [] if past_danger else patterns + models
    return Assessment(
        language=language,
        domains=domains,
        crisis=bool(reasons),
        crisis_reasons=tuple(reasons),
        domain_scores=domain_scores,
        # The yes/no classifier's belief only: the intent classifier's crisis share
        # also rises on long money stories, which is no sign of danger.
        crisis_score=crisis_classifier_score,
        past_danger=past_danger,
    )


# A help question names at least one domain when the model leans clearly
# enough towards one, even below the reporting threshold.
TOP_DOMAIN_FLOOR = 0.15
_NEEDS_A_DOMAIN = {HELP_QUESTION_INTENT, CRISIS_INTENT}


def with_top_domain(intent: str, assessment: Assessment) -> Assessment:
    """For a help question without domains, the most likely one (if any is likely)."""
    if intent not in _NEEDS_A_DOMAIN or assessment.domains or not assessment.domain_scores:
        return assessment
    domain, score = max(assessment.domain_scores.items(), key=lambda kv: kv[1])
    if score < TOP_DOMAIN_FLOOR:
        return assessment
    return replace(assessment, domains=(domain,))


def routed_intent(intent: str, text: str, assessment: Assessment) -> str:
    """The intent the dialogue should act on, given the assessment.

    A crisis always comes first; then a clear message in a language we do not
    chat in; then a greeting or vague request that names a life domain. The
    crisis intent without the crisis flag is a help question.
    """
    if assessment.crisis:
        return CRISIS_INTENT
    if not any(ch.isalpha() for ch in text):
        # "2800", "2", "0470 12 34 56", an emoji: an answer or nothing, never a request
        # to stop, switch language or the like (the classifier guesses at random on digits).
        return FALLBACK_INTENT
    if intent in _SMALL_TALK and any(mask in text for mask in _CONTACT_MASKS):
        return FALLBACK_INTENT
    if is_trusted_foreign(text, assessment.language):
        return FOREIGN_INTENT
    if intent == CRISIS_INTENT:
        # The intent classifier leaned towards a crisis, but nothing flagged one: the
        # flag is the one truth; an unsure message gets the safety line instead.
        return HELP_QUESTION_INTENT
    if intent == FOREIGN_INTENT:
        # The classifier thinks foreign, the language detector does not agree.
        return HELP_QUESTION_INTENT if assessment.domains else FALLBACK_INTENT
    if assessment.domains and intent in _HELP_QUESTION_OVERRIDABLE:
        return HELP_QUESTION_INTENT
    return intent
