"""Fixtures shared by unit, integration and browser tests: Wegwijs' own
database on SQLite (a fresh file) and on the local PostgreSQL (a fresh
database); the running servers (one group per test session, shared by
tests/integration and tests/e2e)."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import os

import psycopg2
import pytest
from hypothesis import settings as hypothesis_settings

from bot.storage import create_schema, make_engine
from wegwijs.bench import endpoints_file
from wegwijs.supervisor import ServerGroup, free_ports
from wegwijs.training import NoModelError, current_model

# CI runs the property tests on a fixed set of examples, so a landing never depends on
# a lucky draw; on a developer's machine they keep exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

PG_ADMIN = dict(host="127.0.0.1", port=5432, dbname="postgres", user="postgres", connect_timeout=5)


def _admin_connection():
    try:
        connection = psycopg2.connect(**PG_ADMIN)
    except psycopg2.OperationalError as error:  # fail, never skip: production needs it
        pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is not reachable: {error}")
    connection.autocommit = True
    return connection


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    name = f"wegwijs_test_{uuid.uuid4().hex[:10]}"
    connection = _admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')  # the name is ours, not input
    connection.close()
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    connection = _admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'wegwijs.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.production)])
def database_url(request):
    """Runs a test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(database_url):
    """An engine with the whole Wegwijs schema, on SQLite and on PostgreSQL."""
    engine = make_engine(database_url)
    create_schema(engine)
    yield engine
    engine.dispose()


TEST_PORTS = free_ports()


@pytest.fixture(scope="session")
def model() -> Path:
    try:
        return current_model()
    except NoModelError as error:
        pytest.fail(f"{error} (`make test` trains it before running the tests)")


@pytest.fixture(scope="session")
def tracker_db(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("tracker") / "wegwijs-test.db"


@pytest.fixture(scope="session")
def servers(model, tracker_db, tmp_path_factory):
    """Rasa, actions and web app of the development profile, on test ports."""
    endpoints = endpoints_file(tmp_path_factory.mktemp("endpoints"), TEST_PORTS.actions, tracker_db)
    # One SQLite file for the tracker store and Wegwijs' own tables, as in `make run`.
    # The chat page is told where Rasa listens (not 5005 here).
    env = {
        "WEGWIJS_DATABASE_URL": f"sqlite:///{tracker_db}",
        "WEGWIJS_PUBLIC_URL": f"http://127.0.0.1:{TEST_PORTS.web}",
        "WEGWIJS_SOCKET_URL": f"http://127.0.0.1:{TEST_PORTS.rasa}",
    }
    with ServerGroup(model, ports=TEST_PORTS, endpoints=str(endpoints), env=env, sink=sys.stderr) as group:
        yield group


@pytest.fixture(scope="module")
def twilio():
    """A local stand-in of Twilio's Messages API that records what Wegwijs sends."""
    from wegwijs.twilio_standin import TwilioStandIn

    stand_in = TwilioStandIn().start()
    yield stand_in
    stand_in.stop()
