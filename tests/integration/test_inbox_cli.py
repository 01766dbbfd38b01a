"""`wegwijs users add`, `wegwijs slots import-ics` and `wegwijs referral status`
(contracts §4) as a shell user runs them."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.referral import Accounts, ConsentGiven, FieldCipher, Referrals, Slots, consent_text
from bot.settings import PROJECT_ROOT
from bot.storage import make_engine

WEGWIJS = str(Path(sys.executable).with_name("wegwijs"))


@pytest.fixture
def env(tmp_path):
    return {
        "WEGWIJS_ENV": "development",
        "WEGWIJS_DATABASE_URL": f"sqlite:///{tmp_path / 'wegwijs.db'}",
        "WEGWIJS_SECRET_KEY": Fernet.generate_key().decode(),
    }


def wegwijs(env: dict, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([WEGWIJS, *args], input=stdin, capture_output=True, text=True, cwd=PROJECT_ROOT,
                          env={**os.environ, **env}, timeout=120)


def test_users_add_prints_a_working_api_token_on_the_last_line(env):
    done = wegwijs(env, "users", "add", "--org", "org-a", "--name", "An Peeters", "--role", "coordinator")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    token = lines[-1]
    engine = make_engine(env["WEGWIJS_DATABASE_URL"])
    account = Accounts(engine).by_token(token)
    assert account.org_id == "org-a" and account.name == "An Peeters" and account.role == "coordinator"
    password = next(line.split(": ", 1)[1] for line in lines if line.startswith("Password"))
    assert Accounts(engine).login("An Peeters", password) == account
    again = wegwijs(env, "users", "add", "--org", "org-b", "--name", "An Peeters")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_users_add_takes_the_password_from_stdin_when_asked(env):
    done = wegwijs(env, "users", "add", "--org", "org-a", "--name", "Bram", "--password-stdin",
                   stdin="a password from a manager\n")
    assert done.returncode == 0 and "Password" not in done.stdout
    engine = make_engine(env["WEGWIJS_DATABASE_URL"])
    assert Accounts(engine).login("Bram", "a password from a manager").name == "Bram"
    short = wegwijs(env, "users", "add", "--org", "org-a", "--name", "Cas", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "12 characters" in short.stderr


def test_slots_import_ics_and_referral_status(env, tmp_path):
    start = datetime.now(timezone.utc) + timedelta(days=3)
    ics = tmp_path / "agenda.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Demo//NL\nBEGIN:VEVENT\nUID:cli-1\nDTSTAMP:20300101T000000Z\n"
        f"DTSTART:{start:%Y%m%dT090000Z}\nDTEND:{start:%Y%m%dT120000Z}\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    args = ("slots", "import-ics", "--org", "org-a", "--location", "loc-1", "--kind", "callback", str(ics))
    first, second = wegwijs(env, *args), wegwijs(env, *args)
    assert first.returncode == 0 and first.stdout.startswith("1 added"), first.stderr
    assert second.stdout.startswith("0 added, 0 updated, 0 removed, 1 unchanged")
    engine = make_engine(env["WEGWIJS_DATABASE_URL"])
    (slot,) = Slots(engine).open_slots("org-a", "callback")
    shown = consent_text("CAW", ["name", "phone", "language", "summary", "slot"], "callback", "en")
    booking = Referrals(engine, FieldCipher(env["WEGWIJS_SECRET_KEY"])).book(
        slot.id, "org-a", {"name": "Jo", "phone": "0470123456", "language": "en", "summary": "Help with rent."},
        ConsentGiven(shown), "conv", "en", False,
    )
    status = wegwijs(env, "referral", "status", booking.reference.lower())
    assert status.returncode == 0, status.stderr
    printed = json.loads(status.stdout)
    assert printed["status"] == "sent" and printed["reference"] == booking.reference
    assert printed["slot"]["kind"] == "callback" and "Jo" not in status.stdout
    unknown = wegwijs(env, "referral", "status", "XXXX-XXXX")
    assert unknown.returncode == 1 and "no booking" in unknown.stderr
    broken = tmp_path / "broken.ics"
    broken.write_text("not a calendar")
    assert wegwijs(env, "slots", "import-ics", "--org", "o", "--location", "l", str(broken)).returncode == 2


def test_referral_webhook_prints_the_secret_last_and_deliver_once_runs(env):
    done = wegwijs(env, "referral", "webhook", "--org", "org-a", "--url", "https://cases.example/hook")
    assert done.returncode == 0, done.stderr
    secret = done.stdout.strip().splitlines()[-1]
    assert len(secret) >= 40 and " " not in secret
    refused = wegwijs(env, "referral", "webhook", "--org", "org-a", "--url", "http://cases.example/hook")
    assert refused.returncode == 2 and "https" in refused.stderr
    once = wegwijs(env, "referral", "deliver", "--once")
    assert once.returncode == 0 and once.stdout.strip() == "0 delivered"
