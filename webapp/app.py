"""Sanic web app on port 8000: serves the chat page and the privacy statement."""

from __future__ import annotations

from pathlib import Path

from sanic import Sanic, response
from sanic.request import Request

from bot.municipality import Municipality
from bot.referral import UnknownReference, normalise_reference
from bot.services import open_services
from bot.settings import Settings
from bot.texts import Texts
from webapp.chat_page import LANGUAGES, ChatPage, cache_control, compress, pick_language
from webapp.privacy_page import PrivacyPage
from webapp.inbox import register_inbox

STATIC_DIR = Path(__file__).resolve().parent / "static"

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_app(settings: Settings) -> Sanic:
    municipality = Municipality.load(settings.municipality_file)
    Texts.load()  # fail at start-up, not at the first page view, if texts are broken
    app = Sanic("wegwijs_web")
    page = ChatPage(municipality, settings.socket_url)
    embed_script = (STATIC_DIR / "embed.js").read_text(encoding="utf-8")
    privacy = PrivacyPage(municipality)
    frame_ancestors = " ".join(settings.chat_origins) or "'none'"

    def policy(connect_sources: list[str]) -> str:
        connect = " ".join(["'self'", *connect_sources])
        return (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"connect-src {connect}; frame-ancestors {frame_ancestors}"
        )

    csp = policy(_socket_origins(settings))

    @app.middleware("response")
    async def security_headers(request: Request, resp) -> None:
        resp.headers.update(_SECURITY_HEADERS)
        resp.headers.setdefault("Content-Security-Policy", csp)  # the inbox sets a stricter one

    @app.middleware("response")
    async def light_delivery(request: Request, resp) -> None:
        """Caching and gzip for the chat page and its assets: old phones, weak connections."""
        caching = cache_control(request.path, request.args)
        if caching and resp.status == 200:
            resp.headers.setdefault("Cache-Control", caching)
        compress(request.path, request.headers.get("accept-encoding", ""), resp)

    @app.get("/")
    async def chat_page(request: Request):
        language = pick_language(request.args.get("lang"), request.headers.get("accept-language", ""))
        page_csp = policy(page.connect_sources(request.scheme, request.host))
        return response.html(page.render(language), headers={
            "Content-Security-Policy": page_csp, "Content-Language": language, "Vary": "Accept-Language"})

    @app.get("/embed.js")
    async def embed(request: Request):
        """The one script tag a municipality puts on its site (see static/embed.js)."""
        return response.text(embed_script, content_type="application/javascript; charset=utf-8")

    @app.get("/privacy")
    async def privacy_page(request: Request):
        language = pick_language(request.args.get("lang"), request.headers.get("accept-language", ""))
        return response.html(privacy.render(language), headers={"Content-Language": language, "Vary": "Accept-Language"})

    @app.get("/privacy/<language>")
    async def privacy_page_in(request: Request, language: str):
        """The statement in one language: the link the assistant gives in that language."""
        if language not in LANGUAGES:
            return response.text("Not found.", status=404)
        return response.html(privacy.render(language), headers={"Content-Language": language})

    @app.get("/health")
    async def health(request: Request):
        return response.json({"status": "ok"})

    services = open_services(settings)

    @app.get("/booking/<filename>")
    async def booking_calendar(request: Request, filename: str):
        """The .ics of a booking, for the citizen's calendar; the code is the key."""
        code = normalise_reference(filename[: -len(".ics")]) if filename.endswith(".ics") else None
        view = services.referrals.by_reference(code) if code else None
        if view is None:
            return response.text("No appointment with that code.", status=404)
        actor = services.directory.core_actor(view.org_id)
        name = actor.organization_name if actor else view.org_id
        try:
            body = services.referrals.booking_ics(code, name, actor.address if actor else None)
        except UnknownReference:
            return response.text("No appointment with that code.", status=404)
        return response.raw(body.encode("utf-8"), content_type="text/calendar; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="wegwijs-{code}.ics"', "Cache-Control": "no-store"})

    register_inbox(app, settings, org_name=services.organisation_name)
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
