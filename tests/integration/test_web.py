"""The web app's chat page and the socket.io channel it talks to."""

import asyncio
import json
import re

import httpx
import pytest

from tests.integration.conftest import TEST_PORTS
from tests.integration.helpers import socket_conversation, tracker_events

pytestmark = [pytest.mark.model, pytest.mark.servers]
WEB = f"http://127.0.0.1:{TEST_PORTS.web}"
RASA = f"http://127.0.0.1:{TEST_PORTS.rasa}"
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def test_the_chat_page_is_served_with_its_own_assets_and_a_privacy_link(servers):
    page = httpx.get(WEB + "/")
    assert page.status_code == 200
    assert 'href="/privacy"' in page.text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert [a.split("?")[0] for a in assets] == ["/static/chat.css", "/static/socket.io.min.js", "/static/chat.js"]
    assert "https://" not in page.text, "no third-party assets"
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and f"connect-src 'self' {RASA} ws://127.0.0.1:{TEST_PORTS.rasa}" in policy
    for asset in assets:
        reply = httpx.get(WEB + asset)
        assert reply.status_code == 200
        assert "immutable" in reply.headers["cache-control"], "versioned assets are cached for good"


def test_the_page_and_its_assets_travel_gzipped_well_under_100_kb(servers):
    page = httpx.get(WEB + "/", headers={"Accept-Encoding": "gzip"})
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    sizes = {"/": page.num_bytes_downloaded}
    for asset in assets:
        reply = httpx.get(WEB + asset, headers={"Accept-Encoding": "gzip"})
        assert reply.headers["content-encoding"] == "gzip"
        sizes[asset] = reply.num_bytes_downloaded
    assert sum(sizes.values()) <= 100 * 1024, sizes


def test_the_page_speaks_the_language_asked_for(servers):
    assert '<html lang="fr">' in httpx.get(WEB + "/?lang=fr").text
    english = httpx.get(WEB + "/", headers={"Accept-Language": "en-GB,en;q=0.9,nl;q=0.5"}).text
    assert '<html lang="en">' in english and ">Your message<" in english
    assert '<html lang="nl">' in httpx.get(WEB + "/?lang=de", headers={"Accept-Language": "de"}).text


def test_the_embed_script_is_served_for_municipality_sites(servers):
    script = httpx.get(WEB + "/embed.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("application/javascript")
    assert "iframe" in script.text
    frame_ancestors = httpx.get(WEB + "/").headers["content-security-policy"].split("frame-ancestors ")[1]
    assert frame_ancestors.split() == ["http://localhost:8000", "http://127.0.0.1:8000"]  # WEGWIJS_CHAT_ORIGINS default


def test_the_privacy_statement_names_retention_and_rights(servers):
    page = httpx.get(WEB + "/privacy").text
    assert "30 dagen" in page and "AVG" in page


def test_the_privacy_statement_is_served_in_the_citizens_language(servers):
    assert "30 jours" in httpx.get(WEB + "/privacy/fr").text
    assert "30 days" in httpx.get(WEB + "/privacy", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert httpx.get(WEB + "/privacy/xx").status_code == 404


def test_socket_io_accepts_the_pages_own_origin_and_refuses_a_foreign_one(servers):
    own = httpx.get(RASA + HANDSHAKE, headers={"Origin": WEB})
    assert own.status_code == 200 and own.headers["access-control-allow-origin"] == WEB
    foreign = httpx.get(RASA + HANDSHAKE, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 400
    assert "access-control-allow-origin" not in foreign.headers


def test_a_websocket_from_a_foreign_origin_is_refused(servers):
    import websockets

    async def connect(origin: str) -> str:
        url = f"ws://127.0.0.1:{TEST_PORTS.rasa}/socket.io/?EIO=4&transport=websocket"
        try:
            async with websockets.connect(url, origin=origin) as ws:
                return (await asyncio.wait_for(ws.recv(), 10))[:1]
        except websockets.exceptions.InvalidStatusCode as error:
            return str(error.status_code)

    assert asyncio.run(connect(WEB)) == "0", "the page's own origin gets the Engine.IO open packet"
    assert asyncio.run(connect("https://evil.example")) == "400"


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
