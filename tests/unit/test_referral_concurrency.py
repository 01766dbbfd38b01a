"""Atomic booking under real concurrency, on SQLite and PostgreSQL: many
threads, and many processes with their own engines, race for the same slots."""

import multiprocessing
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from bot.referral import ConsentGiven, FieldCipher, Referrals, SlotTaken, consent_text
from bot.referral.tables import handover_table, slot_table
from bot.storage import make_engine

ORG = "org-ocmw"
VALUES = {"name": "Tom", "phone": "0470123456", "language": "nl", "summary": "Ik zoek hulp bij mijn schulden."}
FIELDS = ["name", "phone", "language", "summary", "slot"]
KEY = Fernet.generate_key().decode()


def _book(referrals: Referrals, slot_id: int, who: str) -> str:
    shown = consent_text("OCMW", FIELDS, "appointment", "nl")
    try:
        return referrals.book(slot_id, ORG, VALUES, ConsentGiven(shown), who, "nl", False).id
    except SlotTaken:
        return "taken"


def _race(workers: int, target) -> list:
    """Runs `target(n)` in `workers` threads released at the same moment."""
    barrier = threading.Barrier(workers)
    results: list = [None] * workers

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = target(n)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def _future_slots(referrals: Referrals, count: int) -> list:
    start = datetime.now(timezone.utc) + timedelta(days=1)
    return [
        referrals.slots.add(ORG, "loc-1", "appointment", start + timedelta(hours=h), start + timedelta(hours=h, minutes=45))
        for h in range(count)
    ]


def _live_handovers_per_slot(engine) -> Counter:
    with engine.connect() as conn:
        rows = conn.execute(select(handover_table.c.slot_id).where(handover_table.c.status == "sent")).all()
    return Counter(slot_id for (slot_id,) in rows)


@pytest.fixture
def referrals(engine):
    return Referrals(engine, FieldCipher(KEY))


def test_twenty_concurrent_bookers_one_slot_exactly_one_wins(engine, referrals):
    (slot,) = _future_slots(referrals, 1)
    results = _race(20, lambda n: _book(referrals, slot.id, f"conv-{n}"))
    winners = [r for r in results if r != "taken"]
    assert len(winners) == 1 and results.count("taken") == 19, results
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(handover_table)).scalar() == 1
        assert conn.execute(select(slot_table.c.booked_by).where(slot_table.c.id == slot.id)).scalar() == winners[0]


def test_thirty_bookers_on_five_slots_fill_each_slot_once(engine, referrals):
    slots = _future_slots(referrals, 5)
    results = _race(30, lambda n: _book(referrals, slots[n % 5].id, f"conv-{n}"))
    assert results.count("taken") == 25 and all(isinstance(r, str) for r in results), results
    assert _live_handovers_per_slot(engine) == Counter({s.id: 1 for s in slots})
    assert referrals.slots.open_slots(ORG, "appointment") == []


def test_a_move_and_new_bookings_racing_for_one_slot_give_it_to_one(engine, referrals):
    first, contested = _future_slots(referrals, 2)
    shown = consent_text("OCMW", FIELDS, "appointment", "nl")
    mover = referrals.book(first.id, ORG, VALUES, ConsentGiven(shown), "mover", "nl", False)

    def attempt(n: int) -> str:
        if n == 0:
            try:
                referrals.move(mover.reference, contested.id)
                return "moved"
            except SlotTaken:
                return "taken"
        return _book(referrals, contested.id, f"conv-{n}")

    results = _race(10, attempt)
    assert results.count("taken") == 9, results
    per_slot = _live_handovers_per_slot(engine)
    assert per_slot[contested.id] == 1
    assert per_slot[first.id] == (0 if "moved" in results else 1)


def _book_in_process(url: str, slot_id: int, n: int, barrier, results) -> None:
    engine = make_engine(url)
    barrier.wait()
    try:
        results.put((n, _book(Referrals(engine, FieldCipher(KEY)), slot_id, f"process-{n}")))
    except Exception as error:  # noqa: BLE001 - reported by the test
        results.put((n, f"error: {error!r}"))
    finally:
        engine.dispose()


def test_ten_processes_with_their_own_engines_one_slot_exactly_one_wins(engine, referrals, database_url):
    (slot,) = _future_slots(referrals, 1)
    engine.dispose()  # no pooled connection may be shared with the forked children
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(10), context.Queue()
    processes = [
        context.Process(target=_book_in_process, args=(database_url, slot.id, n, barrier, queue)) for n in range(10)
    ]
    for process in processes:
        process.start()
    results = dict(queue.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(30)
    outcomes = list(results.values())
    assert outcomes.count("taken") == 9 and not any(o.startswith("error") for o in outcomes), outcomes
    assert _live_handovers_per_slot(engine) == Counter({slot.id: 1})
