"""The production profile for real: tracker store on PostgreSQL, lock store on
Redis (both on 127.0.0.1, as on the CI machine). Never skipped: without the
services this fails, because production would too."""

import asyncio
import json
import sys
import threading
import uuid

import psycopg2
import pytest
import redis

from tests.integration.helpers import socket_conversation
from wegwijs.supervisor import Ports, ServerGroup

pytestmark = [pytest.mark.model, pytest.mark.servers, pytest.mark.production]
PORTS = Ports(rasa=16005, actions=16055, web=16080)


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
def production(model, database):
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
    session, replies = asyncio.run(socket_conversation(PORTS.rasa, ["hallo", "ik kan mijn huur niet betalen", "ja"]))
    stop.set()
    redis.Redis(host="127.0.0.1", port=6379, db=3).ping()  # wakes the monitor up
    thread.join(5)

    assert "/privacy" in replies[0][0]["text"]
    assert "wonen" in replies[1][-1]["text"]
    assert "015 00 00 00" in "\n".join(r["text"] for r in replies[2])
    with psycopg2.connect(host="127.0.0.1", dbname=database, user="postgres") as connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id", (session,))
            texts = [json.loads(row[0])["text"] for row in cursor.fetchall()]
    assert texts == ["hallo", "ik kan mijn huur niet betalen", "ja"]
    assert any("wegwijs" in c and "lock" in c for c in commands), "Rasa's lock store is Redis"
