"""One inbound gate for every channel: the text is cleaned before Rasa sees it."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage

from bot.inbound import clean_inbound_text

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def cleaning(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wraps Rasa's message handler so the citizen's text is cleaned first."""

    async def handler(message: UserMessage) -> Any:
        message.text = clean_inbound_text(message.text)
        return await on_new_message(message)

    return handler
