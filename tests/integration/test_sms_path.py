"""The whole SMS path through the real webhook, Rasa and action servers, replies
received on the local Twilio stand-in: a Dutch citizen books a referral within
the segment budget (issue 6), then the worker's reminder and "did you get help?"
reach the same phone, and a "no" starts a new help question."""

from __future__ import annotations

import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.followup import timing
from bot.followup.followups import FollowUps
from bot.followup.messages import FollowupTexts
from bot.followup.sending import SmsOut
from bot.followup.tables import followup_job
from bot.municipality import Municipality
from bot.offer import Directory
from bot.referral import FieldCipher
from bot.referral.codes import normalise_reference
from bot.referral.tables import handover_table, slot_table
from bot.settings import PROJECT_ROOT
from bot.sms.gsm import GSM7, segments
from bot.sms.privacy import PhoneVault
from bot.sms.store import SmsStore
from bot.sms.twilio_api import TwilioSender
from bot.storage import make_engine
from wegwijs.bench import endpoints_file
from wegwijs.sms_bench import PATHS, SEGMENT_BUDGET, SmsPhone, keep_free_times_from, play, sms_environment
from wegwijs.supervisor import ServerGroup, free_ports
from wegwijs.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStandIn

pytestmark = [pytest.mark.model, pytest.mark.servers]

PORTS = free_ports()
WEBHOOK = f"http://127.0.0.1:{PORTS.rasa}/webhooks/sms/webhook"
SECRET_KEY = Fernet.generate_key().decode()



@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return tmp_path_factory.mktemp("sms-path") / "wegwijs.db"


@pytest.fixture(scope="module")
def sms_servers(model, twilio, database, tmp_path_factory):
    endpoints = endpoints_file(tmp_path_factory.mktemp("endpoints"), PORTS.actions, database)
    environment = sms_environment(twilio, database, SECRET_KEY)
    keep_free_times_from(environment)  # the first time offered is never too close for a reminder
    with ServerGroup(model, ports=PORTS, env=environment, endpoints=str(endpoints),
                     sink=sys.stderr, only=("rasa", "actions")) as group:
        yield group


@pytest.fixture(scope="module")
def booked(sms_servers, twilio):
    """A Dutch citizen's whole path by SMS: help question, offer, time, contact, consent, reminder."""
    path = next(p for p in PATHS if (p.language, p.name) == ("nl", "booking"))
    phone = SmsPhone(twilio, WEBHOOK)
    return phone, play(path, phone)


def test_a_dutch_citizen_books_a_referral_by_sms_within_the_segment_budget(booked):
    phone, figures = booked
    assert figures.reference is not None
    assert figures.outbound == figures.inbound, "one reply per message"
    assert figures.segments <= SEGMENT_BUDGET, f"{figures.segments} segments"
    assert all(segments(body).encoding == GSM7 for turn in figures.turns for body in turn.replies)
    assert figures.turns[-1].replies == ["Oké, je krijgt de dag ervoor een sms."]


def test_the_worker_reminds_asks_afterwards_and_a_no_starts_again(booked, twilio, database):
    phone, figures = booked
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        starts_at, ends_at = conn.execute(
            select(slot_table.c.starts_at, slot_table.c.ends_at)
            .select_from(handover_table.join(slot_table, slot_table.c.id == handover_table.c.slot_id))
            .where(handover_table.c.reference == normalise_reference(figures.reference))).one()
    moment = {"now": None}
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, from_number=FROM_NUMBER, api_base_url=twilio.url,
                          sleep=lambda _: None)
    vault = PhoneVault(SECRET_KEY)
    worker = FollowUps(engine, FieldCipher(SECRET_KEY), SmsOut(SmsStore(engine), vault, sender),
                       FollowupTexts.load(Municipality.load(PROJECT_ROOT / "config" / "municipality.yml").placeholders),
                       Directory(engine), clock=lambda: moment["now"])
    before = len(twilio.to(phone.number))

    def step_until_sent(start, until, step):
        """Runs the worker at each moment from `start`; the moments at which it sent something."""
        sent_at, moment["now"] = [], start
        while moment["now"] < until:
            if worker.run_once():
                sent_at.append(moment["now"])
            moment["now"] += step
        return sent_at

    (reminded_at,) = step_until_sent(datetime.now(timezone.utc), starts_at, timedelta(minutes=20))
    assert reminded_at < starts_at - timedelta(hours=2) and timing.daytime(reminded_at)
    reminder = twilio.to(phone.number)[before]
    assert reminder.startswith("Herinnering van Wegwijs:") and figures.reference in reminder

    (asked_at,) = step_until_sent(ends_at, ends_at + timedelta(days=3), timedelta(hours=1))
    assert asked_at.date() > ends_at.date()
    assert twilio.to(phone.number)[-1].endswith("Kreeg je de hulp die je nodig had?\n1 Ja\n2 Nee")
    assert len(twilio.to(phone.number)) == before + 2

    (answer,) = phone.send("2")
    assert answer.startswith("Jammer. We zoeken graag opnieuw hulp voor je.")
    with engine.connect() as conn:
        assert conn.execute(select(followup_job.c.answer).where(followup_job.c.kind == "followup")).scalar() == "no"
    (again,) = phone.send("ik heb nog altijd schulden bij de energieleverancier")
    assert "Klopt dat?" in again, "a new help question, summarised as at the start"
    engine.dispose()


def test_a_reply_twilio_refused_is_delivered_by_the_worker_process(sms_servers, twilio, database):
    phone = SmsPhone(twilio, WEBHOOK)
    twilio.fail(phone.number, *[(503, 20503)] * 4)  # every attempt of the channel's sender
    sent = httpx.post(WEBHOOK, data=(form := phone.form("hallo")), headers=phone.headers(form), timeout=30)
    assert sent.status_code == 200
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _failed_replies(database):
        time.sleep(0.5)
    assert _failed_replies(database) == 1 and twilio.to(phone.number) == []
    env = sms_environment(twilio, database, SECRET_KEY)
    with ServerGroup(Path("unused"), ports=PORTS, env=env, sink=sys.stderr, only=("worker",)):
        (reply,) = twilio.wait_for(phone.number, 1, timeout=60, settle=1.0)
    assert "Wegwijs" in reply and _failed_replies(database) == 0, "sent once, its stored body erased"


def _failed_replies(database) -> int:
    """Failed replies still waiting with their body (sms_outbound)."""
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT COUNT(*) FROM sms_outbound WHERE status = 'failed' AND body_encrypted IS NOT NULL").fetchone()[0]
