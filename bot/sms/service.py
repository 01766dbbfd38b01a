"""One inbound SMS from webhook to reply, without Rasa.

Order for each message (after the signature check and the MessageSid claim):
keywords (STOP / START / HELP, at any moment) -> opted-out senders get
nothing -> an answer to an open follow-up question ("did you get help?",
bot.followup) is recorded and answered -> an empty or media-only message
gets a "please write" reply -> a number picks a shown choice -> the
assistant answers -> the turn is
rendered as SMS and sent. Every message gets exactly one reply turn, unless
the sender has opted out. Logs carry the sender id's prefix and the
MessageSid, never the number or a text.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Protocol, Sequence

from bot.inbound import clean_inbound_text
from bot.sms import keywords as kw
from bot.sms.catalogue import Catalogue
from bot.sms.choices import resolve_choice
from bot.sms.gsm import segments
from bot.sms.keywords import KeywordMatch, Keywords
from bot.sms.privacy import PhoneVault, normalise_phone
from bot.sms.render import RenderedTurn, render_turn
from bot.sms.store import OutboundRecord, SmsStore
from bot.sms.twilio_api import FAILED, OPTED_OUT, SendResult

logger = logging.getLogger(__name__)

# Outcomes of `SmsService.process`
ANSWERED = "answered"
KEYWORD = "keyword"
ASKED_TO_WRITE = "asked_to_write"
IGNORED_OPTED_OUT = "ignored_opted_out"
FOLLOWUP_ANSWERED = "followup_answered"


@dataclass(frozen=True)
class InboundSms:
    message_sid: str
    phone: str
    body: Optional[str]  # None when Twilio sent no Body at all
    media_count: int = 0

    @classmethod
    def from_form(cls, form: Mapping[str, Sequence[str]]) -> Optional["InboundSms"]:
        """From Twilio's parsed form (name -> values); None without MessageSid or From."""

        def first(name: str) -> Optional[str]:
            values = form.get(name) or []
            return values[0] if values else None

        sid = (first("MessageSid") or first("SmsSid") or "").strip()
        phone = normalise_phone(first("From") or "")
        if not sid or len(sid) > 64 or not phone:
            return None
        try:
            media = int(first("NumMedia") or 0)
        except ValueError:
            media = 0
        return cls(sid, phone, first("Body"), max(media, 0))


class Conversation(Protocol):
    """The assistant behind the channel (Rasa, in connectors.sms)."""

    async def reply(self, sender_id: str, text: str, message_id: str) -> list[dict]:
        """The bot messages ({"text", "buttons", ...}) for one user message."""

    async def language(self, sender_id: str) -> Optional[str]:
        """The conversation's language so far, if known."""


class Sender(Protocol):
    def send(self, to: str, body: str) -> SendResult: ...


class FollowupAnswers(Protocol):
    """bot.followup.answers.FollowupAnswers: replies to the worker's "did you get help?"."""

    def answer(self, sender_id: str, text: str) -> Optional[str]:
        """The reply if `text` answers this sender's open follow-up question (recorded), else None."""


@dataclass(frozen=True)
class Processed:
    outcome: str
    replies: tuple[SendResult, ...] = ()
    rendered: Optional[RenderedTurn] = None


class SmsService:
    def __init__(
        self,
        store: SmsStore,
        vault: PhoneVault,
        sender: Sender,
        catalogue: Catalogue,
        placeholders: Callable[[str], Mapping[str, str]],
        followups: Optional[FollowupAnswers] = None,
    ) -> None:
        self.store = store
        self.followups = followups
        self.vault = vault
        self.sender = sender
        self.catalogue = catalogue
        self.keywords = Keywords(catalogue.keywords)
        self.placeholders = placeholders

    async def _blocking(self, function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(function, *args))

    async def claim(self, message_sid: str) -> bool:
        """True if this instance is the first to see the MessageSid (then: process it)."""
        return await self._blocking(self.store.claim_message, message_sid)

    async def process(self, inbound: InboundSms, conversation: Conversation) -> Processed:
        """Handles one claimed message; never raises."""
        sender_id = self.vault.sender_id(inbound.phone)
        try:
            return await self._process(inbound, sender_id, conversation)
        except Exception as error:  # the citizen still gets an answer
            logger.error("sms %s: %s failed (%s); sending the error text", sender_id[:12], inbound.message_sid,
                         type(error).__name__)
            try:
                body = self._text(None, "error")
                return Processed(ANSWERED, (await self._send(sender_id, inbound, body),))
            except Exception as second:
                logger.error("sms %s: %s: the error text could not be sent either (%s)", sender_id[:12],
                             inbound.message_sid, type(second).__name__)
                return Processed(ANSWERED)

    async def _process(self, inbound: InboundSms, sender_id: str, conversation: Conversation) -> Processed:
        contact = await self._blocking(self.store.contact, sender_id, self.vault.encrypt(inbound.phone))
        text = clean_inbound_text(inbound.body)

        keyword = self.keywords.match(text) if text else None
        if keyword and keyword.kind == kw.START_WHEN_STOPPED and not contact.opted_out:
            keyword = None  # "yes" is an answer, unless it re-subscribes (as Twilio reads it)
        if keyword:
            return await self._keyword(keyword, contact.opted_out, inbound, sender_id, conversation)
        if contact.opted_out:
            logger.info("sms %s: %s ignored: the sender opted out (STOP)", sender_id[:12], inbound.message_sid)
            return Processed(IGNORED_OPTED_OUT)
        if text and self.followups is not None:
            answered = await self._blocking(self.followups.answer, sender_id, text)
            if answered is not None:
                return Processed(FOLLOWUP_ANSWERED, (await self._send(sender_id, inbound, answered),))
        if not text:
            language = await conversation.language(sender_id)
            body = self._text(language, "media" if inbound.media_count else "empty")
            return Processed(ASKED_TO_WRITE, (await self._send(sender_id, inbound, body),))

        choice = resolve_choice(text, contact.choices)
        if choice is not None:
            text = choice.payload
        try:
            messages = await conversation.reply(sender_id, text, inbound.message_sid)
        except Exception as error:
            logger.error("sms %s: %s: the assistant failed (%s)", sender_id[:12], inbound.message_sid,
                         type(error).__name__)
            messages = []
        rendered = render_turn(messages)
        if not rendered.bodies:
            rendered = RenderedTurn((self._text(await conversation.language(sender_id), "error"),), ())
        await self._blocking(self.store.set_choices, sender_id, rendered.choices)
        results = []
        for body in rendered.bodies:
            results.append(await self._send(sender_id, inbound, body))
        return Processed(ANSWERED, tuple(results), rendered)

    async def _keyword(
        self, keyword: KeywordMatch, opted_out: bool, inbound: InboundSms, sender_id: str, conversation: Conversation
    ) -> Processed:
        language = keyword.reply_language(await conversation.language(sender_id) if keyword.ambiguous else None)
        logger.info("sms %s: %s is keyword %s", sender_id[:12], inbound.message_sid, keyword.kind)
        if keyword.kind == kw.STOP:
            if opted_out:
                return Processed(KEYWORD)  # confirmed once already
            await self._blocking(self.store.set_opted_out, sender_id, True)
            return Processed(KEYWORD, (await self._send(sender_id, inbound, self._text(language, "stopped")),))
        if keyword.kind in (kw.START, kw.START_WHEN_STOPPED):
            await self._blocking(self.store.set_opted_out, sender_id, False)
            return Processed(KEYWORD, (await self._send(sender_id, inbound, self._text(language, "started")),))
        return Processed(KEYWORD, (await self._send(sender_id, inbound, self._text(language, "help")),))

    def _text(self, language: Optional[str], key: str) -> str:
        language = language if language in self.catalogue.texts else None
        return self.catalogue.text(language, key, self.placeholders(language or "nl"))

    async def _send(self, sender_id: str, inbound: InboundSms, body: str) -> SendResult:
        info = segments(body)
        result: SendResult = await self._blocking(self.sender.send, inbound.phone, body)
        if result.status == OPTED_OUT:
            # Twilio's own STOP handling got there first: keep our state the same.
            await self._blocking(self.store.set_opted_out, sender_id, True)
        record = OutboundRecord(
            sender_id=sender_id,
            reply_to=inbound.message_sid,
            status=result.status,
            twilio_sid=result.twilio_sid,
            error_code=result.error_code,
            encoding=info.encoding,
            segments=info.segments,
            chars=info.chars,
            body_encrypted=self.vault.encrypt(body) if result.status == FAILED else None,
        )
        await self._blocking(self.store.record_outbound, record)
        if result.status == FAILED:
            logger.error("sms %s: reply to %s NOT sent after %d attempts (HTTP %s, code %s); kept in sms_outbound",
                         sender_id[:12], inbound.message_sid, result.attempts, result.http_status, result.error_code)
        else:
            logger.info("sms %s: reply to %s %s: %d segment(s) %s", sender_id[:12], inbound.message_sid,
                        result.status, info.segments, info.encoding)
        return result
