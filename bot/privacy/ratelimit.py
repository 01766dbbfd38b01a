"""A per-sender rate limit at the inbound gate: a token bucket in this process.

In process, not in the database: it costs nothing per message, needs no
new service, and a flood never reaches the database or the model. With
several Rasa instances behind a load balancer each instance counts on its
own; sessions are sticky (socket.io needs that), so a sender normally meets
one instance, and at worst gets the limit once per instance. Flooding with
ever new sender ids is for the reverse proxy's per-address limit.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

DEFAULT_PER_MINUTE = 20
_MAX_SENDERS = 50_000  # forget full buckets beyond this many senders


@dataclass
class _Bucket:
    tokens: float
    updated: float


class SenderRateLimiter:
    """At most `per_minute` messages a minute per sender (a burst of `per_minute`, then one
    every 60/`per_minute` seconds)."""

    def __init__(self, per_minute: int = DEFAULT_PER_MINUTE, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def allow(self, sender_id: str) -> bool:
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(sender_id)
            if bucket is None:
                if len(self._buckets) >= _MAX_SENDERS:
                    self._forget_full(now)
                bucket = self._buckets[sender_id] = _Bucket(float(self.per_minute), now)
            bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.updated) * self._rate)
            bucket.updated = now
            if bucket.tokens < 1.0:
                return False
            bucket.tokens -= 1.0
            return True

    def _forget_full(self, now: float) -> None:
        """Drops senders whose bucket has refilled completely (they are like new ones); if
        that is not enough (a flood of new sender ids), the longest quiet tenth."""
        full_after = self.per_minute / self._rate
        for sender_id in [s for s, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[sender_id]
        if len(self._buckets) >= _MAX_SENDERS:
            quietest = sorted(self._buckets, key=lambda s: self._buckets[s].updated)[: _MAX_SENDERS // 10]
            for sender_id in quietest:
                del self._buckets[sender_id]
