"""The steps of the flow: the values of the `pending` slot while it waits for an answer.

Every step starts with "flow:" so the actions can tell a flow answer from the
yes/no questions of bot.dialogue.
"""

from __future__ import annotations

from typing import Optional

RIGHTS_OFFER = "flow:rights_offer"
RIGHTS_QUESTION = "flow:rights_question"
RIGHTS_RESULT = "flow:rights_result"
POSTCODE = "flow:postcode"
OFFER = "flow:offer"
SLOT = "flow:slot"
CONTACT = "flow:contact"
CONSENT = "flow:consent"
CONSENT_FIELD = "flow:consent_field"
SPECIAL = "flow:special_consent"
REMINDER = "flow:reminder"
BOOKING = "flow:booking"


def is_flow_step(pending: Optional[str]) -> bool:
    return bool(pending) and pending.startswith("flow:")

