"""The referral texts as data: bot/data/referral/<language>.yml for citizens,
caseworker.yml for the inbox. One loader, same keys in every language."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.catalogues import load_language_catalogues
from bot.language import DEFAULT_LANGUAGE

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "referral"


@lru_cache(maxsize=1)
def _catalogues() -> Mapping[str, Mapping[str, Any]]:
    return load_language_catalogues(DATA_DIR)


def citizen_texts(language: str) -> Mapping[str, Any]:
    """The citizen texts in `language`, Dutch for a language we do not chat in."""
    catalogues = _catalogues()
    return catalogues.get(language) or catalogues[DEFAULT_LANGUAGE]


@lru_cache(maxsize=1)
def caseworker_texts() -> Mapping[str, Any]:
    return yaml.safe_load((DATA_DIR / "caseworker.yml").read_text(encoding="utf-8"))
