"""The rights catalogue: one YAML file per right, dated parameters, and the texts.

Layout of a catalogue directory (the default is `bot/data/rights/`):

    catalogue/<code>.yml   one right per file (see any file there for the keys)
    parameters.yml         dated figures the rules use
    fields.yml, texts.yml  optional: the package's own are used when absent

Everything is validated at load; an error names the file, the right and the key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

from bot.life_domains import LIFE_DOMAINS
from bot.rights.datafile import DATA_DIR, DataError, Text, Where, date, mapping, only_keys, read_yaml, require, text
from bot.rights.profile import Fields, default_fields, load_fields
from bot.rights.rules import Rule, parse_rule

ACTORS = ("ocmw", "caw", "health_fund")
RIGHT_KEYS = ("code", "domains", "name", "explanation", "gives", "decides", "where", "helps", "bring", "source",
              "last_checked", "rule", "already", "also_checks")


@dataclass(frozen=True)
class DatedValue:
    valid_from: dt.date
    value: float
    source: str
    checked: dt.date


@dataclass(frozen=True)
class Parameter:
    name: str
    unit: str
    in_words: Text
    values: tuple[DatedValue, ...]   # sorted by valid_from

    def on(self, day: dt.date) -> Optional[DatedValue]:
        """The checked figure valid on `day`, or None when there is none."""
        valid = [v for v in self.values if v.valid_from <= day]
        return valid[-1] if valid else None


@dataclass(frozen=True)
class FiguresOn:
    """The parameters as valid on one day (the `Figures` the rules read)."""

    parameters: Mapping[str, Parameter]
    day: dt.date

    def value(self, name: str) -> Optional[float]:
        dated = self.parameters[name].on(self.day)
        return None if dated is None else dated.value

    def in_words(self, name: str) -> Text:
        return self.parameters[name].in_words


@dataclass(frozen=True)
class Source:
    url: str
    page: str


@dataclass(frozen=True)
class Right:
    code: str
    domains: tuple[str, ...]
    name: Text
    explanation: Text
    gives: Text
    decides: Text          # a noun phrase: "your health insurance fund"
    where: Text            # a sentence: where and how to apply
    helps: tuple[str, ...]  # core actors that help apply: ocmw, caw, health_fund
    bring: Text
    source: Source
    last_checked: dt.date
    rule: Rule
    already: Optional[Rule] = None        # when TRUE the citizen already gets it
    also_checks: Optional[Text] = None    # what the decider always checks beyond the rule, in words


@dataclass(frozen=True)
class Catalogue:
    rights: Mapping[str, Right]       # by code, in code order
    parameters: Mapping[str, Parameter]
    fields: Fields
    texts: Mapping[str, Any]          # texts.yml: key -> Text, actors -> code -> Text

    def __iter__(self) -> Iterator[Right]:
        return iter(self.rights.values())

    def __getitem__(self, code: str) -> Right:
        try:
            return self.rights[code]
        except KeyError:
            raise KeyError(f"unknown right {code!r}") from None

    def figures(self, day: dt.date) -> FiguresOn:
        return FiguresOn(self.parameters, day)

    def text(self, key: str, language: str) -> str:
        return self.texts[key](language)

    def actor(self, code: str, language: str) -> str:
        return self.texts["actors"][code](language)


def load_catalogue(directory: Path | str = DATA_DIR) -> Catalogue:
    directory = Path(directory)
    fields = load_fields(directory / "fields.yml") if (directory / "fields.yml").exists() else default_fields()
    texts_path = directory / "texts.yml" if (directory / "texts.yml").exists() else DATA_DIR / "texts.yml"
    texts = _load_texts(texts_path)
    parameters = _load_parameters(directory / "parameters.yml")
    files = sorted((directory / "catalogue").glob("*.yml"))
    if not files:
        raise DataError(f"{directory / 'catalogue'}: no right files (*.yml) found")
    rights = {}
    for path in files:
        right = _load_right(path, fields, parameters)
        if right.code in rights:
            raise Where(path.name, right.code).error("a right with this code is already defined")
        rights[right.code] = right
    return Catalogue(dict(sorted(rights.items())), parameters, fields, texts)


def _load_texts(path: Path) -> dict[str, Any]:
    data = mapping(read_yaml(path), Where(path.name))
    texts: dict[str, Any] = {key: text(value, Where(path.name, key=key))
                             for key, value in data.items() if key != "actors"}
    actors = mapping(require(data, "actors", Where(path.name)), Where(path.name, key="actors"))
    if set(actors) != set(ACTORS):
        raise Where(path.name, key="actors").error(f"expected exactly the actors {', '.join(ACTORS)}")
    texts["actors"] = {code: text(value, Where(path.name, key=f"actors.{code}")) for code, value in actors.items()}
    return texts


def _load_parameters(path: Path) -> dict[str, Parameter]:
    data = mapping(read_yaml(path), Where(path.name))
    parameters = {}
    for name, spec in data.items():
        where = Where(path.name, key=str(name))
        spec = mapping(spec, where)
        only_keys(spec, ("unit", "in_words", "values"), where)
        values = spec.get("values") or []
        if not isinstance(values, list):
            raise where.at("values").error("expected a list of {valid_from, value, source, checked}")
        dated = []
        for index, item in enumerate(values):
            at = where.at("values").at(index)
            item = mapping(item, at)
            only_keys(item, ("valid_from", "value", "source", "checked"), at)
            value = require(item, "value", at)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise at.at("value").error(f"expected a number, got {value!r}")
            source = require(item, "source", at)
            if not isinstance(source, str) or not source.strip():
                raise at.at("source").error("name the official source the figure was checked against")
            dated.append(DatedValue(date(require(item, "valid_from", at), at.at("valid_from")), value, source,
                                    date(require(item, "checked", at), at.at("checked"))))
        dated.sort(key=lambda v: v.valid_from)
        if len({v.valid_from for v in dated}) != len(dated):
            raise where.at("values").error("two figures have the same valid_from date")
        parameters[str(name)] = Parameter(str(name), str(require(spec, "unit", where)),
                                          text(require(spec, "in_words", where), where.at("in_words")), tuple(dated))
    return parameters


def _load_right(path: Path, fields: Fields, parameters: Mapping[str, Parameter]) -> Right:
    data = mapping(read_yaml(path), Where(path.name))
    code = require(data, "code", Where(path.name))
    where = Where(path.name, str(code))
    if code != path.stem:
        raise where.at("code").error(f"the file must be named after the code: {code}.yml")
    only_keys(data, RIGHT_KEYS, where)
    domains = require(data, "domains", where)
    if not isinstance(domains, list) or not domains or any(d not in LIFE_DOMAINS for d in domains):
        raise where.at("domains").error(f"expected a list of life domains from: {', '.join(LIFE_DOMAINS)}")
    helps = require(data, "helps", where)
    if not isinstance(helps, list) or not helps or any(a not in ACTORS for a in helps):
        raise where.at("helps").error(f"expected a list of core actors from: {', '.join(ACTORS)}")
    source = mapping(require(data, "source", where), where.at("source"))
    only_keys(source, ("url", "page"), where.at("source"))
    url = require(source, "url", where.at("source"))
    if not isinstance(url, str) or not url.startswith("https://"):
        raise where.at("source.url").error("expected an https:// address of the official source")
    rule = parse_rule(require(data, "rule", where), where.at("rule"), fields, parameters)
    already = parse_rule(data["already"], where.at("already"), fields, parameters) if "already" in data else None
    return Right(
        code=code, domains=tuple(domains),
        **{key: text(require(data, key, where), where.at(key))
           for key in ("name", "explanation", "gives", "decides", "where", "bring")},
        helps=tuple(helps), source=Source(url, str(source.get("page", ""))),
        last_checked=date(require(data, "last_checked", where), where.at("last_checked")),
        rule=rule, already=already,
        also_checks=text(data["also_checks"], where.at("also_checks")) if "also_checks" in data else None,
    )
