"""Per-language text catalogues: `<directory>/<code>.yml` for each chat language.

One loader for every feature's texts (conversation, offer, referral), so each
language is data and a key missing in one language is found at start-up,
not when a citizen reaches that sentence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.language import CHAT_LANGUAGES, DEFAULT_LANGUAGE


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key of a nested mapping as a dotted path ("status.sent")."""
    if isinstance(value, Mapping):
        return {k for key, sub in value.items() for k in ({prefix + str(key)} | key_paths(sub, f"{prefix}{key}."))}
    return set()


def load_language_catalogues(directory: Path) -> dict[str, Mapping[str, Any]]:
    """The catalogue of each chat language; raises ValueError naming a file whose keys differ."""
    catalogues = {
        code: yaml.safe_load((directory / f"{code}.yml").read_text(encoding="utf-8")) or {} for code in CHAT_LANGUAGES
    }
    reference = key_paths(catalogues[DEFAULT_LANGUAGE])
    for code, catalogue in catalogues.items():
        differ = key_paths(catalogue) ^ reference
        if differ:
            raise ValueError(f"{directory / (code + '.yml')}: keys differ from {DEFAULT_LANGUAGE}.yml: {sorted(differ)}")
    return catalogues
