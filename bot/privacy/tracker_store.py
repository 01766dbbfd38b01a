"""Deleting conversations from Rasa's SQL tracker store, which has no deletion of its own.

Rasa's SQLTrackerStore keeps one row per event in the table `events`
(id, sender_id, type_name, timestamp, intent_name, action_name, data), in
the Wegwijs database (endpoints.yml and WEGWIJS_DATABASE_URL point to the
same one). Rasa keeps no tracker in memory between turns: each turn reads
the events, and on saving appends the events it has beyond the number
stored since the session started. Two consequences shape this module:

- a conversation is deleted with ONE statement per sender, in one
  transaction, that also checks it is still idle: a turn that just wrote
  an event keeps the conversation (SQLite takes the write lock first, as
  every Wegwijs transaction does; on PostgreSQL the statement sees one
  snapshot). A turn already running when an idle conversation is purged
  re-saves what it had read: at worst the purge is late, never half done.
- an erasure asked for inside a turn cannot delete during that turn: Rasa's
  save would count no stored events and write the whole conversation back.
  The inbound gate deletes right after the turn is saved (bot.privacy.erasure).

Names the table the way Rasa declares it, on a metadata of its own: Rasa
creates it, never `create_schema`.
"""

from __future__ import annotations

import json
from typing import Iterable

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, func, inspect, select
from sqlalchemy.engine import Connection

TRACKER_METADATA = MetaData()
events_table = Table(
    "events",
    TRACKER_METADATA,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def has_tracker_store(conn: Connection) -> bool:
    return inspect(conn).has_table(events_table.name)


def message_ids(conn: Connection, sender_id: str) -> list[str]:
    """The channel message ids (an SMS's MessageSid) of the citizen's messages."""
    ids = []
    query = select(events_table.c.data).where(events_table.c.sender_id == sender_id, events_table.c.type_name == "user")
    for (data,) in conn.execute(query):
        try:
            message_id = json.loads(data or "{}").get("message_id")
        except (ValueError, AttributeError):
            continue
        if isinstance(message_id, str) and message_id:
            ids.append(message_id)
    return ids


def delete_conversation(conn: Connection, sender_id: str) -> int:
    """Every event of the sender, whatever its age (an erasure the citizen asked for)."""
    return conn.execute(delete(events_table).where(events_table.c.sender_id == sender_id)).rowcount


def delete_if_idle(conn: Connection, sender_id: str, cutoff: float) -> int:
    """Every event of the sender, if none is at or after `cutoff` (a Unix time); else nothing."""
    recent = events_table.alias("recent")
    still_active = select(recent.c.id).where(recent.c.sender_id == sender_id, recent.c.timestamp >= cutoff).exists()
    return conn.execute(
        delete(events_table).where(events_table.c.sender_id == sender_id, ~still_active)
    ).rowcount


def idle_senders(conn: Connection, cutoff: float) -> list[str]:
    """Conversations whose last event is before `cutoff` (a Unix time)."""
    query = (
        select(events_table.c.sender_id)
        .group_by(events_table.c.sender_id)
        .having(func.max(events_table.c.timestamp) < cutoff)
    )
    return [sender for (sender,) in conn.execute(query)]


def active_senders(conn: Connection, senders: Iterable[str], cutoff: float) -> set[str]:
    """Those of `senders` with an event at or after `cutoff`."""
    wanted = list(set(senders))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        query = select(events_table.c.sender_id).distinct().where(
            events_table.c.sender_id.in_(wanted[start:start + 500]), events_table.c.timestamp >= cutoff
        )
        found.update(sender for (sender,) in conn.execute(query))
    return found
