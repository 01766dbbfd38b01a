"""The caseworker inbox (HTML, /inbox) and the handover JSON API (/api, contracts §4).

A caseworker sees only their own organisation's handovers; another
organisation's handover is a 404, as if it did not exist. Sessions live in
the database (bot.referral.accounts); the cookie is HttpOnly and
SameSite=Strict, and Secure with the `__Host-` prefix outside development.
Every POST form carries the session's CSRF token (the login form a
double-submit token). Database work runs in threads, off the event loop.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import re
import secrets
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from sanic import Sanic, response
from sanic.request import Request

from bot.referral import (
    STATUSES,
    Account,
    Accounts,
    FieldCipher,
    HandoverNotFound,
    HandoverRecord,
    IllegalStatusMove,
    LoginRefused,
    Referrals,
    SlotInvalid,
    SlotNotFound,
    SlotTaken,
    TooManyAttempts,
    legal_moves,
)
from bot.referral.accounts import SESSION_MAX, Session
from bot.referral.errors import CalendarError
from bot.referral.ics import BRUSSELS
from bot.referral.texts import caseworker_texts
from bot.settings import Settings
from bot.storage import create_schema, make_engine

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
MAX_ICS_BYTES = 1_000_000
SLOT_WEEKS = 4
LOGIN_COOKIE = "wegwijs_login"
# The inbox is never framed, never cached, and loads nothing but its own CSS.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
API_HEADERS = {"Cache-Control": "no-store"}
NOTICES = {
    "slot_added": "Het moment is toegevoegd.",
    "slot_removed": "Het moment is verwijderd.",
    "status_changed": "De status is gewijzigd.",
}


class Html(str):
    """Markup that is already safe; everything else is escaped when filled in."""


_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def fill(template: str, **values: Any) -> Html:
    """One pass over the template, so a filled-in value is never scanned again."""

    def value_of(match: re.Match) -> str:
        value = values[match.group(1)]
        return value if isinstance(value, Html) else html.escape(str(value))

    return Html(_PLACEHOLDER.sub(value_of, template))


def join(parts) -> Html:
    return Html("".join(parts))


def register_inbox(
    app: Sanic,
    settings: Settings,
    org_name: Optional[Callable[[str], Optional[str]]] = None,
) -> None:
    """Adds the inbox and the API to `app`. `org_name(org_id)` may give a
    readable organisation name (from the offer directory) for page headers."""
    engine = make_engine(settings.database_url)
    referrals = Referrals(engine, FieldCipher.from_settings(settings))
    accounts = Accounts(engine)
    templates = {p.stem: p.read_text(encoding="utf-8") for p in TEMPLATES_DIR.glob("inbox_*.html")}
    labels = caseworker_texts()
    secure = settings.environment != "development"
    session_cookie = "__Host-wegwijs_session" if secure else "wegwijs_session"

    @app.listener("before_server_start")
    async def _schema(app_, loop) -> None:
        await asyncio.to_thread(create_schema, engine)

    # Rendering -----------------------------------------------------------------

    def page(title: str, body: Html, session: Optional[Session] = None, status: int = 200,
             notice: str = "", error: str = "") -> response.HTTPResponse:
        nav = Html("")
        org = Html("")
        if session is not None:
            nav = fill(templates["inbox_nav"], csrf=session.csrf, name=session.account.name)
            org = Html(" · " + html.escape(_org_label(session.account.org_id)))
        message = Html("")
        if error:
            message = fill('<p class="message error" role="alert">{{text}}</p>', text=error)
        elif notice:
            message = fill('<p class="message" role="status">{{text}}</p>', text=notice)
        body_html = fill(templates["inbox_base"], title=title, org=org, nav=nav, message=message, body=body)
        return response.html(body_html, status=status, headers=PAGE_HEADERS)

    def _org_label(org_id: str) -> str:
        name = org_name(org_id) if org_name else None
        return name or org_id

    def when(value: datetime) -> str:
        return value.astimezone(BRUSSELS).strftime("%d/%m/%Y %H:%M")

    def span(record_slot) -> str:
        start, end = record_slot.start.astimezone(BRUSSELS), record_slot.end.astimezone(BRUSSELS)
        return f"{start:%a %d/%m/%Y %H:%M}–{end:%H:%M}"

    def field_value(name: str, value: Any) -> str:
        if name == "slot":
            return ""
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    # Sessions and CSRF -------------------------------------------------------

    async def current_session(request: Request) -> Optional[Session]:
        return await asyncio.to_thread(accounts.session, request.cookies.get(session_cookie))

    def csrf_ok(request: Request, expected: str) -> bool:
        given = request.form.get("csrf") if request.form else None
        return bool(given) and hmac.compare_digest(str(given), expected)

    def set_cookie(resp, name: str, value: str, max_age: int, path: str = "/") -> None:
        resp.cookies[name] = value
        cookie = resp.cookies[name]
        cookie["path"] = path
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["max-age"] = max_age
        if secure:
            cookie["secure"] = True

    def to_login() -> response.HTTPResponse:
        return response.redirect("/inbox/login", status=303, headers=PAGE_HEADERS)

    def forbidden(session: Optional[Session]) -> response.HTTPResponse:
        return page("Formulier verlopen", Html('<p><a href="/inbox">Terug naar de inbox</a></p>'), session, 403,
                    error="Dit formulier is verlopen of komt niet van de inbox. Laad de pagina opnieuw en probeer nog eens.")

    def login_page(csrf: str, name: str = "", status: int = 200, error: str = "") -> response.HTTPResponse:
        resp = page("Aanmelden", fill(templates["inbox_login"], csrf=csrf, name=name), status=status, error=error)
        set_cookie(resp, LOGIN_COOKIE, csrf, 3600, path="/inbox/login")
        return resp

    # Pages -----------------------------------------------------------------

    @app.get("/inbox/login")
    async def login_form(request: Request):
        if await current_session(request):
            return response.redirect("/inbox", status=303, headers=PAGE_HEADERS)
        return login_page(secrets.token_urlsafe(32))

    @app.post("/inbox/login")
    async def login(request: Request):
        expected = request.cookies.get(LOGIN_COOKIE) or ""
        if not expected or not csrf_ok(request, expected):
            return login_page(secrets.token_urlsafe(32), status=403,
                              error="Dit formulier is verlopen. Meld u opnieuw aan.")
        name = request.form.get("name", "")
        try:
            account = await asyncio.to_thread(accounts.login, name, request.form.get("password", ""))
        except TooManyAttempts:
            return login_page(secrets.token_urlsafe(32), name, 429,
                              "Te veel verkeerde wachtwoorden. Probeer het over 15 minuten opnieuw.")
        except LoginRefused:
            return login_page(secrets.token_urlsafe(32), name, 401, "Naam of wachtwoord klopt niet.")
        ticket = await asyncio.to_thread(accounts.start_session, account)
        resp = response.redirect("/inbox", status=303, headers=PAGE_HEADERS)
        set_cookie(resp, session_cookie, ticket.cookie, int(SESSION_MAX.total_seconds()))
        set_cookie(resp, LOGIN_COOKIE, "", 0, path="/inbox/login")
        return resp

    @app.post("/inbox/logout")
    async def logout(request: Request):
        session = await current_session(request)
        if session is None:
            return to_login()
        if not csrf_ok(request, session.csrf):
            return forbidden(session)
        await asyncio.to_thread(accounts.end_session, request.cookies.get(session_cookie))
        resp = to_login()
        set_cookie(resp, session_cookie, "", 0)
        return resp

    @app.get("/inbox")
    async def inbox(request: Request):
        session = await current_session(request)
        if session is None:
            return to_login()
        records = await asyncio.to_thread(referrals.handovers_for, session.account.actor("user"))
        # New ones first, then the rest; newest first within each (the list is newest first).
        records.sort(key=lambda r: r.status != "sent")
        body = fill(templates["inbox_list"], table=handover_table(records))
        return page("Doorverwijzingen", body, session, notice=NOTICES.get(request.args.get("m", ""), ""))

    def handover_table(records: list[HandoverRecord]) -> Html:
        if not records:
            return Html("<p>Er zijn nog geen doorverwijzingen.</p>")
        rows = []
        for record in records:
            status_class = ' class="status-new"' if record.status == "sent" else ""
            rows.append(fill(
                "<tr><td><a href=\"/inbox/handovers/{{id}}\">{{reference}}</a></td><td>{{created}}</td>"
                "<td>{{moment}}</td><td>{{kind}}</td><td>{{name}}</td><td{{cls}}>{{status}}</td></tr>",
                id=record.id, reference=record.reference, created=when(record.created_at), moment=span(record.slot),
                kind=labels["kind"][record.slot.kind], name=record.fields.get("name", "(ingetrokken)"),
                cls=Html(status_class), status=labels["status"][record.status],
            ))
        return fill(
            "<table><caption>Doorverwijzingen naar uw organisatie</caption><thead><tr>"
            '<th scope="col">Referentie</th><th scope="col">Ontvangen op</th><th scope="col">Moment</th>'
            '<th scope="col">Soort</th><th scope="col">Naam</th><th scope="col">Status</th>'
            "</tr></thead><tbody>{{rows}}</tbody></table>",
            rows=join(rows),
        )

    @app.get("/inbox/handovers/<handover_id:str>")
    async def handover_page(request: Request, handover_id: str):
        session = await current_session(request)
        if session is None:
            return to_login()
        actor = session.account.actor("user")
        try:
            record = await asyncio.to_thread(referrals.handover_for, actor, handover_id)
        except HandoverNotFound:
            return not_found(session)
        trail = None
        if session.account.role in ("coordinator", "admin"):
            trail = await asyncio.to_thread(referrals.audit_trail, actor, handover_id)
        return detail_page(session, record, trail, notice=NOTICES.get(request.args.get("m", ""), ""))

    def not_found(session: Session) -> response.HTTPResponse:
        return page("Niet gevonden", Html('<p><a href="/inbox">Terug naar de inbox</a></p>'), session, 404,
                    error="Deze doorverwijzing bestaat niet voor uw organisatie.")

    def detail_page(session: Session, record: HandoverRecord, trail, status: int = 200,
                    notice: str = "", error: str = "") -> response.HTTPResponse:
        if record.fields:
            items = [
                fill("<dt>{{label}}</dt><dd>{{value}}</dd>", label=labels["field_labels"][name],
                     value=field_value(name, value))
                for name, value in record.fields.items() if name != "slot"
            ]
            fields = fill('<dl class="facts">{{items}}</dl>', items=join(items))
        else:
            fields = Html("<p>De burger heeft deze doorverwijzing ingetrokken. De gegevens zijn gewist.</p>")
        if record.legal_moves:
            buttons = join(
                fill('<button type="submit" name="status" value="{{value}}">{{label}}</button>',
                     value=move, label=labels["move"][move])
                for move in record.legal_moves
            )
            moves = fill(
                '<form method="post" action="/inbox/handovers/{{id}}/status" class="moves">'
                '<input type="hidden" name="csrf" value="{{csrf}}">{{buttons}}</form>',
                id=record.id, csrf=session.csrf, buttons=buttons,
            )
        else:
            moves = Html("<p>Deze status is definitief.</p>")
        trail_html = Html("")
        if trail is not None:
            rows = join(
                fill("<tr><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{detail}}</td></tr>",
                     at=when(e.at), actor=e.actor, action=e.action, detail=e.detail or "")
                for e in trail
            )
            trail_html = fill(
                "<h2>Logboek</h2><table><caption>Wie deze doorverwijzing bekeek of wijzigde</caption><thead><tr>"
                '<th scope="col">Wanneer</th><th scope="col">Wie</th><th scope="col">Wat</th>'
                '<th scope="col">Details</th></tr></thead><tbody>{{rows}}</tbody></table>',
                rows=rows,
            )
        consent = record.consent
        body = fill(
            templates["inbox_detail"], status=labels["status"][record.status], reference=record.reference,
            created=when(record.created_at), kind=labels["kind"][record.slot.kind], moment=span(record.slot),
            location=record.location_id, fields=fields, consent_given=when(consent.given_at),
            consent_version=consent.text_version,
            special="ja, apart gevraagd en gegeven" if consent.special_category_consent else "niet doorgegeven",
            withdrawn=when(consent.withdrawn_at) if consent.withdrawn_at else "nee", moves=moves, trail=trail_html,
        )
        return page(f"Doorverwijzing {record.reference}", body, session, status, notice=notice, error=error)

    @app.post("/inbox/handovers/<handover_id:str>/status")
    async def handover_status(request: Request, handover_id: str):
        session = await current_session(request)
        if session is None:
            return to_login()
        if not csrf_ok(request, session.csrf):
            return forbidden(session)
        actor = session.account.actor("user")
        try:
            await asyncio.to_thread(referrals.set_status, actor, handover_id, request.form.get("status", ""))
        except HandoverNotFound:
            return not_found(session)
        except IllegalStatusMove as error:
            record = await asyncio.to_thread(referrals.handover_for, actor, handover_id)
            return detail_page(session, record, None, 409, error=f"Dat kan niet: {error}")
        return response.redirect(f"/inbox/handovers/{handover_id}?m=status_changed", status=303, headers=PAGE_HEADERS)

    # Slots -----------------------------------------------------------------

    async def slots_page(request: Request, session: Session, status: int = 200, notice: str = "",
                         error: str = "") -> response.HTTPResponse:
        org_id = session.account.org_id
        now = datetime.now(BRUSSELS)
        listing = await asyncio.to_thread(referrals.slots.listing, org_id, now, now + timedelta(weeks=SLOT_WEEKS))
        locations = await asyncio.to_thread(referrals.slots.locations, org_id)
        if listing:
            rows = []
            for item in listing:
                if item.handover_id:
                    booked = fill('geboekt: <a href="/inbox/handovers/{{id}}">{{ref}}</a>',
                                  id=item.handover_id, ref=item.reference)
                    action = Html("")
                else:
                    booked = Html("vrij")
                    action = fill(
                        '<form method="post" action="/inbox/slots/{{id}}/remove">'
                        '<input type="hidden" name="csrf" value="{{csrf}}">'
                        '<button type="submit" aria-label="Verwijder het moment van {{moment}}">Verwijderen</button></form>',
                        id=item.slot.id, csrf=session.csrf, moment=span(item.slot),
                    )
                rows.append(fill(
                    "<tr><td>{{moment}}</td><td>{{kind}}</td><td>{{location}}</td><td>{{booked}}</td><td>{{action}}</td></tr>",
                    moment=span(item.slot), kind=labels["kind"][item.slot.kind], location=item.slot.location_id,
                    booked=booked, action=action,
                ))
            table = fill(
                "<table><caption>Momenten van de komende vier weken</caption><thead><tr>"
                '<th scope="col">Moment</th><th scope="col">Soort</th><th scope="col">Locatie</th>'
                '<th scope="col">Geboekt</th><th scope="col">Actie</th></tr></thead><tbody>{{rows}}</tbody></table>',
                rows=join(rows),
            )
        else:
            table = Html("<p>Er zijn geen momenten in de komende vier weken.</p>")
        datalist = fill('<datalist id="locations">{{options}}</datalist>',
                        options=join(fill('<option value="{{v}}">', v=loc) for loc in locations))
        body = fill(templates["inbox_slots"], table=table, csrf=session.csrf, locations=datalist,
                    default_location=locations[0] if len(locations) == 1 else "")
        notice = notice or NOTICES.get(request.args.get("m", ""), "") or import_notice(request)
        return page("Momenten", body, session, status, notice=notice, error=error)

    def import_notice(request: Request) -> str:
        counts = request.args.get("imported", "")
        parts = counts.split(",")
        if len(parts) != 5 or not all(p.isdigit() for p in parts):
            return ""
        added, updated, removed, unchanged, skipped = parts
        return (f"Agenda geïmporteerd: {added} nieuw, {updated} gewijzigd, {removed} verwijderd, "
                f"{unchanged} ongewijzigd, {skipped} overgeslagen.")

    @app.get("/inbox/slots")
    async def slots(request: Request):
        session = await current_session(request)
        if session is None:
            return to_login()
        return await slots_page(request, session)

    @app.post("/inbox/slots")
    async def add_slot(request: Request):
        session = await current_session(request)
        if session is None:
            return to_login()
        if not csrf_ok(request, session.csrf):
            return forbidden(session)
        form = request.form
        try:
            day = date.fromisoformat(form.get("day", ""))
            start = datetime.combine(day, time.fromisoformat(form.get("start", "")), BRUSSELS)
            end = datetime.combine(day, time.fromisoformat(form.get("end", "")), BRUSSELS)
        except ValueError:
            return await slots_page(request, session, 400, error="Geef een geldige dag, beginuur en einduur.")
        try:
            await asyncio.to_thread(
                referrals.slots.add, session.account.org_id, form.get("location_id", "").strip(),
                form.get("kind", ""), start, end, session.account.actor("user"),
            )
        except SlotInvalid as error:
            return await slots_page(request, session, 400, error=f"Dat moment kan niet: {error}")
        return response.redirect("/inbox/slots?m=slot_added", status=303, headers=PAGE_HEADERS)

    @app.post("/inbox/slots/<slot_id:int>/remove")
    async def remove_slot(request: Request, slot_id: int):
        session = await current_session(request)
        if session is None:
            return to_login()
        if not csrf_ok(request, session.csrf):
            return forbidden(session)
        try:
            await asyncio.to_thread(
                referrals.slots.remove, slot_id, session.account.org_id, session.account.actor("user")
            )
        except SlotNotFound:
            return await slots_page(request, session, 404, error="Dit moment bestaat niet voor uw organisatie.")
        except SlotTaken:
            return await slots_page(request, session, 409,
                                    error="Dit moment is geboekt. Annuleer of weiger eerst de doorverwijzing.")
        return response.redirect("/inbox/slots?m=slot_removed", status=303, headers=PAGE_HEADERS)

    @app.post("/inbox/slots/import")
    async def import_slots(request: Request):
        session = await current_session(request)
        if session is None:
            return to_login()
        if not csrf_ok(request, session.csrf):
            return forbidden(session)
        upload = request.files.get("file") if request.files else None
        if upload is None or not upload.body:
            return await slots_page(request, session, 400, error="Kies een .ics-bestand.")
        if len(upload.body) > MAX_ICS_BYTES:
            return await slots_page(request, session, 413, error="Het bestand is groter dan 1 MB.")
        try:
            text = upload.body.decode("utf-8-sig")
            result = await asyncio.to_thread(
                referrals.slots.import_ics, session.account.org_id, request.form.get("location_id", "").strip(),
                text, request.form.get("kind", "appointment"), session.account.actor("user"),
            )
        except (UnicodeDecodeError, CalendarError, SlotInvalid) as error:
            return await slots_page(request, session, 400, error=f"Dit bestand kan niet geïmporteerd worden: {error}")
        counts = ",".join(str(n) for n in (result.added, result.updated, result.removed, result.unchanged, result.skipped))
        return response.redirect(f"/inbox/slots?imported={counts}", status=303, headers=PAGE_HEADERS)

    # JSON API (contracts §4) ---------------------------------------------------

    async def token_account(request: Request) -> Optional[Account]:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return await asyncio.to_thread(accounts.by_token, token.strip())

    def api_error(code: int, message: str, **extra: Any) -> response.HTTPResponse:
        headers = dict(API_HEADERS)
        if code == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="wegwijs"'
        return response.json({"error": message, **extra}, status=code, headers=headers)

    def unauthorised() -> response.HTTPResponse:
        return api_error(401, "a valid API token is required: Authorization: Bearer <token>")

    @app.get("/api/handovers")
    async def api_list(request: Request):
        account = await token_account(request)
        if account is None:
            return unauthorised()
        status = request.args.get("status")
        if status is not None and status not in STATUSES:
            return api_error(400, f"unknown status {status!r}; known: {', '.join(STATUSES)}")
        records = await asyncio.to_thread(referrals.handovers_for, account.actor("token"), status)
        return response.json([r.as_json() for r in records], headers=API_HEADERS)

    @app.get("/api/handovers/<handover_id:str>")
    async def api_one(request: Request, handover_id: str):
        account = await token_account(request)
        if account is None:
            return unauthorised()
        try:
            record = await asyncio.to_thread(referrals.handover_for, account.actor("token"), handover_id)
        except HandoverNotFound as error:
            return api_error(404, str(error))
        return response.json(record.as_json(), headers=API_HEADERS)

    @app.post("/api/handovers/<handover_id:str>/status")
    async def api_status(request: Request, handover_id: str):
        account = await token_account(request)
        if account is None:
            return unauthorised()
        try:
            body = json.loads(request.body or b"")
        except ValueError:
            body = None
        status = body.get("status") if isinstance(body, Mapping) else None
        if not isinstance(status, str) or status not in STATUSES:
            return api_error(400, f'expected a JSON body {{"status": ...}} with one of: {", ".join(STATUSES)}')
        try:
            record = await asyncio.to_thread(referrals.set_status, account.actor("token"), handover_id, status)
        except HandoverNotFound as error:
            return api_error(404, str(error))
        except IllegalStatusMove as error:
            return api_error(409, str(error), status=error.current, allowed=list(legal_moves(error.current)))
        return response.json(record.as_json(), headers=API_HEADERS)
