"""Process-wide objects of the action server, built on first use (not on import)."""

from __future__ import annotations

from functools import lru_cache

from bot.dialogue import Dialogue
from bot.municipality import Municipality
from bot.settings import Settings
from bot.texts import Texts


@lru_cache(maxsize=1)
def dialogue() -> Dialogue:
    settings = Settings.from_env()
    return Dialogue(Texts.load(), Municipality.load(settings.municipality_file))
