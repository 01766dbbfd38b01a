"""The worker's loop: follow-up SMS, resends of failed replies, handover webhooks,
and the retention purge (bot.privacy.retention, at most once an hour).

`build_worker` wires it from the settings; `Worker.run` repeats one cycle
every `interval` seconds until told to stop, and a failing cycle (database
away for a moment) is logged and tried again, never the end of the worker.
`healthy` tells a supervisor whether cycles still complete.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Protocol

from bot.followup.followups import FollowUps
from bot.followup.messages import FollowupTexts
from bot.followup.resends import Resends
from bot.followup.sending import SmsOut
from bot.municipality import Municipality
from bot.privacy.retention import PeriodicPurge, RetentionPolicy
from bot.referral import Deliveries, FieldCipher
from bot.referral.slots import Clock, utcnow
from bot.services import open_services
from bot.settings import Settings
from bot.sms.privacy import PhoneVault
from bot.sms.settings import SmsSettings
from bot.sms.store import SmsStore
from bot.sms.twilio_api import TwilioSender

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 30.0


class Step(Protocol):
    def run_once(self) -> int: ...


class _Webhooks:
    def __init__(self, deliveries: Deliveries) -> None:
        self._deliveries = deliveries

    def run_once(self) -> int:
        return self._deliveries.deliver_due()


@dataclass
class Cycle:
    followups: int = 0
    resends: int = 0
    webhooks: int = 0
    purged: int = 0


class Worker:
    def __init__(self, webhooks: Step, followups: Optional[Step] = None, resends: Optional[Step] = None,
                 purge: Optional[Step] = None, clock: Clock = utcnow, interval: float = INTERVAL_SECONDS) -> None:
        self._steps = {"followups": followups, "resends": resends, "webhooks": webhooks, "purged": purge}
        self._clock = clock
        self.interval = interval
        self.last_cycle_at: Optional[datetime] = None

    @property
    def sends_sms(self) -> bool:
        return self._steps["followups"] is not None

    def run_once(self) -> Cycle:
        """One pass over every step; a step that fails does not stop the others."""
        cycle, failed = Cycle(), False
        for name, step in self._steps.items():
            if step is None:
                continue
            try:
                setattr(cycle, name, step.run_once())
            except Exception as error:  # the database may be away for a moment
                failed = True
                logger.error("worker: %s failed this cycle (%s: %s)", name, type(error).__name__, error)
        if not failed:
            self.last_cycle_at = self._clock()
        return cycle

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            cycle = self.run_once()
            if cycle.followups or cycle.resends or cycle.webhooks:
                logger.info("worker: sent %d follow-up SMS, %d resent replies, %d webhooks",
                            cycle.followups, cycle.resends, cycle.webhooks)  # the purge logs its own report
            stop.wait(self.interval)

    def healthy(self) -> bool:
        """A cycle completed recently (within three intervals)."""
        last = self.last_cycle_at
        return last is not None and self._clock() - last <= timedelta(seconds=3 * self.interval + 30)


def build_worker(settings: Settings, sms: SmsSettings, clock: Clock = utcnow,
                 interval: float = INTERVAL_SECONDS) -> Worker:
    """The worker for these settings; without Twilio settings (development) it sends no SMS."""
    services = open_services(settings)
    cipher = FieldCipher.from_settings(settings)
    webhooks = _Webhooks(Deliveries(services.engine, cipher, clock))
    purge = PeriodicPurge(services.engine, RetentionPolicy.from_settings(settings), cipher, clock)
    if not sms.accepts_webhooks:
        logger.warning("worker: no SMS reminders or follow-ups until %s are set", ", ".join(sms.missing))
        return Worker(webhooks, purge=purge, clock=clock, interval=interval)
    sender = TwilioSender(sms.account_sid, sms.auth_token, from_number=sms.from_number,
                          messaging_service_sid=sms.messaging_service_sid, api_base_url=sms.api_base_url)
    out = SmsOut(SmsStore(services.engine), PhoneVault(sms.secret_key), sender)
    texts = FollowupTexts.load(Municipality.load(settings.municipality_file).placeholders)
    followups = FollowUps(services.engine, cipher, out, texts, services.directory, clock)
    return Worker(webhooks, followups, Resends(services.engine, out, clock), purge, clock=clock, interval=interval)
