"""Erasure and retention against Rasa's own SQLTrackerStore, on SQLite and on PostgreSQL
(no servers: the store is driven directly, as the Rasa server drives it)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.erasure import erase_conversation, finish_tracker_erasure
from bot.privacy.retention import RetentionPolicy, purge_expired
from bot.referral import FieldCipher
from bot.settings import PROJECT_ROOT
from bot.storage import create_schema, make_engine

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain"))
CIPHER = FieldCipher(Fernet.generate_key().decode())


def rasa_store(url: str) -> SQLTrackerStore:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return SQLTrackerStore(DOMAIN, dialect="sqlite", db=url.split("///", 1)[1])
    return SQLTrackerStore(DOMAIN, dialect="postgresql", host=parts.hostname, port=parts.port,
                           db=parts.path.lstrip("/"), username=parts.username, password=parts.password or "")


def conversation(sender: str, at: float) -> DialogueStateTracker:
    events = [
        SessionStarted(timestamp=at), ActionExecuted("action_listen", timestamp=at),
        UserUttered("Sam, [☎]", {"name": "affirm", "confidence": 1.0}, timestamp=at + 1, message_id="SM1" + sender),
        SlotSet("flow", {"name": "Sam", "contact": {"phone": "[☎:gAAAA]"}}, timestamp=at + 2),
        BotUttered("Dank je.", timestamp=at + 3), ActionExecuted("action_listen", timestamp=at + 4),
    ]
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


@pytest.fixture
def stores(database_url):
    store = rasa_store(database_url)
    engine = make_engine(database_url)
    create_schema(engine)
    yield store, engine
    engine.dispose()
    store.engine.dispose()


def test_an_erased_conversation_is_gone_from_rasas_store_and_the_others_stay(stores):
    store, engine = stores
    now = time.time()
    asyncio.run(store.save(conversation("erased-one", now)))
    asyncio.run(store.save(conversation("other-one", now)))
    erase_conversation(engine, CIPHER, "erased-one")
    assert finish_tracker_erasure(engine, "erased-one") == 6
    assert asyncio.run(store.retrieve("erased-one")) is None
    assert asyncio.run(store.retrieve_full_tracker("erased-one")) is None
    assert len(asyncio.run(store.retrieve("other-one")).events) == 6


def test_why_the_tracker_is_deleted_after_the_turn_and_not_during_it(stores):
    """Rasa saves a turn by appending the events beyond those it counts in the store:
    with the rows deleted mid-turn it writes the whole conversation back."""
    store, engine = stores
    asyncio.run(store.save(conversation("mid-turn", time.time())))
    in_memory = asyncio.run(store.retrieve("mid-turn"))  # the turn has read the conversation
    erase_conversation(engine, CIPHER, "mid-turn")
    finish_tracker_erasure(engine, "mid-turn")  # too early: during the turn
    in_memory.update(BotUttered("Klaar."))
    asyncio.run(store.save(in_memory))  # Rasa saves the turn
    back = asyncio.run(store.retrieve("mid-turn"))
    assert back is not None and any(getattr(e, "text", None) == "Sam, [☎]" for e in back.events), "all back"
    # Done after the save (what the inbound gate does), nothing comes back.
    erase_conversation(engine, CIPHER, "mid-turn")
    finish_tracker_erasure(engine, "mid-turn")
    assert asyncio.run(store.retrieve("mid-turn")) is None


def test_retention_deletes_idle_conversations_and_keeps_a_recent_one(stores):
    store, engine = stores
    now = datetime.now(timezone.utc)
    asyncio.run(store.save(conversation("quiet-for-a-month", (now - timedelta(days=31)).timestamp())))
    asyncio.run(store.save(conversation("came-back", (now - timedelta(days=40)).timestamp())))
    came_back = asyncio.run(store.retrieve_full_tracker("came-back"))
    came_back.update(UserUttered("ik ben er weer", timestamp=(now - timedelta(hours=1)).timestamp()))
    asyncio.run(store.save(came_back))
    report = purge_expired(engine, RetentionPolicy(), CIPHER, now)
    assert report.conversations_purged == 1 and report.events_deleted == 6
    assert asyncio.run(store.retrieve_full_tracker("quiet-for-a-month")) is None
    assert len(asyncio.run(store.retrieve_full_tracker("came-back")).events) == 7
