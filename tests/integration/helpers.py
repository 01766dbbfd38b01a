"""Talking to the running servers the way a channel does."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from pathlib import Path

import httpx


def new_sender() -> str:
    return uuid.uuid4().hex


class RestChat:
    """One conversation through Rasa's REST channel (development profile)."""

    def __init__(self, rasa_port: int, sender: str | None = None) -> None:
        self.url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
        self.sender = sender or new_sender()

    def say(self, text: str) -> list[dict]:
        reply = httpx.post(self.url, json={"sender": self.sender, "message": text}, timeout=60)
        assert reply.status_code == 200, reply.text
        return reply.json()

    @staticmethod
    def texts(replies: list[dict]) -> str:
        return "\n".join(r.get("text", "") for r in replies)


async def socket_conversation(rasa_port: int, messages: list[str], quiet: float = 1.0) -> tuple[str, list[list[dict]]]:
    """Sends each message over socket.io; collects the bot messages after each."""
    import socketio

    client = socketio.AsyncClient(reconnection=False)
    received: list[dict] = []
    session: asyncio.Future = asyncio.get_running_loop().create_future()

    @client.on("session_confirm")
    async def on_session(data):  # noqa: ANN001
        session.set_result(data)

    @client.on("bot_uttered")
    async def on_bot(data):  # noqa: ANN001
        received.append(data)

    # Long-polling: aiohttp 3.9 (pinned by Rasa) lacks what the websocket client needs.
    await client.connect(f"http://127.0.0.1:{rasa_port}", transports=["polling"])
    await client.emit("session_request", {"session_id": None})
    session_id = await asyncio.wait_for(session, 10)
    replies: list[list[dict]] = []
    for message in messages:
        received.clear()
        await client.emit("user_uttered", {"message": message, "session_id": session_id})
        waited = 0.0
        while waited < 60 and not received:
            await asyncio.sleep(0.1)
            waited += 0.1
        await asyncio.sleep(quiet)  # the rest of the turn's messages follow within this
        replies.append(list(received))
    # Abort instead of waiting for the pending long-poll (about 30 s per conversation).
    await client.eio.disconnect(abort=True)
    return session_id, replies


def tracker_events(database: Path, sender: str) -> list[tuple[str, str | None, str | None]]:
    """(type_name, action_name, data) of a conversation in the SQLite tracker store."""
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT type_name, action_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
