"""The chat page's words, languages, asset links and compression (no servers)."""

import gzip
import html
import json
import re

import pytest
from sanic import response

from bot.municipality import Municipality
from bot.settings import PROJECT_ROOT
from webapp.chat_page import LANGUAGES, ChatPage, compress, pick_language

MUNICIPALITY = Municipality.load(PROJECT_ROOT / "config" / "municipality.yml")


@pytest.fixture(scope="module")
def page():
    return ChatPage(MUNICIPALITY, socket_url=None)


@pytest.mark.parametrize("asked, accept, expected", [
    ("fr", "nl", "fr"),
    (None, "fr-BE,fr;q=0.9,nl;q=0.8", "fr"),
    (None, "de-DE,de;q=0.9,en;q=0.7,nl;q=0.5", "en"),
    (None, "en;q=0.2, nl;q=0.8", "nl"),
    ("de", "de", "nl"),
    (None, "", "nl"),
    (None, "fr;q=oops, en", "en"),
])
def test_the_page_language_follows_the_link_then_the_browser_then_dutch(asked, accept, expected):
    assert pick_language(asked, accept) == expected


def test_every_language_has_every_word_with_the_municipality_filled_in(page):
    assert set(page.texts) == set(LANGUAGES)
    keys = set(page.texts["nl"])
    for language, words in page.texts.items():
        assert set(words) == keys, language
        assert all("{" not in text for text in words.values()), language
    assert "Sociaal Huis Demostad" in page.texts["fr"]["subtitle"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_is_rendered_in_its_language_with_versioned_assets_of_its_own(page, language):
    body = page.render(language)
    assert f'<html lang="{language}">' in body
    assert "{{" not in body
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', body)
    assert [a.split("?v=")[0] for a in assets] == ["/static/chat.css", "/static/socket.io.min.js", "/static/chat.js"]
    assert all(re.search(r"\?v=[0-9a-f]{12}$", a) for a in assets)
    config = json.loads(html.unescape(re.search(r'data-config="([^"]*)"', body).group(1)))
    assert config["lang"] == language and config["socketUrl"] is None
    assert f">{page.texts[language]['message']}<" in body


def test_the_socket_may_only_go_where_the_page_is_told(page):
    assert page.connect_sources("http", "127.0.0.1:8000") == ["http://127.0.0.1:5005", "ws://127.0.0.1:5005"]
    assert page.connect_sources("https", "chat.demostad.be") == ["https://chat.demostad.be:5005", "wss://chat.demostad.be:5005"]
    told = ChatPage(MUNICIPALITY, socket_url="https://rasa.demostad.be")
    assert told.connect_sources("http", "anything:1") == ["https://rasa.demostad.be", "wss://rasa.demostad.be"]


def test_the_page_and_its_assets_are_gzipped_when_the_browser_accepts_it(page):
    body = page.render("nl")
    resp = response.html(body, headers={"Vary": "Accept-Language"})
    compress("/", "gzip, deflate, br", resp)
    assert resp.headers["content-encoding"] == "gzip"
    assert gzip.decompress(resp.body).decode() == body
    assert len(resp.body) < len(body.encode()) / 2
    assert resp.headers["vary"] == "Accept-Language, Accept-Encoding"

    plain = response.html(body)
    compress("/", "identity", plain)
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"


def test_private_pages_and_small_bodies_are_never_compressed(page):
    inbox = response.html(page.render("nl"))
    compress("/inbox", "gzip", inbox)  # pages with tokens: no compression (BREACH)
    assert "content-encoding" not in inbox.headers
    small = response.raw(b"x" * 100, content_type="text/css")
    compress("/static/tiny.css", "gzip", small)
    assert "content-encoding" not in small.headers
