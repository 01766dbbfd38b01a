"""What the citizen is shown before a handover, and what they agreed to.

The version of a consent text is a hash of the exact rendered words, so a
receipt proves which text the citizen saw; the text itself is stored once
per version (`referral_consent_text`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Optional

from bot.language import CHAT_LANGUAGES, DEFAULT_LANGUAGE
from bot.referral.errors import ConsentMissing
from bot.referral.fields import SPECIAL_CATEGORY_FIELDS, check_field_set
from bot.referral.texts import citizen_texts

PURPOSES: tuple[str, ...] = ("appointment", "callback")
SPECIAL_CATEGORY_PURPOSE = "special_category"


@dataclass(frozen=True)
class ConsentText:
    text: str
    version: str
    language: str
    fields: tuple[str, ...] = ()
    purpose: str = ""


@dataclass(frozen=True)
class ConsentGiven:
    """The citizen said yes to `text` (and, for health details, separately to
    `special_category_text`)."""

    text: ConsentText
    special_category_consent: bool = False
    special_category_text: Optional[ConsentText] = None
    given_at: Optional[datetime] = None

    @property
    def fields(self) -> tuple[str, ...]:
        return self.text.fields

    @property
    def purpose(self) -> str:
        return self.text.purpose


def text_version(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def consent_text(org_name: str, fields: Iterable[str], purpose: str, language: str,
                 compact: bool = False) -> ConsentText:
    """The consent question: which fields go to which organisation, for what.

    `compact` (SMS, where every 160 characters is paid): the same facts (what,
    to whom, why, only for that, how to withdraw) in one sentence each, the
    fields as a list in a line. The receipt keeps whichever words were shown.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}; known: {', '.join(PURPOSES)}")
    ordered = check_field_set(fields)
    texts = citizen_texts(language)
    if compact:
        short = texts["sms"]
        labels = [short["field_labels"][f] for f in ordered]
        listed = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} {short['and']} {labels[-1]}"
        text = short["consent"].format(org=org_name, fields=listed, purpose=short["purposes"][purpose])
    else:
        lines = "\n".join(texts["field_line"].format(label=texts["field_labels"][f]) for f in ordered)
        text = texts["consent"].format(org=org_name, fields=lines, purpose=texts["purposes"][purpose])
    return ConsentText(text, text_version(text), _language(language), ordered, purpose)


def special_category_text(org_name: str, language: str) -> ConsentText:
    """The separate question before health details may be sent."""
    text = citizen_texts(language)["special_category"].format(org=org_name)
    return ConsentText(text, text_version(text), _language(language), SPECIAL_CATEGORY_FIELDS, SPECIAL_CATEGORY_PURPOSE)


def check_consent(consent: ConsentGiven, sent_fields: Iterable[str]) -> tuple[str, ...]:
    """The consented fields, if the consent covers exactly what would be sent."""
    shown = consent.text
    if shown.version != text_version(shown.text) or shown.purpose not in PURPOSES:
        raise ConsentMissing("the consent text was changed after it was made; show the text from consent_text()")
    consented = check_field_set(shown.fields)
    sent = set(sent_fields)
    if sent != set(consented):
        extra, left_out = sorted(sent - set(consented)), sorted(set(consented) - sent)
        raise ConsentMissing(
            "the fields sent must be exactly the fields in the consent text"
            + (f"; not consented: {', '.join(extra)}" if extra else "")
            + (f"; consented but without a value: {', '.join(left_out)}" if left_out else "")
        )
    if any(f in SPECIAL_CATEGORY_FIELDS for f in consented):
        special = consent.special_category_text
        if not consent.special_category_consent or special is None:
            raise ConsentMissing("health details need a separate, explicit yes (special_category_consent)")
        if special.purpose != SPECIAL_CATEGORY_PURPOSE or special.version != text_version(special.text):
            raise ConsentMissing("the special-category question must come from special_category_text()")
    return consented


def _language(language: str) -> str:
    return language if language in CHAT_LANGUAGES else DEFAULT_LANGUAGE
