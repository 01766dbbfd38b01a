"""The rule vocabulary of the rights catalogue, interpreted in three-valued logic.

A right's conditions are declared in its YAML file with a few forms:

    all_of: [rule, ...]                      every rule holds
    any_of: [rule, ...]                      at least one rule holds
    not: rule
    {field: F, is: true|false}               a yes/no field
    {field: F, in: [value, ...]}             a choice field
    {field: F, has_any: [value, ...]}        a multi-choice field (income_sources)
    {field: F, at_least|at_most|below|above: P}
                                             a number field against a dated parameter
                                             (P is a name in parameters.yml) or a plain
                                             number for a logical bound such as 0
    {field: F, count_at_least: N}            a list field has at least N items
    {income_at_most: P, per_extra_member: Q} the yearly household income is at most P,
                                             plus Q for each household member after the first
    {in_words: {nl, fr, en}}                 a condition this exploration cannot check;
                                             completes "<who decides> checks ..."

Every rule is TRUE, FALSE or UNKNOWN. A missing profile field makes a test UNKNOWN
and is reported as missing; a parameter with no checked figure on the day of the
exploration makes it UNKNOWN too and is reported in words, never guessed. Each
outcome carries the facts that decided it, so every result can say why.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Optional, Protocol, Union

from bot.rights.datafile import Text, Where, mapping, only_keys, require, text
from bot.rights.profile import Fields

INCOME = "yearly_gross_household_income"
HOUSEHOLD = ("adults", "children_ages")
COMPARISONS = ("at_least", "at_most", "below", "above")
_TESTS_BY_KIND = {
    "bool": ("is",),
    "choice": ("in",),
    "multi_choice": ("has_any", "count_at_least"),
    "int_list": ("count_at_least",),
    "int": COMPARISONS,
    "number": COMPARISONS,
    "postcode": (),
}


class Truth(enum.Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Fact:
    """A profile fact an outcome rests on: the field and its (relevant part of the) value."""

    field: str
    value: Any


@dataclass(frozen=True)
class Outcome:
    truth: Truth
    facts: tuple[Fact, ...] = ()      # for TRUE: what made it hold; for FALSE: what contradicts it
    missing: tuple[str, ...] = ()     # for UNKNOWN: profile fields that are not known
    checks: tuple[Text, ...] = ()     # for UNKNOWN: conditions in words the deciding organisation checks


class Figures(Protocol):
    """The dated parameters as valid on one day."""

    def value(self, name: str) -> Optional[float]: ...

    def in_words(self, name: str) -> Text: ...


Profile = Mapping[str, Any]
Bound = Union[str, float]


def _unique(items: Iterable) -> tuple:
    return tuple(dict.fromkeys(items))


class Rule:
    fields: frozenset[str] = frozenset()

    def evaluate(self, profile: Profile, figures: Figures) -> Outcome:
        raise NotImplementedError

    def leaves(self) -> Iterator["Rule"]:
        yield self

    def live(self, figures: Figures) -> bool:
        """False when this leaf can never be decided today (a condition in words, a figure not checked)."""
        return True


@dataclass(frozen=True)
class _Combination(Rule):
    """A rule made of rules: its fields and leaves are theirs."""

    rules: tuple[Rule, ...]

    @property
    def fields(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset().union(*(r.fields for r in self.rules))

    def leaves(self) -> Iterator[Rule]:
        for rule in self.rules:
            yield from rule.leaves()


@dataclass(frozen=True)
class AllOf(_Combination):
    def evaluate(self, profile: Profile, figures: Figures) -> Outcome:
        outcomes = [rule.evaluate(profile, figures) for rule in self.rules]
        for outcome in outcomes:
            if outcome.truth is Truth.FALSE:
                return Outcome(Truth.FALSE, outcome.facts)
        facts = _unique(f for o in outcomes if o.truth is Truth.TRUE for f in o.facts)
        unknown = [o for o in outcomes if o.truth is Truth.UNKNOWN]
        if not unknown:
            return Outcome(Truth.TRUE, facts)
        return Outcome(Truth.UNKNOWN, facts, _unique(m for o in unknown for m in o.missing),
                       _unique(c for o in unknown for c in o.checks))


@dataclass(frozen=True)
class AnyOf(_Combination):
    def evaluate(self, profile: Profile, figures: Figures) -> Outcome:
        outcomes = [rule.evaluate(profile, figures) for rule in self.rules]
        for outcome in outcomes:
            if outcome.truth is Truth.TRUE:
                return Outcome(Truth.TRUE, outcome.facts)
        unknown = [o for o in outcomes if o.truth is Truth.UNKNOWN]
        if not unknown:
            return Outcome(Truth.FALSE, _unique(f for o in outcomes for f in o.facts))
        return Outcome(Truth.UNKNOWN, (), _unique(m for o in unknown for m in o.missing),
                       _unique(c for o in unknown for c in o.checks))


@dataclass(frozen=True)
class Not(Rule):
    rule: Rule

    @property
    def fields(self) -> frozenset[str]:  # type: ignore[override]
        return self.rule.fields

    def leaves(self) -> Iterator[Rule]:
        yield from self.rule.leaves()

    def evaluate(self, profile: Profile, figures: Figures) -> Outcome:
        outcome = self.rule.evaluate(profile, figures)
        flipped = {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE}.get(outcome.truth, Truth.UNKNOWN)
        return Outcome(flipped, outcome.facts, outcome.missing, outcome.checks)


@dataclass(frozen=True)
class InWords(Rule):
    condition: Text

    def live(self, figures: Figures) -> bool:
        return False

    def evaluate(self, profile: Profile, figures: Figures) -> Outcome:
        return Outcome(Truth.UNKNOWN, checks=(self.condition,))


@dataclass(frozen=True)
class FieldTest(Rule):
    field: str
    test: str          # is | in | has_any | count_at_least | at_least | at_most | below | above
    operand: Any       # bool, tuple of values, int, or a Bound

    @property
    def fields(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset({self.field})

    def bound(self, figures: Figures) -> Optional[float]:
        return figures.value(self.operand) if isinstance(self.operand, str) else self.operand

    def live(self, figures: Figures) -> bool:
        return self.test not in COMPARISONS or self.bound(figures) is not None

    def evaluate(self, profile: Profile, figures: Figures) -> Outcome:
        value = profile.get(self.field)
        bound = self.bound(figures) if self.test in COMPARISONS else 0
        checks = (figures.in_words(self.operand),) if bound is None else ()
        if value is None:
            return Outcome(Truth.UNKNOWN, missing=(self.field,), checks=checks)
        if bound is None:
            return Outcome(Truth.UNKNOWN, checks=checks)
        if self.test == "has_any":
            matched = tuple(v for v in value if v in self.operand)
            return Outcome(Truth.TRUE if matched else Truth.FALSE, (Fact(self.field, matched or value),))
        holds = {
            "is": lambda: value == self.operand,
            "in": lambda: value in self.operand,
            "count_at_least": lambda: len(value) >= self.operand,
            "at_least": lambda: value >= bound,
            "at_most": lambda: value <= bound,
            "below": lambda: value < bound,
            "above": lambda: value > bound,
        }[self.test]()
        return Outcome(Truth.TRUE if holds else Truth.FALSE, (Fact(self.field, value),))


@dataclass(frozen=True)
class IncomeAtMost(Rule):
    """The household's yearly gross income is at most `limit` plus `per_extra_member`
    for each member after the first (members = adults + children)."""

    limit: str
    per_extra_member: Optional[str] = None

    @property
    def fields(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset({INCOME, *(HOUSEHOLD if self.per_extra_member else ())})

    def _figures(self, figures: Figures) -> tuple[Optional[float], Optional[float]]:
        extra = figures.value(self.per_extra_member) if self.per_extra_member else 0.0
        return figures.value(self.limit), extra

    def live(self, figures: Figures) -> bool:
        return None not in self._figures(figures)

    def limit_for(self, members: int, figures: Figures) -> Optional[float]:
        base, extra = self._figures(figures)
        return None if base is None or extra is None else base + extra * (max(members, 1) - 1)

    def evaluate(self, profile: Profile, figures: Figures) -> Outcome:
        income = profile.get(INCOME)
        missing_income = (INCOME,) if income is None else ()
        if not self.live(figures):
            return Outcome(Truth.UNKNOWN, missing=missing_income, checks=(figures.in_words(self.limit),))
        if income is None:
            return Outcome(Truth.UNKNOWN, missing=missing_income)
        income_fact = Fact(INCOME, income)
        if not self.per_extra_member:
            return Outcome(Truth.TRUE if income <= self.limit_for(1, figures) else Truth.FALSE, (income_fact,))
        adults, children = profile.get("adults"), profile.get("children_ages")
        known = tuple(Fact(name, profile[name]) for name in HOUSEHOLD if profile.get(name) is not None)
        # The limit grows with the household, so the members known so far give a limit
        # the real one cannot be below: at or under it is enough.
        at_least_members = (adults or 0) + len(children or ())
        if income <= self.limit_for(at_least_members, figures):
            return Outcome(Truth.TRUE, (income_fact, *known))
        if adults is None or children is None:
            return Outcome(Truth.UNKNOWN, missing=tuple(n for n in HOUSEHOLD if profile.get(n) is None))
        return Outcome(Truth.FALSE, (income_fact, *known))


# ---- reading rules from YAML ------------------------------------------------------------


def parse_rule(data: Any, where: Where, fields: Fields, parameters: Iterable[str]) -> Rule:
    parameters = frozenset(parameters)
    node = mapping(data, where)
    combinators = [key for key in ("all_of", "any_of", "not", "in_words", "income_at_most") if key in node]
    if len(combinators) > 1:
        raise where.error(f"one rule form per item, got {', '.join(combinators)}")
    if "all_of" in node or "any_of" in node:
        key = combinators[0]
        only_keys(node, (key,), where)
        items = node[key]
        if not isinstance(items, list) or not items:
            raise where.at(key).error("expected a non-empty list of rules")
        rules = tuple(parse_rule(item, where.at(key).at(i), fields, parameters) for i, item in enumerate(items))
        return AllOf(rules) if key == "all_of" else AnyOf(rules)
    if "not" in node:
        only_keys(node, ("not",), where)
        return Not(parse_rule(node["not"], where.at("not"), fields, parameters))
    if "in_words" in node:
        only_keys(node, ("in_words",), where)
        return InWords(text(node["in_words"], where.at("in_words")))
    if "income_at_most" in node:
        only_keys(node, ("income_at_most", "per_extra_member"), where)
        names = [node["income_at_most"], node.get("per_extra_member")]
        for key, name in zip(("income_at_most", "per_extra_member"), names):
            if name is not None and name not in parameters:
                raise where.at(key).error(f"unknown parameter {name!r}; declare it in parameters.yml")
        return IncomeAtMost(names[0], names[1])
    return _field_test(node, where, fields, parameters)


def _field_test(node: Mapping[str, Any], where: Where, fields: Fields, parameters: frozenset[str]) -> Rule:
    name = require(node, "field", where)
    if name not in fields:
        raise where.at("field").error(f"unknown profile field {name!r}")
    field = fields[name]
    tests = [key for key in node if key != "field"]
    allowed = _TESTS_BY_KIND[field.kind]
    if len(tests) != 1 or tests[0] not in allowed:
        raise where.error(f"field {name!r} ({field.kind}) needs exactly one test of: {', '.join(allowed) or 'none'}")
    test, operand = tests[0], node[tests[0]]
    at = where.at(test)
    if test == "is":
        if not isinstance(operand, bool):
            raise at.error("expected true or false")
    elif test in ("in", "has_any"):
        if not isinstance(operand, list) or not operand:
            raise at.error("expected a non-empty list of values")
        unknown = [v for v in operand if v not in field.allowed]
        if unknown:
            raise at.error(f"unknown value(s) {unknown} for {name!r}; allowed: {', '.join(map(str, field.allowed))}")
        operand = tuple(operand)
    elif test == "count_at_least":
        if isinstance(operand, bool) or not isinstance(operand, int) or operand < 0:
            raise at.error("expected a whole number >= 0")
    else:  # a comparison: a dated parameter, or a plain logical bound
        if isinstance(operand, str):
            if operand not in parameters:
                raise at.error(f"unknown parameter {operand!r}; declare it in parameters.yml")
        elif isinstance(operand, bool) or not isinstance(operand, (int, float)):
            raise at.error("expected a parameter name or a number")
    return FieldTest(name, test, operand)
