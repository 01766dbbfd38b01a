"""The profile fields of contracts §3: their kinds and values, profile validation,
and how a known fact is said in an explanation ("you are 67").

The definitions are data (`bot/data/rights/fields.yml`); this module reads them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

from bot.rights.datafile import (
    DATA_DIR, Text, Where, fold, join_words, mapping, only_keys, read_yaml, require, str_list, text,
)

KINDS = ("int", "number", "postcode", "int_list", "choice", "multi_choice", "bool")
CHOICE_KINDS = ("choice", "multi_choice", "bool")
# The contract's field names; fields.yml must describe exactly these.
CONTRACT_FIELDS = (
    "age", "postcode", "adults", "children_ages", "income_sources", "yearly_gross_household_income", "housing",
    "social_housing_waitlist_years", "heating", "health_insurance", "has_vt", "recognised_disability",
    "care_need", "debts", "residence", "higher_education_student", "legal_question",
)


@dataclass(frozen=True)
class Value:
    """One possible answer of a choice, multi-choice or yes/no field."""

    value: Any
    label: Text
    fact: Text
    words: tuple[str, ...]


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    noun: Text                      # "your age", for "we do not know yet: ..."
    question: Text
    values: tuple[Value, ...] = ()  # for choice kinds, in the order they are offered
    fact: Optional[Text] = None     # for number and list kinds
    fact_zero: Optional[Text] = None
    fact_one: Optional[Text] = None
    minimum: float = 0
    maximum: float = math.inf
    number_words: Mapping[int, tuple[str, ...]] = None  # type: ignore[assignment]

    def value(self, value: Any) -> Value:
        for item in self.values:
            if item.value == value and type(item.value) is type(value):
                return item
        raise KeyError(value)

    @property
    def allowed(self) -> tuple[Any, ...]:
        return tuple(item.value for item in self.values)


class Fields(Mapping[str, Field]):
    """All profile fields, in question order."""

    def __init__(self, fields: Mapping[str, Field]) -> None:
        self._fields = dict(fields)

    def __getitem__(self, name: str) -> Field:
        return self._fields[name]

    def __iter__(self):
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def order(self, names) -> list[str]:
        """The given field names in question order."""
        wanted = set(names)
        return [name for name in self._fields if name in wanted]


def load_fields(path: Path = DATA_DIR / "fields.yml") -> Fields:
    data = mapping(read_yaml(path), Where(path.name))
    missing = [name for name in CONTRACT_FIELDS if name not in data]
    extra = [name for name in data if name not in CONTRACT_FIELDS]
    if missing or extra:
        raise Where(path.name).error(
            f"fields must be exactly those of contracts §3; missing {missing}, unknown {extra}")
    return Fields({name: _field(name, mapping(spec, Where(path.name, key=name)), Where(path.name, key=name))
                   for name, spec in data.items()})


def _field(name: str, spec: Mapping[str, Any], where: Where) -> Field:
    only_keys(spec, ("kind", "name", "question", "values", "fact", "fact_zero", "fact_one", "min", "max", "words"),
              where)
    kind = require(spec, "kind", where)
    if kind not in KINDS:
        raise where.at("kind").error(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    values: list[Value] = []
    if kind in CHOICE_KINDS:
        raw = mapping(require(spec, "values", where), where.at("values"))
        if kind == "bool" and set(raw) != {True, False}:
            raise where.at("values").error("a yes/no field needs exactly the values true and false")
        for value, item in raw.items():
            at = where.at("values").at(str(value).lower())
            item = mapping(item, at)
            only_keys(item, ("label", "fact", "words"), at)
            values.append(Value(value, text(require(item, "label", at), at.at("label")),
                                text(require(item, "fact", at), at.at("fact")),
                                tuple(fold(w) for w in str_list(item.get("words", []), at.at("words")))))
        if kind == "bool":  # offered as "yes" first
            values.sort(key=lambda v: not v.value)
    elif "fact" not in spec:
        raise where.at("fact").error("is missing")
    number_words = {}
    for count, words in mapping(spec.get("words", {}), where.at("words")).items():
        if kind in CHOICE_KINDS:
            raise where.at("words").error("choice fields keep their words under each value")
        number_words[int(count)] = tuple(fold(w) for w in str_list(words, where.at("words").at(str(count))))

    def optional(key: str) -> Optional[Text]:
        return text(spec[key], where.at(key)) if key in spec else None

    return Field(
        name=name, kind=kind,
        noun=text(require(spec, "name", where), where.at("name")),
        question=text(require(spec, "question", where), where.at("question")),
        values=tuple(values), fact=optional("fact"), fact_zero=optional("fact_zero"), fact_one=optional("fact_one"),
        minimum=float(spec.get("min", 0)), maximum=float(spec.get("max", math.inf)),
        number_words=number_words,
    )


@lru_cache(maxsize=1)
def default_fields() -> Fields:
    return load_fields()


# ---- profile validation ----------------------------------------------------------------

_POSTCODE = re.compile(r"[1-9]\d{3}")


def validate_profile(profile: Mapping[str, Any], fields: Optional[Fields] = None) -> dict[str, Any]:
    """The profile with only known facts, in canonical form; a ValueError names a bad field.

    Missing and null fields are "not asked or rather not said". An empty
    `income_sources` list is no answer either ("no income" is ["none"]), while
    `children_ages: []` is an answer: "no children".
    """
    fields = fields or default_fields()
    if not isinstance(profile, Mapping):
        raise ValueError(f"the profile must be a JSON object, got {type(profile).__name__}")
    clean: dict[str, Any] = {}
    for name, value in profile.items():
        if name not in fields:
            raise ValueError(f"unknown profile field {name!r}; known fields: {', '.join(fields)}")
        if value is None:
            continue
        checked = check_value(fields[name], value)
        if checked is not None:
            clean[name] = checked
    return clean


def check_value(field: Field, value: Any) -> Any:
    """The value in canonical form, None for "no answer", or a ValueError naming the field."""

    def bad(expected: str) -> ValueError:
        return ValueError(f"profile field {field.name!r}: expected {expected}, got {value!r}")

    def number(item: Any, whole: bool) -> float:
        if isinstance(item, bool) or not isinstance(item, (int, float)) or (whole and item != int(item)):
            raise bad(f"a {'whole ' if whole else ''}number")
        if not (field.minimum <= item <= field.maximum) or math.isnan(item):
            raise bad(f"a number from {field.minimum:g} to {field.maximum:g}")
        return int(item) if whole else item

    kind = field.kind
    if kind == "int":
        return number(value, whole=True)
    if kind == "number":
        return number(value, whole=False)
    if kind == "postcode":
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not _POSTCODE.fullmatch(value.strip()):
            raise bad("a Belgian postcode of 4 digits (1000-9999)")
        return value.strip()
    if kind == "int_list":
        if not isinstance(value, (list, tuple)):
            raise bad("a list of whole numbers")
        return tuple(sorted(number(item, whole=True) for item in value))
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if kind == "choice":
        if not isinstance(value, str) or value not in field.allowed:
            raise bad(f"one of {', '.join(field.allowed)}")
        return value
    # multi_choice
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise bad(f"a list of {', '.join(field.allowed)}")
    unknown = [v for v in value if v not in field.allowed]
    if unknown:
        raise bad(f"a list of {', '.join(field.allowed)} ({', '.join(map(repr, unknown))} is not one)")
    if not value:
        return None
    if "none" in value and len(set(value)) > 1:
        raise ValueError(f"profile field {field.name!r}: 'none' cannot be combined with other values, got {value!r}")
    return tuple(v for v in field.allowed if v in value)


# ---- saying a fact ----------------------------------------------------------------------


def format_number(value: float, language: str) -> str:
    whole = float(value).is_integer()
    shown = f"{value:,.0f}" if whole else f"{value:,.2f}".rstrip("0").rstrip(".")
    if language == "nl":
        return shown.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if language == "fr":
        return shown.replace(",", "\u202f").replace(".", ",")
    return shown


def say_fact(field: Field, value: Any, language: str, list_and: str) -> str:
    """A known fact in plain words: 'you are 67', 'you receive leefloon and a pension'."""
    if field.kind in ("choice", "bool"):
        return field.value(value).fact(language)
    if field.kind == "multi_choice":
        return join_words([field.value(v).fact(language) for v in value], list_and)
    count = len(value) if field.kind == "int_list" else value
    template = field.fact
    if count == 0 and field.fact_zero:
        template = field.fact_zero
    elif count == 1 and field.fact_one:
        template = field.fact_one
    shown = format_number(value, language) if field.kind in ("int", "number") else str(value)
    return template(language).format(value=shown, count=len(value) if field.kind == "int_list" else shown)
