"""Sanic web app on port 8000: serves the chat page and the privacy statement."""

from __future__ import annotations

import html
import json
from pathlib import Path

from sanic import Sanic, response
from sanic.request import Request

from bot.municipality import Municipality
from bot.settings import Settings
from bot.texts import Texts

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_app(settings: Settings) -> Sanic:
    municipality = Municipality.load(settings.municipality_file)
    Texts.load()  # fail at start-up, not at the first page view, if texts are broken
    app = Sanic("wegwijs_web")
    page = (TEMPLATES_DIR / "chat.html").read_text(encoding="utf-8")
    privacy = (TEMPLATES_DIR / "privacy.html").read_text(encoding="utf-8")
    connect_sources = " ".join(["'self'", *(_socket_origins(settings))])
    csp = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"connect-src {connect_sources}; frame-ancestors {' '.join(settings.chat_origins) or 'none'}"
    )

    @app.middleware("response")
    async def security_headers(request: Request, resp) -> None:
        resp.headers.update(_SECURITY_HEADERS)
        resp.headers["Content-Security-Policy"] = csp

    @app.get("/")
    async def chat_page(request: Request):
        config = {"socketUrl": settings.socket_url, "socketPort": 5005}
        body = page.replace("{{municipality}}", html.escape(municipality.name)).replace(
            "{{config}}", html.escape(json.dumps(config), quote=True)
        )
        return response.html(body)

    @app.get("/privacy")
    async def privacy_page(request: Request):
        values = {k: html.escape(v) for k, v in municipality.placeholders("nl").items()}
        body = privacy
        for key, value in values.items():
            body = body.replace("{{" + key + "}}", value)
        return response.html(body)

    @app.get("/health")
    async def health(request: Request):
        return response.json({"status": "ok"})

    app.static("/static", str(STATIC_DIR))
    return app


def _socket_origins(settings: Settings) -> list[str]:
    if settings.socket_url:
        return [settings.socket_url, settings.socket_url.replace("http", "ws", 1)]
    # Development: the page talks to Rasa on port 5005 of whatever host served it.
    return ["ws:", "wss:"]


def serve() -> int:
    settings = Settings.from_env()
    app = create_app(settings)
    app.run(host=settings.web_host, port=settings.web_port, workers=1, access_log=False, motd=False)
    return 0
