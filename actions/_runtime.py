"""Process-wide objects of the action server, built on first use (not on import)."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from urllib.parse import urljoin

from bot.dialogue import Dialogue
from bot.flow import Flow
from bot.municipality import Municipality
from bot.rights import load_catalogue
from bot.services import open_services
from bot.settings import Settings
from bot.texts import Texts


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


@lru_cache(maxsize=1)
def dialogue() -> Dialogue:
    municipality = Municipality.load(settings().municipality_file)
    # A link in an SMS or an embedded chat must be absolute.
    privacy_url = urljoin(settings().public_url + "/", municipality.privacy_url)
    return Dialogue(Texts.load(), replace(municipality, privacy_url=privacy_url))


@lru_cache(maxsize=1)
def flow() -> Flow:
    services = open_services(settings())
    d = dialogue()
    return Flow(d.texts, d.municipality, load_catalogue(), services.directory, services.referrals,
                public_url=settings().public_url)
