"""The production profile for real: tracker store on PostgreSQL, lock store on
Redis (both on 127.0.0.1, as on the CI machine). Never skipped: without the
services this fails, because production would too."""

import asyncio
import json
import sys
import threading
import uuid

import psycopg2
from cryptography.fernet import Fernet
import pytest
import redis

from bot.inbound import inbound_text
from tests.integration.helpers import socket_conversation
from wegwijs.supervisor import ServerGroup, free_ports

pytestmark = [pytest.mark.model, pytest.mark.servers, pytest.mark.production]
PORTS = free_ports()


def admin_connection():
    connection = psycopg2.connect(host="127.0.0.1", port=5432, dbname="postgres", user="postgres", connect_timeout=5)
    connection.autocommit = True
    return connection


@pytest.fixture(scope="module")
def database():
    name = f"wegwijs_test_{uuid.uuid4().hex[:8]}"
    connection = admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')  # name is ours, not input
    connection.close()
    yield name
    connection = admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


@pytest.fixture(scope="module")
def directory_and_slots(database):
    """What a municipality's operator loads: its offer directory and its partners' slots."""
    from datetime import datetime, timedelta, timezone

    from bot.offer import DEMO_FILE, Directory
    from bot.referral import Slots
    from bot.storage import create_schema, make_engine

    engine = make_engine(f"postgresql://postgres@127.0.0.1:5432/{database}")
    create_schema(engine)
    directory = Directory(engine)
    directory.import_hsds(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    start = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    for actor in directory.core_actors("2800", []):
        for hour in range(3):
            Slots(engine).add(actor.organization_id, actor.location_id, "appointment",
                              start + timedelta(hours=hour), start + timedelta(hours=hour, minutes=45))
    engine.dispose()


@pytest.fixture(scope="module")
def production(model, database, directory_and_slots):
    env = {
        "WEGWIJS_ACTION_URL": f"http://127.0.0.1:{PORTS.actions}/webhook",
        "WEGWIJS_PG_HOST": "127.0.0.1",
        "WEGWIJS_PG_PORT": "5432",
        "WEGWIJS_PG_DATABASE": database,
        "WEGWIJS_PG_USER": "postgres",
        "WEGWIJS_PG_PASSWORD": "",
        "WEGWIJS_REDIS_HOST": "127.0.0.1",
        "WEGWIJS_REDIS_PORT": "6379",
        "WEGWIJS_REDIS_DB": "3",
        "WEGWIJS_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{database}",
        "WEGWIJS_CHAT_ORIGINS": "https://www.demostad.be",
        "WEGWIJS_RASA_HOST": "127.0.0.1",
        "WEGWIJS_SECRET_KEY": Fernet.generate_key().decode(),
        "WEGWIJS_PUBLIC_URL": "https://chat.demostad.be",
        # The SMS channel is on in production: it refuses to start without its settings.
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": uuid.uuid4().hex,
        "TWILIO_FROM_NUMBER": "+3215000000", "SMS_PUBLIC_URL": "https://chat.demostad.be/webhooks/sms/webhook",
        "TWILIO_API_BASE_URL": "http://127.0.0.1:9",  # never Twilio itself from a test
    }
    with ServerGroup(model, profile="production", ports=PORTS, env=env, sink=sys.stderr, only=("rasa", "actions")) as group:
        yield group


def test_a_conversation_is_stored_in_postgresql_and_locked_in_redis(production, database):
    commands: list[str] = []
    watcher = redis.Redis(host="127.0.0.1", port=6379, db=3)
    stop = threading.Event()

    def monitor() -> None:
        with watcher.monitor() as m:
            for command in m.listen():
                commands.append(command["command"])
                if stop.is_set():
                    return

    thread = threading.Thread(target=monitor, daemon=True)
    thread.start()
    messages = ["hallo", "ik kan mijn huur niet betalen", "ja", "nee", "2800", "1", "1", "Sam 0470123456",
                "Ja, stuur dit"]
    session, replies = asyncio.run(socket_conversation(PORTS.rasa, messages))
    stop.set()
    redis.Redis(host="127.0.0.1", port=6379, db=3).ping()  # wakes the monitor up
    thread.join(5)

    said = ["\n".join(r["text"] for r in turn) for turn in replies]
    assert "/privacy" in said[0]
    assert "wonen" in said[1]
    assert "rechten" in said[2] and "postcode" in said[3] and "Jij kiest" in said[4]
    assert "Je code is" in said[-1], said[-1]
    with psycopg2.connect(host="127.0.0.1", dbname=database, user="postgres") as connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id", (session,))
            texts = [json.loads(row[0])["text"] for row in cursor.fetchall()]
            cursor.execute("SELECT count(*) FROM referral_handover")
            handovers = cursor.fetchone()[0]
    assert texts == [inbound_text(m).text for m in messages], "stored as typed, personal data masked"
    assert "0470123456" not in json.dumps(texts)
    assert handovers == 1, "the handover is stored in PostgreSQL, beside the tracker store"
    assert any("wegwijs" in c and "lock" in c for c in commands), "Rasa's lock store is Redis"
