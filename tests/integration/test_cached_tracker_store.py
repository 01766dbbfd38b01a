"""The tracker store that keeps the last saved tracker in memory (connectors/tracker_store.py)
must always give what Rasa's own SQL store would read from the database: after another
Rasa instance wrote, after an erasure or purge deleted, after a turn that failed. On SQLite
and on PostgreSQL, driven as the Rasa server drives it (retrieve, update, save)."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import class_from_module_path
from sqlalchemy import delete

from bot.privacy.tracker_store import events_table
from bot.settings import PROJECT_ROOT
from bot.storage import make_engine
from connectors.tracker_store import CachedSQLTrackerStore

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain"))


def store_kwargs(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return dict(dialect="sqlite", db=url.split("///", 1)[1])
    return dict(dialect="postgresql", host=parts.hostname, port=parts.port, db=parts.path.lstrip("/"),
                username=parts.username, password=parts.password or "")


@pytest.fixture
def stores(database_url):
    """The cached store, and Rasa's own store on the same database (the truth, or another instance)."""
    cached = CachedSQLTrackerStore(DOMAIN, **store_kwargs(database_url))
    plain = SQLTrackerStore(DOMAIN, **store_kwargs(database_url))
    yield cached, plain
    cached.engine.dispose()
    plain.engine.dispose()


def run(coroutine):
    return asyncio.run(coroutine)


def user_turn(tracker: DialogueStateTracker, text: str) -> None:
    """What a turn adds: the user's message, a slot, the bot's answer, listening again."""
    now = time.time()
    tracker.update(UserUttered(text, {"name": "describe_problem", "confidence": 1.0}, timestamp=now))
    tracker.update(SlotSet("language", "nl", timestamp=now))
    tracker.update(BotUttered(f"antwoord op {text}", timestamp=now))
    tracker.update(ActionExecuted("action_listen", timestamp=now))


def texts(tracker) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def start(store, sender: str) -> DialogueStateTracker:
    tracker = run(store.get_or_create_tracker(sender))
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    user_turn(tracker, "hallo")
    run(store.save(tracker))
    return tracker


def test_the_endpoints_files_name_a_store_rasa_can_load():
    # Rasa falls back to an in-memory store, silently, when the class cannot be imported.
    for endpoints in ("endpoints.yml", "config/production/endpoints.yml"):
        text = (PROJECT_ROOT / endpoints).read_text(encoding="utf-8")
        assert "type: connectors.tracker_store.CachedSQLTrackerStore" in text, endpoints
    assert class_from_module_path("connectors.tracker_store.CachedSQLTrackerStore") is CachedSQLTrackerStore


def test_a_conversation_reads_back_exactly_what_rasas_own_store_reads(stores):
    cached, plain = stores
    start(cached, "sam")
    for text in ("ik heb schulden", "ja", "2800"):
        tracker = run(cached.retrieve("sam"))
        user_turn(tracker, text)
        run(cached.save(tracker))
    truth = run(plain.retrieve("sam"))
    again = run(cached.retrieve("sam"))
    assert texts(truth) == ["hallo", "ik heb schulden", "ja", "2800"]
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in truth.events]
    assert again.get_slot("language") == "nl"


def test_a_turn_answered_by_another_instance_is_seen(stores):
    cached, other_instance = stores
    start(cached, "sam")
    tracker = run(other_instance.retrieve("sam"))
    user_turn(tracker, "geschreven door een andere Rasa")
    run(other_instance.save(tracker))
    assert texts(run(cached.retrieve("sam"))) == ["hallo", "geschreven door een andere Rasa"]


def test_an_erased_conversation_is_not_brought_back_from_memory(stores, database_url):
    cached, plain = stores
    start(cached, "sam")
    engine = make_engine(database_url)
    with engine.begin() as conn:  # what the erasure and the retention purge do
        conn.execute(delete(events_table).where(events_table.c.sender_id == "sam"))
    engine.dispose()
    assert run(cached.retrieve("sam")) is None
    tracker = run(cached.get_or_create_tracker("sam"))
    user_turn(tracker, "opnieuw")
    run(cached.save(tracker))
    assert texts(run(plain.retrieve("sam"))) == ["opnieuw"]


def test_a_turn_that_fails_before_saving_leaves_nothing_behind(stores):
    cached, plain = stores
    start(cached, "sam")
    failed = run(cached.retrieve("sam"))
    user_turn(failed, "deze beurt crashte")  # and is never saved
    tracker = run(cached.retrieve("sam"))
    assert texts(tracker) == ["hallo"]
    user_turn(tracker, "volgende beurt")
    run(cached.save(tracker))
    assert texts(run(plain.retrieve("sam"))) == ["hallo", "volgende beurt"]


def test_a_tracker_changed_after_its_save_is_read_again(stores):
    cached, _ = stores
    tracker = start(cached, "sam")
    user_turn(tracker, "niet opgeslagen")
    assert texts(run(cached.retrieve("sam"))) == ["hallo"]


def test_a_new_session_reads_only_the_latest_session_like_rasa(stores):
    cached, plain = stores
    start(cached, "sam")
    tracker = run(cached.retrieve("sam"))
    tracker.update(ActionExecuted("action_session_start", timestamp=time.time()))
    tracker.update(SessionStarted(timestamp=time.time()))
    tracker.update(ActionExecuted("action_listen", timestamp=time.time()))
    run(cached.save(tracker))
    tracker = run(cached.retrieve("sam"))
    user_turn(tracker, "nieuwe sessie")
    run(cached.save(tracker))
    assert texts(run(cached.retrieve("sam"))) == texts(run(plain.retrieve("sam"))) == ["nieuwe sessie"]


def test_memory_holds_at_most_the_configured_number_of_conversations(database_url):
    cached = CachedSQLTrackerStore(DOMAIN, cached_conversations=2, **store_kwargs(database_url))
    try:
        for sender in ("a", "b", "c"):
            start(cached, sender)
            tracker = run(cached.retrieve(sender))
            user_turn(tracker, "ja")
            run(cached.save(tracker))
        assert list(cached._idle) == ["b", "c"]
        assert texts(run(cached.retrieve("a"))) == ["hallo", "ja"]  # read from the database again
    finally:
        cached.engine.dispose()
