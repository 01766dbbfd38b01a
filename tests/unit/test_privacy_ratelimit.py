"""The per-sender rate limit of the inbound gate."""

import pytest

from bot.privacy.ratelimit import SenderRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_twenty_messages_a_minute_then_a_wait_then_one_every_three_seconds():
    clock = Clock()
    limiter = SenderRateLimiter(20, clock)
    assert all(limiter.allow("sam") for _ in range(20))
    assert not limiter.allow("sam")
    clock.now += 1.0
    assert not limiter.allow("sam")
    clock.now += 2.0
    assert limiter.allow("sam") and not limiter.allow("sam")
    clock.now += 60.0
    assert sum(limiter.allow("sam") for _ in range(25)) == 20


def test_each_sender_has_their_own_limit():
    limiter = SenderRateLimiter(2, Clock())
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")


def test_a_flood_of_new_sender_ids_does_not_grow_memory_without_end(monkeypatch):
    import bot.privacy.ratelimit as ratelimit

    monkeypatch.setattr(ratelimit, "_MAX_SENDERS", 100)
    clock = Clock()
    limiter = SenderRateLimiter(20, clock)
    for number in range(1000):
        limiter.allow(f"sender-{number}")
    assert len(limiter._buckets) <= 100


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError):
        SenderRateLimiter(0)
