"""Every text Wegwijs says, per language: one mechanism, data per language.

`nl.yml`, `fr.yml` and `en.yml` hold the chat languages (same keys in each);
`foreign.yml` holds the short interpreter offer for languages we recognise
but do not chat in.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from bot.catalogues import load_language_catalogues
from bot.language import DEFAULT_LANGUAGE

TEXTS_DIR = Path(__file__).resolve().parent


class Texts:
    def __init__(self, catalogues: Mapping[str, Mapping], foreign: Mapping[str, Mapping]) -> None:
        self._catalogues = catalogues
        self._foreign = foreign

    @classmethod
    def load(cls, directory: Path = TEXTS_DIR) -> "Texts":
        catalogues = load_language_catalogues(directory)
        foreign = yaml.safe_load((directory / "foreign.yml").read_text(encoding="utf-8")) or {}
        return cls(catalogues, foreign)

    def _catalogue(self, language: str) -> Mapping:
        return self._catalogues.get(language) or self._catalogues[DEFAULT_LANGUAGE]

    def get(self, language: str, key: str, values: Mapping[str, str] | None = None) -> str:
        template = self._catalogue(language)[key]
        return _fill(str(template), values or {})

    def raw(self, language: str, key: str):
        """A structured entry (a list or mapping), as it stands in the catalogue."""
        return self._catalogue(language)[key]

    def domain_list(self, language: str, domains: Iterable[str]) -> str:
        names = [self._catalogue(language)["domain_names"][d] for d in domains]
        if len(names) <= 1:
            return "".join(names)
        return f"{', '.join(names[:-1])} {self._catalogue(language)['list_and']} {names[-1]}"

    def language_name(self, language: str) -> str:
        return str(self._catalogue(language)["language_name"])

    @property
    def foreign_languages(self) -> tuple[str, ...]:
        return tuple(self._foreign)

    def foreign(self, code: str, key: str, values: Mapping[str, str] | None = None) -> str:
        return _fill(str(self._foreign[code][key]), values or {})


def _fill(template: str, values: Mapping[str, str]) -> str:
    """str.format, but a missing placeholder is an error naming it."""
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    missing = fields - set(values)
    if missing:
        raise KeyError(f"text needs {sorted(missing)}")
    return template.format(**{name: values[name] for name in fields})
