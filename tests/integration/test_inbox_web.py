"""The caseworker inbox and the handover API for real: `wegwijs web` on a free
port with its own SQLite database, talked to over HTTP with httpx."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.referral import Accounts, ConsentGiven, FieldCipher, Referrals, consent_text
from bot.referral.tables import audit_table
from bot.settings import PROJECT_ROOT
from bot.storage import create_schema, make_engine

pytestmark = pytest.mark.servers
WEGWIJS = str(Path(sys.executable).with_name("wegwijs"))
ORG_A, ORG_B = "0a0a0a0a-0000-4000-8000-00000000000a", "0b0b0b0b-0000-4000-8000-00000000000b"
CONTRACT_KEYS = {"id", "reference", "org_id", "created_at", "slot", "status", "fields", "consent"}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_web(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [WEGWIJS, "web"], cwd=PROJECT_ROOT, env={**os.environ, **env, "WEGWIJS_WEB_PORT": str(port)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"wegwijs web exited: {process.stdout.read().decode()[-2000:]}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.3)
    stop(process)
    raise TimeoutError("wegwijs web did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Site:
    url: str
    engine: object
    referrals: Referrals
    env: dict
    token_a: str
    token_b: str
    passwords: dict
    bookings: dict


def book(referrals: Referrals, org: str, hours: int, values: dict, fields: list, conversation: str):
    start = datetime.now(timezone.utc) + timedelta(days=2, hours=hours)
    slot = referrals.slots.add(org, "loc-1", "appointment", start, start + timedelta(minutes=45))
    shown = consent_text("Demo", fields, "appointment", "nl")
    return referrals.book(slot.id, org, values, ConsentGiven(shown), conversation, "nl", True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inbox")
    env = {
        "WEGWIJS_ENV": "development",
        "WEGWIJS_DATABASE_URL": f"sqlite:///{folder / 'wegwijs.db'}",
        "WEGWIJS_SECRET_KEY": Fernet.generate_key().decode(),
    }
    engine = make_engine(env["WEGWIJS_DATABASE_URL"])
    create_schema(engine)
    referrals = Referrals(engine, FieldCipher(env["WEGWIJS_SECRET_KEY"]))
    accounts = Accounts(engine)
    a = accounts.add(ORG_A, "An Peeters", password="an's own long password")
    coordinator = accounts.add(ORG_A, "Coördinator", "coordinator", password="coordinators password")
    b = accounts.add(ORG_B, "Bram Bakker", password="bram's own long password")
    bookings = {
        "minimal": book(referrals, ORG_A, 1, {"name": "Mo", "email": "mo@example.be", "language": "nl",
                                              "summary": "Hulp bij papieren."},
                        ["name", "email", "language", "summary", "slot"], "c-1"),
        "full": book(referrals, ORG_A, 2, {"name": "<b>Samira</b>", "phone": "0470 12 34 56", "language": "fr",
                                           "postcode": "9000", "domains": ["debt"], "summary": "Huur & schulden {{moves}}.",
                                           "rights": ["Verhoogde tegemoetkoming"]},
                     ["name", "phone", "language", "postcode", "domains", "summary", "rights", "slot"], "c-2"),
        "other": book(referrals, ORG_B, 3, {"name": "Els", "phone": "0470999888", "language": "nl",
                                            "summary": "Andere organisatie."},
                      ["name", "phone", "language", "summary", "slot"], "c-3"),
    }
    process, url = start_web(env)
    yield Site(url, engine, referrals, env, a.token, b.token,
               {"a": ("An Peeters", "an's own long password"), "coordinator": ("Coördinator", "coordinators password"),
                "b": ("Bram Bakker", "bram's own long password")}, bookings)
    stop(process)
    engine.dispose()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def logged_in(site: Site, who: str = "a") -> httpx.Client:
    client = httpx.Client(base_url=site.url, follow_redirects=False, timeout=30)
    form = client.get("/inbox/login")
    name, password = site.passwords[who]
    reply = client.post("/inbox/login", data={"csrf": CSRF.search(form.text).group(1), "name": name,
                                              "password": password})
    assert reply.status_code == 303 and reply.headers["location"] == "/inbox", reply.text
    return client


def csrf_of(client: httpx.Client, path: str) -> str:
    return CSRF.search(client.get(path).text).group(1)


# JSON API (contracts §4) -----------------------------------------------------------


def test_the_api_needs_a_valid_token(site):
    for headers in ({}, bearer("wgw_not-a-token"), {"Authorization": "Basic abc"}):
        reply = httpx.get(site.url + "/api/handovers", headers=headers)
        assert reply.status_code == 401 and "token" in reply.json()["error"]
        assert reply.headers["www-authenticate"].startswith("Bearer")
    assert httpx.post(site.url + f"/api/handovers/{site.bookings['minimal'].id}/status",
                      json={"status": "received"}).status_code == 401


def test_the_api_lists_only_the_tokens_organisation_newest_first_with_exactly_the_consented_fields(site):
    listed = httpx.get(site.url + "/api/handovers", headers=bearer(site.token_a)).json()
    ids = [h["id"] for h in listed]
    assert ids == [site.bookings["full"].id, site.bookings["minimal"].id]
    assert all(set(h) == CONTRACT_KEYS and h["org_id"] == ORG_A for h in listed)
    minimal = listed[1]
    assert set(minimal["fields"]) == set(minimal["consent"]["fields"]) == {"name", "email", "language", "summary", "slot"}
    assert minimal["fields"]["email"] == "mo@example.be" and minimal["reference"] == site.bookings["minimal"].reference
    assert minimal["slot"]["kind"] == "appointment" and minimal["status"] in ("sent", "received")
    full = listed[0]["fields"]
    assert full["phone"] == "0470123456" and full["rights"] == ["Verhoogde tegemoetkoming"] and "email" not in full
    other = httpx.get(site.url + "/api/handovers", headers=bearer(site.token_b)).json()
    assert [h["id"] for h in other] == [site.bookings["other"].id]


def test_the_api_moves_the_status_and_refuses_illegal_moves_and_other_organisations(site):
    url = site.url + f"/api/handovers/{site.bookings['full'].id}/status"
    moved = httpx.post(url, json={"status": "received"}, headers=bearer(site.token_a))
    assert moved.status_code == 200 and moved.json()["status"] == "received"
    assert set(moved.json()) == CONTRACT_KEYS
    illegal = httpx.post(url, json={"status": "completed"}, headers=bearer(site.token_a))
    assert illegal.status_code == 409
    assert illegal.json()["error"] == "a handover that is received cannot become completed; it can become: accepted, rejected, cancelled"
    assert illegal.json()["allowed"] == ["accepted", "rejected", "cancelled"]
    foreign = httpx.post(url, json={"status": "accepted"}, headers=bearer(site.token_b))
    assert foreign.status_code == 404
    assert httpx.get(site.url + f"/api/handovers/{site.bookings['full'].id}", headers=bearer(site.token_b)).status_code == 404
    for body in ({"status": "archived"}, {"state": "received"}, ["received"]):
        assert httpx.post(url, json=body, headers=bearer(site.token_a)).status_code == 400
    assert httpx.post(url, content=b"not json", headers=bearer(site.token_a)).status_code == 400
    assert site.referrals.by_reference(site.bookings["full"].reference).status == "received"


# The inbox ---------------------------------------------------------------------------


def test_login_sets_a_strict_http_only_session_cookie_and_wrong_passwords_are_refused(site):
    client = httpx.Client(base_url=site.url, follow_redirects=False, timeout=30)
    assert client.get("/inbox").headers["location"] == "/inbox/login"
    token = csrf_of(client, "/inbox/login")
    wrong = client.post("/inbox/login", data={"csrf": token, "name": "An Peeters", "password": "nope nope nope"})
    assert wrong.status_code == 401 and "klopt niet" in wrong.text
    token = CSRF.search(wrong.text).group(1)
    ok = client.post("/inbox/login", data={"csrf": token, "name": "An Peeters", "password": site.passwords["a"][1]})
    cookie = next(c for c in ok.headers.get_list("set-cookie") if c.startswith("wegwijs_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # development runs on plain http://localhost


def test_a_login_post_without_the_form_token_is_refused(site):
    client = httpx.Client(base_url=site.url, follow_redirects=False, timeout=30)
    client.get("/inbox/login")
    name, password = site.passwords["a"]
    reply = client.post("/inbox/login", data={"name": name, "password": password})
    assert reply.status_code == 403 and "wegwijs_session" not in reply.headers.get("set-cookie", "")


def test_the_inbox_lists_and_shows_only_the_own_organisation(site):
    client = logged_in(site)
    page = client.get("/inbox")
    assert page.status_code == 200
    assert site.bookings["minimal"].reference in page.text and site.bookings["full"].reference in page.text
    assert site.bookings["other"].reference not in page.text and "Els" not in page.text
    detail = client.get(f"/inbox/handovers/{site.bookings['full'].id}")
    assert detail.status_code == 200
    assert "&lt;b&gt;Samira&lt;/b&gt;" in detail.text and "<b>Samira</b>" not in detail.text
    assert "Huur &amp; schulden {{moves}}." in detail.text, "citizen text is shown as text, never as a placeholder"
    assert "0470123456" in detail.text and "Verhoogde tegemoetkoming" in detail.text
    assert "E-mail" not in detail.text, "a field that was not consented is not even labelled"
    assert client.get(f"/inbox/handovers/{site.bookings['other'].id}").status_code == 404
    assert client.get("/inbox/handovers/does-not-exist").status_code == 404
    stranger = logged_in(site, "b")
    assert stranger.get(f"/inbox/handovers/{site.bookings['full'].id}").status_code == 404
    token = csrf_of(stranger, "/inbox")
    refused = stranger.post(f"/inbox/handovers/{site.bookings['minimal'].id}/status",
                            data={"csrf": token, "status": "received"})
    assert refused.status_code == 404


def test_inbox_pages_are_plain_html_with_a_strict_policy(site):
    client = logged_in(site)
    anonymous = httpx.Client(base_url=site.url, timeout=30)
    for reply in [client.get(path) for path in ("/inbox", f"/inbox/handovers/{site.bookings['minimal'].id}",
                                                 "/inbox/slots")] + [anonymous.get("/inbox/login")]:
        assert reply.status_code == 200
        policy = reply.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script" not in policy
        assert reply.headers["cache-control"] == "no-store"
        assert "<script" not in reply.text and "http://" not in reply.text and "https://" not in reply.text
        assert '<html lang="nl">' in reply.text and "<h1>" in reply.text
    slots = client.get("/inbox/slots").text
    for field_id in ("location_id", "kind", "day", "start", "end", "file"):
        assert f'<label for="{field_id}">' in slots and f'id="{field_id}"' in slots


def test_status_buttons_need_the_csrf_token_and_follow_the_status_machine(site):
    client = logged_in(site)
    handover = site.bookings["minimal"]
    path = f"/inbox/handovers/{handover.id}"
    page = client.get(path).text
    assert 'value="received"' in page and 'value="completed"' not in page  # legal moves only
    assert client.post(path + "/status", data={"status": "received"}).status_code == 403
    assert client.post(path + "/status", data={"status": "received", "csrf": "forged"}).status_code == 403
    assert site.referrals.by_reference(handover.reference).status == "sent"
    token = CSRF.search(page).group(1)
    moved = client.post(path + "/status", data={"status": "received", "csrf": token})
    assert moved.status_code == 303 and site.referrals.by_reference(handover.reference).status == "received"
    illegal = client.post(path + "/status", data={"status": "completed", "csrf": token})
    assert illegal.status_code == 409 and "cannot become completed" in illegal.text


def test_views_and_changes_in_the_inbox_are_audited_and_coordinators_see_the_trail(site):
    client = logged_in(site)
    client.get(f"/inbox/handovers/{site.bookings['minimal'].id}")
    with site.engine.connect() as conn:
        entries = conn.execute(select(audit_table.c.actor, audit_table.c.action).where(
            audit_table.c.handover_id == site.bookings["minimal"].id)).all()
    actions = {action for actor, action in entries if actor.startswith("user:")}
    assert {"list", "view"} <= actions
    assert "Logboek" not in client.get(f"/inbox/handovers/{site.bookings['minimal'].id}").text
    coordinator = logged_in(site, "coordinator")
    trail = coordinator.get(f"/inbox/handovers/{site.bookings['minimal'].id}").text
    assert "Logboek" in trail and "book" in trail and "view" in trail


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Demo//NL
BEGIN:VEVENT
UID:web-import-1
DTSTAMP:20300101T000000Z
DTSTART:{start}
DTEND:{end}
END:VEVENT
END:VCALENDAR
"""


def test_slots_are_added_removed_and_imported_in_the_inbox(site):
    client = logged_in(site)
    token = csrf_of(client, "/inbox/slots")
    day = (datetime.now(timezone.utc) + timedelta(days=7)).date().isoformat()
    form = {"csrf": token, "location_id": "loc-web", "kind": "callback", "day": day, "start": "09:00", "end": "12:00"}
    assert client.post("/inbox/slots", data={**form, "csrf": "forged"}).status_code == 403
    added = client.post("/inbox/slots", data=form)
    assert added.status_code == 303
    (slot,) = site.referrals.slots.open_slots(ORG_A, "callback")
    assert slot.location_id == "loc-web" and slot.local_start.hour == 9 and slot.local_end.hour == 12
    assert client.post("/inbox/slots", data={**form, "end": "08:00"}).status_code == 400
    assert client.post(f"/inbox/slots/{slot.id}/remove", data={}).status_code == 403
    assert client.post(f"/inbox/slots/{slot.id}/remove", data={"csrf": token}).status_code == 303
    assert site.referrals.slots.open_slots(ORG_A, "callback") == []
    booked = site.bookings["minimal"].slot.id
    assert client.post(f"/inbox/slots/{booked}/remove", data={"csrf": token}).status_code == 409
    foreign = site.bookings["other"].slot.id
    assert client.post(f"/inbox/slots/{foreign}/remove", data={"csrf": token}).status_code == 404

    start = datetime.now(timezone.utc) + timedelta(days=9)
    ics = ICS.format(start=f"{start:%Y%m%dT100000Z}", end=f"{start:%Y%m%dT104500Z}")
    files = {"file": ("agenda.ics", ics.encode(), "text/calendar")}
    data = {"csrf": token, "location_id": "loc-web", "kind": "appointment"}
    assert client.post("/inbox/slots/import", data={**data, "csrf": "x"}, files=files).status_code == 403
    imported = client.post("/inbox/slots/import", data=data, files=files)
    assert imported.status_code == 303
    assert "1 nieuw" in client.get(imported.headers["location"]).text
    again = client.post("/inbox/slots/import", data=data, files=files)
    assert "0 nieuw" in client.get(again.headers["location"]).text
    bad = client.post("/inbox/slots/import", data=data, files={"file": ("x.ics", b"hello", "text/calendar")})
    assert bad.status_code == 400


def test_logout_ends_the_session(site):
    client = logged_in(site)
    token = csrf_of(client, "/inbox")
    assert client.post("/inbox/logout", data={}).status_code == 403
    assert client.post("/inbox/logout", data={"csrf": token}).status_code == 303
    assert client.get("/inbox").headers["location"] == "/inbox/login"


# Production ----------------------------------------------------------------------------


def test_production_refuses_to_start_without_a_secret_key_and_otherwise_sets_secure_cookies(site, tmp_path):
    production = {
        **site.env, "WEGWIJS_ENV": "production", "WEGWIJS_CHAT_ORIGINS": "https://www.demostad.be",
        "WEGWIJS_PUBLIC_URL": "https://chat.demostad.be",
        "WEGWIJS_SECRET_KEY": "",
    }
    refused = subprocess.run([WEGWIJS, "web"], cwd=PROJECT_ROOT, env={**os.environ, **production},
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "WEGWIJS_SECRET_KEY is required" in refused.stderr + refused.stdout
    process, url = start_web({**production, "WEGWIJS_SECRET_KEY": site.env["WEGWIJS_SECRET_KEY"]})
    try:
        form = httpx.get(url + "/inbox/login")
        login_cookie = form.headers["set-cookie"]
        assert "Secure" in login_cookie
        value = login_cookie.split(";")[0].split("=", 1)[1]
        name, password = site.passwords["a"]
        reply = httpx.post(url + "/inbox/login", headers={"Cookie": f"wegwijs_login={value}"},
                           data={"csrf": CSRF.search(form.text).group(1), "name": name, "password": password})
        assert reply.status_code == 303
        session = next(c for c in reply.headers.get_list("set-cookie") if c.startswith("__Host-wegwijs_session="))
        assert all(flag in session for flag in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"))
    finally:
        stop(process)
