"""SMS channel (Twilio): `POST /webhooks/sms/webhook`, `GET /webhooks/sms/`.

Not Rasa's TwilioInput (no signature check, crashes on an empty body,
blocks the event loop). The request is authenticated, its MessageSid
claimed in the database, Twilio answered at once with empty TwiML, and the
message handled in a background task (bot.sms.service); replies go out
through Twilio's REST API. Without Twilio settings in development the
channel loads but refuses every webhook (403).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.followup.answers import FollowupAnswers
from bot.followup.messages import FollowupTexts
from bot.municipality import Municipality
from bot.sms.catalogue import Catalogue
from bot.sms.privacy import PhoneVault
from bot.sms.service import InboundSms, SmsService
from bot.sms.settings import SmsSettings
from bot.sms.store import SmsStore
from bot.sms.twilio_api import TwilioSender
from bot.sms.webhook import parse_form, signature_valid
from bot.storage import create_schema, make_engine
from connectors import rasa_speedups
from connectors.inbound import OnNewMessage, cleaning

rasa_speedups.apply()

logger = logging.getLogger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


class SmsCollector(CollectingOutputChannel):
    """Collects one turn's bot messages; the service renders and sends them."""

    @classmethod
    def name(cls) -> Text:
        return "sms"


class RasaConversation:
    """bot.sms.service.Conversation on top of Rasa's message handler and tracker store."""

    def __init__(self, on_new_message: OnNewMessage, app: Any) -> None:
        self._on_new_message = on_new_message
        self._app = app

    async def reply(self, sender_id: str, text: str, message_id: str) -> list[dict]:
        collector = SmsCollector()
        await self._on_new_message(
            UserMessage(text, collector, sender_id, input_channel=SmsInput.name(), message_id=message_id)
        )
        return collector.messages

    async def language(self, sender_id: str) -> Optional[str]:
        agent = getattr(self._app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        tracker = await agent.tracker_store.retrieve(sender_id)
        return tracker.get_slot("language") if tracker is not None else None


class SmsInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SmsInput":
        # Everything comes from the environment (secrets stay out of credentials.yml).
        return cls(SmsSettings.from_env())

    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings
        self._tasks: set[asyncio.Task] = set()
        logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
        if not settings.accepts_webhooks:
            logger.warning(
                "SMS channel CLOSED: every webhook is refused with 403 until %s are set.",
                ", ".join(settings.missing),
            )
            self.service: Optional[SmsService] = None
            return
        engine = make_engine(settings.database_url)
        create_schema(engine)
        municipality = Municipality.load(settings.municipality_file)
        sender = TwilioSender(
            settings.account_sid,
            settings.auth_token,
            from_number=settings.from_number,
            messaging_service_sid=settings.messaging_service_sid,
            api_base_url=settings.api_base_url,
        )
        self.service = SmsService(
            SmsStore(engine), PhoneVault(settings.secret_key), sender, Catalogue.load(), municipality.placeholders,
            followups=FollowupAnswers(engine, FollowupTexts.load(municipality.placeholders)),
        )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        sms_webhook = Blueprint("sms_webhook", __name__)
        handler = cleaning(on_new_message)

        @sms_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "accepting": self.service is not None})

        @sms_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            service = self.service
            if service is None:
                return response.text("SMS channel not configured", status=403)
            form = parse_form(request.body)
            signature = request.headers.get("X-Twilio-Signature")
            if not signature_valid(self.settings.auth_token, self.settings.public_url, form, signature):
                logger.warning("SMS webhook refused: %s signature", "invalid" if signature else "missing")
                return response.text("invalid signature", status=403)
            inbound = InboundSms.from_form(form)
            if inbound is None:
                return response.text("MessageSid and From are required", status=400)
            try:
                first = await service.claim(inbound.message_sid)
            except Exception as error:  # database down: let Twilio try again later
                logger.error("SMS webhook: cannot record %s (%s)", inbound.message_sid, type(error).__name__)
                return response.text("try again later", status=503)
            if first:
                task = asyncio.get_running_loop().create_task(
                    service.process(inbound, RasaConversation(handler, request.app))
                )
                self._tasks.add(task)  # a strong reference until done (asyncio keeps only weak ones)
                task.add_done_callback(self._tasks.discard)
            else:
                logger.info("SMS webhook: %s already processed (Twilio retry)", inbound.message_sid)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return sms_webhook
