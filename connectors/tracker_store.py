"""Rasa's SQL tracker store, without re-reading the whole conversation every turn.

Rasa's SQLTrackerStore rebuilds the tracker from every stored event of the
session at the start of each turn (ORM rows, JSON, event classes) and counts
them again to know what to append at the end. Measured with py-spy under
load, that was 40% of the Rasa server's CPU per user turn.

This store keeps the tracker it just saved in memory. The next turn of that
conversation takes it back after one cheap check that the database still
holds exactly what this process wrote (the number of the conversation's
events and the highest event id). Anything else — another Rasa instance
answered in between, an erasure or the retention purge deleted events, a
turn failed before saving, a new session started — falls back to Rasa's own
reading from the database, so the database stays the only truth.

A tracker is *taken* from memory by the turn that retrieves it and only put
back by that turn's save: a turn that fails never leaves unsaved events in
memory. Rasa's lock store makes turns of one conversation run one at a time.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

DEFAULT_CACHED_CONVERSATIONS = 2000


@dataclass(frozen=True)
class _Stored:
    """What the database holds of one conversation, as this process last wrote or read it."""

    events: int  # rows for the sender, all sessions
    last_id: Optional[int]


@dataclass
class _Entry:
    tracker: DialogueStateTracker
    stored: _Stored
    in_tracker: int  # len(tracker.events) when it matched `stored`


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that reuses the tracker it saved, checked against the database each turn.

    Configured like Rasa's SQL store (endpoints.yml), with one more optional
    key, `cached_conversations` (how many recent conversations to keep in memory).
    """

    def __init__(self, *args: Any, cached_conversations: int = DEFAULT_CACHED_CONVERSATIONS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._capacity = max(0, int(cached_conversations))
        self._idle: "OrderedDict[str, _Entry]" = OrderedDict()  # saved, waiting for the next turn
        self._taken: Dict[str, _Entry] = {}  # handed to a turn, not saved yet
        if self.engine.dialect.name == "sqlite":
            self.engine = _pooled_sqlite_engine(self.engine)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    # Reading

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        entry = self._idle.pop(sender_id, None)
        if (
            entry is not None
            and self._usable()
            and len(entry.tracker.events) == entry.in_tracker  # nothing added after its save
            and self._stored(sender_id) == entry.stored
        ):
            self._take(sender_id, entry)
            return entry.tracker
        self._taken.pop(sender_id, None)
        tracker = await super().retrieve(sender_id)
        if tracker is not None and self._usable():
            self._take(sender_id, _Entry(tracker, self._stored(sender_id), len(tracker.events)))
        return tracker

    # Writing

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        entry = self._taken.pop(sender_id, None)
        if entry is None and sender_id in self._idle and self._idle[sender_id].tracker is tracker:
            # Saved twice in one turn (a new conversation is saved when it is created).
            entry = self._idle.pop(sender_id)
        if entry is None or entry.tracker is not tracker or not self._usable() or tracker.events.maxlen is not None:
            # Not a tracker this store handed out (a new conversation, or a second reader):
            # Rasa's own save, then remember what the database now holds.
            await super().save(tracker)
            self._remember(tracker, self._stored(sender_id), len(tracker.events))
            return
        new_events = list(tracker.events)[entry.in_tracker:]
        last_id = self._append(sender_id, new_events) if new_events else entry.stored.last_id
        stored = _Stored(entry.stored.events + len(new_events), last_id)
        if any(isinstance(event, SessionStarted) for event in new_events):
            # A new session: Rasa reads only the latest one; let it do so next turn.
            return
        self._remember(tracker, stored, len(tracker.events))

    def _append(self, sender_id: str, events: list) -> Optional[int]:
        """Inserts the events as SQLTrackerStore.save does (one statement); returns the last event's id."""
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append(
                dict(
                    sender_id=sender_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                )
            )
        table = self.SQLEvent.__table__
        with self.engine.begin() as connection:
            connection.execute(table.insert(), rows)
            # The lock store lets one turn of a conversation run at a time: the newest id is ours.
            return connection.execute(
                sa.select(sa.func.max(table.c.id)).where(table.c.sender_id == sender_id)
            ).scalar()

    # Bookkeeping

    def _usable(self) -> bool:
        # An event broker wants every save streamed through Rasa's own path.
        return self._capacity > 0 and self.event_broker is None

    def _take(self, sender_id: str, entry: _Entry) -> None:
        self._taken[sender_id] = entry
        while len(self._taken) > self._capacity:  # turns that failed and never came back
            del self._taken[next(iter(self._taken))]

    def _remember(self, tracker: DialogueStateTracker, stored: _Stored, in_tracker: int) -> None:
        if not self._usable():
            return
        self._idle[tracker.sender_id] = _Entry(tracker, stored, in_tracker)
        self._idle.move_to_end(tracker.sender_id)
        while len(self._idle) > self._capacity:
            self._idle.popitem(last=False)

    def _stored(self, sender_id: str) -> _Stored:
        event = self.SQLEvent
        with self.session_scope() as session:
            count, last_id = session.query(sa.func.count(event.id), sa.func.max(event.id)).filter(
                event.sender_id == sender_id
            ).one()
        return _Stored(int(count or 0), last_id)


def _pooled_sqlite_engine(engine: sa.engine.Engine) -> sa.engine.Engine:
    """The same SQLite file, with connections kept open and WAL.

    SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool):
    a third of a turn's database time. WAL, as Wegwijs' own engine sets on the
    same file, lets readers (web app, worker) go on while a turn writes; with
    WAL, `synchronous=NORMAL` syncs at checkpoints instead of every commit.
    Rasa runs in one thread; the pool is for its event loop only.
    """
    url = engine.url
    engine.dispose()
    pooled = sa.create_engine(
        url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=4,
        connect_args={"check_same_thread": False, "timeout": 30},
    )

    @sa.event.listens_for(pooled, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:  # pragma: no cover - trivial
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return pooled
