"""The citizen's rights over their data, in the chat, on any channel, at any moment.

"What do you know about me?" (GDPR art. 15) and "delete my data" (art. 17)
are answered also in the middle of a booking: these actions never take the
message as the answer to a waiting step, and leave that step waiting.
Thin adapters: bot.privacy decides and words everything.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import AllSlotsReset, Restarted
from rasa_sdk.executor import CollectingDispatcher

from actions import _tracker as t
from actions._runtime import dialogue, flow, settings
from actions.conversation import _ConversationAction
from bot.dialogue import Button, Reply, Turn
from bot.privacy.access import HeldData, Organisation, Wording, describe, erasure_replies, privacy_texts
from bot.privacy.erasure import ERASE_SIGNAL, erase_conversation
from bot.referral import FieldCipher
from bot.sms.store import SmsStore

logger = logging.getLogger(__name__)
Events = List[Dict[Text, Any]]
ASK_ACTION = "action_privacy_erase_ask"
# Yes to the erase question: a yes, or asking for the erasure again ("ja, wis alles").
CONFIRMING_INTENTS = ("affirm", "delete_my_data")


@lru_cache(maxsize=1)
def _engine():
    from bot.storage import create_schema, make_engine

    engine = make_engine(settings().database_url)
    create_schema(engine)
    return engine


def _organisation(org_id: str) -> Optional[Organisation]:
    actor = flow().directory.core_actor(org_id)
    return Organisation(actor.organization_name, actor.phone or "") if actor else None


class _PrivacyAction(_ConversationAction):
    answers_flow = False  # a waiting step of the booking keeps waiting


class ActionPrivacyShow(_PrivacyAction):
    def name(self) -> Text:
        return "action_privacy_show"

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        held = HeldData(
            language=c.language,
            help_question=tracker.get_slot("help_question"),
            domains=tracker.get_slot("domains") or [],
            flow=tracker.get_slot("flow") or {},
            bookings=flow().referrals.bookings_for_conversation(tracker.sender_id),
            sms_contact=SmsStore(_engine()).find_contact(tracker.sender_id) is not None,
        )
        d = dialogue()
        text = describe(held, Wording.from_texts(d.texts), _organisation, d.municipality.retention_days)
        return Turn((Reply(text),), {})


class ActionPrivacyEraseAsk(_PrivacyAction):
    def name(self) -> Text:
        return ASK_ACTION

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        texts, words = dialogue().texts, privacy_texts(c.language)
        buttons = (Button(words["erase_yes"], texts.get(c.language, "yes_payload")),
                   Button(words["erase_no"], texts.get(c.language, "no_payload")))
        return Turn((Reply(words["erase_ask"], buttons),), {})


class ActionPrivacyErase(_PrivacyAction):
    """Erases after a yes to the erase question (checked here, not only by the rules)."""

    def name(self) -> Text:
        return "action_privacy_erase"

    def turn(self, tracker: Tracker, c: t.Context) -> Turn:
        return Turn((Reply(privacy_texts(c.language)["erase_kept_nothing"]),), {})

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> Events:
        if t.latest_intent(tracker) not in CONFIRMING_INTENTS or not asked_to_erase(tracker):
            return super().run(dispatcher, tracker, domain)
        c = t.context(tracker)
        try:
            report = erase_conversation(_engine(), FieldCipher.from_settings(settings()), tracker.sender_id)
        except Exception as error:
            logger.error("erasure failed (%s)", type(error).__name__)
            values = dialogue().municipality.placeholders(c.language)
            failed = privacy_texts(c.language)["erase_failed"].format(**values)
            return c.slot_events(tracker) + t.send(dispatcher, Turn((Reply(failed),), {}))
        for text in erasure_replies(report, c.language, _organisation):
            dispatcher.utter_message(text=text)
        # The inbound gate deletes the tracker once Rasa has saved this turn.
        dispatcher.utter_message(json_message=ERASE_SIGNAL)
        return [AllSlotsReset(), Restarted()]


def asked_to_erase(tracker: Tracker) -> bool:
    """Whether the bot's last action before this message was the erase question."""
    seen_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return False
            seen_user = True
        elif kind == "action" and seen_user and event.get("name") != "action_listen":
            return event.get("name") == ASK_ACTION
    return False
