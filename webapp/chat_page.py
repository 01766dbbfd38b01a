"""The citizen's chat page: its words per language, its assets, gzip for weak connections."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional
from urllib.parse import urlsplit

import yaml

from bot.municipality import Municipality

WEBAPP_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEBAPP_DIR / "static"
TEMPLATES_DIR = WEBAPP_DIR / "templates"
LANGUAGES = ("nl", "fr", "en")
DEFAULT_LANGUAGE = "nl"
RASA_PORT = 5005  # where the page looks for Rasa when WEGWIJS_SOCKET_URL is not set (development)
_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)(?::([\w.\-]+))?\}\}")
# Only public, token-free responses are compressed (BREACH: never the inbox).
_COMPRESSED_PATHS = ("/", "/embed.js")
_COMPRESSED_TYPES = ("text/html", "text/css", "application/javascript", "text/javascript")


class ChatPage:
    """Renders chat.html in one of the page languages, with versioned asset URLs."""

    def __init__(self, municipality: Municipality, socket_url: Optional[str]) -> None:
        self.socket_url = socket_url
        self.template = (TEMPLATES_DIR / "chat.html").read_text(encoding="utf-8")
        self.texts = page_texts(municipality)
        self.assets = {name: _versioned(name) for name in ("chat.css", "socket.io.min.js", "chat.js")}
        self.pages = {language: self._render(language) for language in LANGUAGES}  # fails at start-up, not at a view

    def render(self, language: str) -> str:
        return self.pages[language]

    def _render(self, language: str) -> str:
        config = {"socketUrl": self.socket_url, "socketPort": RASA_PORT, "lang": language, "texts": self.texts}

        def fill(match: re.Match) -> str:
            key, argument = match.group(1), match.group(2)
            if key == "asset":
                return self.assets[argument]
            if key == "lang":
                return language
            if key == "config":
                return html.escape(json.dumps(config, ensure_ascii=False), quote=True)
            return html.escape(self.texts[language][key])

        return _PLACEHOLDER.sub(fill, self.template)

    def connect_sources(self, scheme: str, host: str) -> list[str]:
        """Where the page's socket may connect (for the Content-Security-Policy)."""
        if self.socket_url:
            origin = urlsplit(self.socket_url)
            ws = "wss" if origin.scheme == "https" else "ws"
            return [f"{origin.scheme}://{origin.netloc}", f"{ws}://{origin.netloc}"]
        hostname = urlsplit(f"//{host}").hostname or "localhost"
        hostname = f"[{hostname}]" if ":" in hostname else hostname
        ws = "wss" if scheme == "https" else "ws"
        return [f"{scheme}://{hostname}:{RASA_PORT}", f"{ws}://{hostname}:{RASA_PORT}"]


def page_texts(municipality: Municipality) -> dict[str, dict[str, str]]:
    """chat_texts.yml, placeholders filled; every language must have every key."""
    raw = yaml.safe_load((TEMPLATES_DIR / "chat_texts.yml").read_text(encoding="utf-8"))
    keys = set(raw[DEFAULT_LANGUAGE])
    texts = {}
    for language in LANGUAGES:
        if set(raw[language]) != keys:
            raise ValueError(f"chat_texts.yml: {language} differs from {DEFAULT_LANGUAGE} in {sorted(set(raw[language]) ^ keys)}")
        values = municipality.placeholders(language)
        texts[language] = {key: str(text).format_map(values) for key, text in raw[language].items()}
    return texts


def pick_language(asked: Optional[str], accept_language: str) -> str:
    """?lang= if it is a page language, else the browser's preference, else Dutch."""
    if asked in LANGUAGES:
        return asked
    best, best_weight = DEFAULT_LANGUAGE, 0.0
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > best_weight:
            best, best_weight = primary, weight
    return best


def _versioned(name: str) -> str:
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


def cache_control(path: str, query: Mapping) -> Optional[str]:
    """Versioned assets are cached for good; the rest is checked again on each visit."""
    if path.startswith("/static/"):
        return "public, max-age=31536000, immutable" if "v" in query else "no-cache"
    if path in _COMPRESSED_PATHS:
        return "no-cache"
    return None


def compress(path: str, accept_encoding: str, response) -> None:
    """Gzips the chat page and its assets in place when the browser accepts it."""
    if not (path in _COMPRESSED_PATHS or path.startswith("/static/")):
        return
    content_type = (response.headers.get("content-type") or response.content_type or "").split(";")[0].strip()
    if content_type not in _COMPRESSED_TYPES:
        return
    vary = response.headers.get("vary", "")
    if "accept-encoding" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    body = response.body
    if (response.status != 200 or not body or len(body) < 1024 or "content-encoding" in response.headers
            or "gzip" not in accept_encoding.lower()):
        return
    response.body = _gzipped(bytes(body))
    response.headers["Content-Encoding"] = "gzip"
    if "content-length" in response.headers:
        response.headers["Content-Length"] = str(len(response.body))


@lru_cache(maxsize=32)
def _gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=9, mtime=0)
