"""Opens Wegwijs' own database and the services on it, one way for every process.

The action server, the web app and the command line all call
`open_services`; the schema is created if missing, and outside production
the demo directory and demo appointment slots are loaded when absent, so
`make run` on a fresh clone can book a referral at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy.engine import Engine

from bot.offer import Directory, load_demo
from bot.referral import FieldCipher, Referrals
from bot.settings import Settings
from bot.storage import create_schema, make_engine

# The demo directory's municipalities (bot/data/offer/demo.json).
DEMO_POSTCODES = ("2800", "3000")


@dataclass(frozen=True)
class Services:
    engine: Engine
    directory: Directory
    referrals: Referrals

    def organisation_name(self, org_id: str) -> Optional[str]:
        actor = self.directory.core_actor(org_id)
        return actor.organization_name if actor else None


def open_services(settings: Settings, now: Optional[datetime] = None) -> Services:
    engine = make_engine(settings.database_url)
    create_schema(engine)
    directory = Directory(engine)
    referrals = Referrals(engine, FieldCipher.from_settings(settings))
    if not settings.is_production:
        load_demo(engine)
        actors = {(a.organization_id, a.location_id) for code in DEMO_POSTCODES for a in directory.core_actors(code, [])}
        referrals.slots.seed_demo_slots(sorted(actors), now or datetime.now(timezone.utc))
    return Services(engine, directory, referrals)
