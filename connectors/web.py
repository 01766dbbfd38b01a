"""Web channels: socket.io for the chat page, REST for tests and benchmarks.

Both are Rasa's own channels with one change: the inbound text passes
through `connectors.inbound.cleaning` first.
"""

from __future__ import annotations

import re
import uuid
from typing import Dict, List, Optional, Text
from urllib.parse import urlsplit

from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.settings import Settings
from connectors import rasa_speedups
from connectors.inbound import OnNewMessage, cleaning

rasa_speedups.apply()  # this module is what `rasa run` imports from credentials.yml


_SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


class WebChatInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        blueprint = super().blueprint(cleaning(on_new_message))
        sio = self.sio
        # Rasa switches the browser origin check off (cors_allowed_origins=[]);
        # only Wegwijs' own page and the configured sites may open a chat.
        sio.eio.cors_allowed_origins = chat_origins(Settings.from_env())

        # Replaces Rasa's handler, which calls the (now asynchronous)
        # enter_room without awaiting it: the browser then never joins its
        # session's room and receives no answers.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            asked = (data or {}).get("session_id") if isinstance(data, dict) else None
            session_id = asked if isinstance(asked, str) and _SESSION_ID.match(asked) else uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return blueprint


def chat_origins(settings: Settings) -> List[str]:
    """Browser origins the socket accepts: the web app's own (public URL) and WEGWIJS_CHAT_ORIGINS."""
    own = urlsplit(settings.public_url)
    origins = [f"{own.scheme}://{own.netloc}", *(o.rstrip("/") for o in settings.chat_origins)]
    return list(dict.fromkeys(origins))


class RestChatInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(cleaning(on_new_message))
