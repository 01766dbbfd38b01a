"""Web channels: socket.io for the chat page, REST for tests and benchmarks.

Both are Rasa's own channels with one change: the inbound text passes
through `connectors.inbound.cleaning` first.
"""

from __future__ import annotations

from typing import Text

from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from connectors.inbound import OnNewMessage, cleaning


class WebChatInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(cleaning(on_new_message))


class RestChatInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(cleaning(on_new_message))
