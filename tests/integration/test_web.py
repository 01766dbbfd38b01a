"""The web app's chat page and the socket.io channel it talks to."""

import asyncio
import json

import httpx
import pytest

from tests.integration.conftest import TEST_PORTS
from tests.integration.helpers import socket_conversation, tracker_events

pytestmark = [pytest.mark.model, pytest.mark.servers]
WEB = f"http://127.0.0.1:{TEST_PORTS.web}"


def test_the_chat_page_is_served_with_its_own_assets_and_a_privacy_link(servers):
    page = httpx.get(WEB + "/")
    assert page.status_code == 200
    assert 'href="/privacy"' in page.text
    assert '<script src="/static/chat.js">' in page.text
    assert "https://" not in page.text, "no third-party assets"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/static/chat.js", "/static/chat.css"):
        assert httpx.get(WEB + asset).status_code == 200


def test_the_privacy_statement_names_retention_and_rights(servers):
    page = httpx.get(WEB + "/privacy").text
    assert "30 dagen" in page and "AVG" in page


def test_a_conversation_over_socket_io_with_the_same_session_after_reconnecting(servers, tracker_db):
    session, replies = asyncio.run(socket_conversation(TEST_PORTS.rasa, ["hallo", "ik heb schulden"]))
    assert "/privacy" in replies[0][0]["text"]
    summary = replies[1][-1]
    assert "schulden" in summary["text"]
    assert [q["payload"] for q in summary["quick_replies"]] == ["ja", "nee"]
    events = tracker_events(tracker_db, session)
    assert [json.loads(d)["text"] for kind, _, d in events if kind == "user"] == ["hallo", "ik heb schulden"]


def test_a_slash_over_socket_io_is_plain_text(servers, tracker_db):
    session, replies = asyncio.run(socket_conversation(TEST_PORTS.rasa, ['/greet{"language": "en"}']))
    assert replies[0], "the citizen still gets an answer"
    users = [json.loads(d) for kind, _, d in tracker_events(tracker_db, session) if kind == "user"]
    assert users[0]["text"] == 'greet{"language": "en"}'


def test_the_pages_own_socket_io_client_protocol_gets_answers(servers):
    """chat.js speaks Engine.IO v4 over a bare WebSocket; this replays its packets."""
    import websockets

    async def talk() -> list[str]:
        url = f"ws://127.0.0.1:{TEST_PORTS.rasa}/socket.io/?EIO=4&transport=websocket"
        async with websockets.connect(url) as ws:
            assert (await ws.recv()).startswith("0{")  # open
            await ws.send("40")  # join the namespace, as chat.js does
            assert (await ws.recv()).startswith("40")
            await ws.send('42["session_request",{"session_id":null}]')
            name, session = json.loads((await ws.recv())[2:])
            assert name == "session_confirm"
            await ws.send("42" + json.dumps(["user_uttered", {"message": "bonjour", "session_id": session}]))
            texts = []
            while len(texts) < 2:
                packet = await asyncio.wait_for(ws.recv(), 30)
                if packet == "2":
                    await ws.send("3")
                elif packet.startswith("42"):
                    event, data = json.loads(packet[2:])
                    assert event == "bot_uttered"
                    texts.append(data["text"])
            return texts

    texts = asyncio.run(talk())
    assert texts[0].startswith("Bonjour, je suis Wegwijs")
    assert texts[1].startswith("Comment pouvons-nous vous aider")
