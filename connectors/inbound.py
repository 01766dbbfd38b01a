"""One inbound gate for every channel (socket.io, REST, SMS), before Rasa sees a message.

For each message, in this order:

1. a sender id longer than the tracker store's column (255) is no
   conversation of ours: the message is dropped (PostgreSQL would refuse it);
2. rate limit per sender (bot.privacy.ratelimit): over the limit, the
   message goes no further and gets a polite "please wait" (every channel
   answers every message once; the SMS channel would otherwise send its
   error text);
3. cleaning (bot.inbound: a leading "/" never becomes an intent) and masking
   of personal data: phone numbers, e-mail addresses, national register
   numbers and IBANs become placeholders, so the tracker store and every
   log line (Rasa's own included) only ever see "[☎]"; the contact details
   a booking needs ride along sealed in the message metadata;
4. after the turn: if the turn erased the conversation (the erase action's
   signal among the bot messages), its tracker events are deleted now that
   Rasa has saved them (bot.privacy.erasure).

The channels' blueprints are built with this gate while Rasa's Sanic app
exists, so the gate also caps that app's request bodies (64 KB: a message
is at most 1600 characters).
"""

from __future__ import annotations

import asyncio
import logging
import os
from functools import lru_cache
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage

from bot.inbound import inbound_text
from bot.language import CHAT_LANGUAGES
from bot.privacy.access import privacy_texts
from bot.privacy.erasure import ERASE_SIGNAL, finish_tracker_erasure
from bot.privacy.ratelimit import DEFAULT_PER_MINUTE, SenderRateLimiter
from bot.privacy.sealing import Sealer, metadata_with_sealed

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

logger = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 64 * 1024
MAX_SENDER_ID = 255  # Rasa's events.sender_id column
RATE_LIMIT_VARIABLE = "WEGWIJS_RATE_LIMIT_PER_MINUTE"


class InboundGate:
    def __init__(self, sealer: Sealer, limiter: SenderRateLimiter, database_url: str) -> None:
        self.sealer = sealer
        self.limiter = limiter
        self._database_url = database_url
        self._engine = None
        # The gate does not know the conversation's language: one short line in each.
        self.please_wait = "\n".join(privacy_texts(code)["rate_limited"] for code in CHAT_LANGUAGES)

    @classmethod
    def from_env(cls) -> "InboundGate":
        from bot.settings import Settings, SettingsError

        settings = Settings.from_env()
        raw = os.environ.get(RATE_LIMIT_VARIABLE, "").strip() or str(DEFAULT_PER_MINUTE)
        try:
            per_minute = int(raw)
            limiter = SenderRateLimiter(per_minute)
        except ValueError:
            raise SettingsError(f"{RATE_LIMIT_VARIABLE} must be a whole number of messages, at least 1") from None
        return cls(Sealer.from_secret_key(settings.secret_key), limiter, settings.database_url)

    def wrap(self, on_new_message: OnNewMessage) -> OnNewMessage:
        async def handler(message: UserMessage) -> Any:
            sender = str(message.sender_id or "")
            if len(sender) > MAX_SENDER_ID:
                logger.warning("inbound: a sender id of %d characters refused", len(sender))
                return None
            if not self.limiter.allow(sender):
                logger.warning("rate limit: sender %s... sent more than %d messages a minute; told to wait",
                               sender[:8], self.limiter.per_minute)
                await message.output_channel.send_text_message(sender, self.please_wait)
                return None
            masked = inbound_text(message.text, self.sealer.seal)
            message.text = masked.text
            message.metadata = metadata_with_sealed(message.metadata, masked)
            erasure = _watch_for_erasure(message)
            result = await on_new_message(message)
            if erasure.requested:
                await self._finish_erasure(sender, message.input_channel)
            return result

        return handler

    async def _finish_erasure(self, sender: str, channel: Optional[str]) -> None:
        try:
            deleted = await asyncio.get_running_loop().run_in_executor(
                None, lambda: finish_tracker_erasure(self._database(), sender, keep_pending=channel == "sms"))
            logger.info("erasure: %d tracker events of sender %s... deleted", deleted, sender[:8])
        except Exception as error:  # the retention purge finishes it (privacy_erasure_pending)
            logger.error("erasure: tracker events of sender %s... not deleted yet (%s)", sender[:8], type(error).__name__)

    def _database(self):
        if self._engine is None:
            from bot.storage import create_schema, make_engine

            engine = make_engine(self._database_url)
            create_schema(engine)
            self._engine = engine
        return self._engine


class _ErasureWatch:
    requested = False


def _watch_for_erasure(message: UserMessage) -> _ErasureWatch:
    """Notes the erase action's signal among this turn's bot messages and keeps it from the channel."""
    watch = _ErasureWatch()
    channel = message.output_channel
    send_response = channel.send_response

    async def sending(recipient_id: str, response: dict) -> None:
        if response.get("custom") == ERASE_SIGNAL:
            watch.requested = True
            return
        await send_response(recipient_id, response)

    channel.send_response = sending  # this message's own output channel object only
    return watch


@lru_cache(maxsize=1)
def _gate() -> InboundGate:
    return InboundGate.from_env()


def cleaning(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wraps Rasa's message handler with the inbound gate (built once per process)."""
    cap_request_sizes()
    return _gate().wrap(on_new_message)


def cap_request_sizes(app: Any = None, max_bytes: int = MAX_REQUEST_BYTES) -> None:
    """Caps request bodies and websocket frames of the Rasa server (Sanic's default is 100 MB).

    Without `app`: the one Sanic app of this process (Rasa's), if there is exactly one.
    """
    from sanic import Sanic
    from sanic.exceptions import SanicException

    if app is None:
        try:
            app = Sanic.get_app()
        except SanicException:
            logger.warning("no single Sanic app to cap request sizes on; the reverse proxy must do it")
            return
    app.config.REQUEST_MAX_SIZE = min(int(app.config.REQUEST_MAX_SIZE), max_bytes)
    app.config.WEBSOCKET_MAX_SIZE = min(int(app.config.WEBSOCKET_MAX_SIZE), max_bytes)
