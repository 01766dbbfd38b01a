"""Exploring rights for a partial profile, and choosing the next question to ask.

A right is `may_be_entitled` when its rule holds on the known facts, whatever the
unknown ones turn out to be (three-valued logic); `to_check` when the rule is
still undecided (a fact is missing, or a condition or figure can only be checked
by the deciding organisation); ruled out when the facts contradict it; and
`already` when the citizen already gets it. An empty profile claims nothing.

A question is worth asking when one of its answers can move a right of the help
question's life domains between those results. Moving a right only to `already`
does not count: asking "do you already have it?" just to hide it wastes a question.
Questions that can lead to "you may be entitled" come first, then those that settle
the most rights; ties follow the order of fields.yml (sensitive questions last).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field as dataclass_field
from typing import Any, Collection, Mapping, Optional, Sequence

from bot.life_domains import check_domains
from bot.rights.catalogue import Catalogue, Right
from bot.rights.datafile import Text
from bot.rights.profile import Field, validate_profile
from bot.rights.rules import INCOME, Fact, FieldTest, Figures, IncomeAtMost, Truth, COMPARISONS

ALREADY = "already"


@dataclass(frozen=True)
class Finding:
    """A right and the facts behind its result (supporting, contradicting, or 'already')."""

    code: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class ToCheck:
    code: str
    missing: tuple[str, ...]         # profile fields not known yet, in question order
    checks: tuple[Text, ...]         # what the deciding organisation checks that we cannot
    facts: tuple[Fact, ...] = ()     # facts already known to fit


@dataclass(frozen=True)
class Exploration:
    profile: Mapping[str, Any]
    today: dt.date
    may_be_entitled: tuple[Finding, ...]
    to_check: tuple[ToCheck, ...]
    ruled_out: tuple[Finding, ...]
    already: tuple[Finding, ...]
    not_covered: Text
    catalogue: Catalogue = dataclass_field(repr=False, compare=False)

    def as_contract(self, language: str) -> dict[str, Any]:
        """The JSON object of contracts §3, with texts in `language`."""
        from bot.rights.render import contract

        return contract(self, self.catalogue, language)

    def result(self, code: str) -> tuple[str, Any]:
        """('may_be_entitled' | 'to_check' | 'ruled_out' | 'already', the item) for one right."""
        for name in ("may_be_entitled", "to_check", "ruled_out", "already"):
            for item in getattr(self, name):
                if item.code == code:
                    return name, item
        raise KeyError(f"unknown right {code!r}")


def explore(profile: Mapping[str, Any], catalogue: Catalogue, today: dt.date) -> Exploration:
    facts = validate_profile(profile, catalogue.fields)
    figures = catalogue.figures(today)
    may, check, out, already = [], [], [], []
    for right in catalogue:
        if right.already is not None:
            before = right.already.evaluate(facts, figures)
            if before.truth is Truth.TRUE:
                already.append(Finding(right.code, before.facts))
                continue
        outcome = right.rule.evaluate(facts, figures)
        if outcome.truth is Truth.TRUE:
            may.append(Finding(right.code, outcome.facts))
        elif outcome.truth is Truth.FALSE:
            out.append(Finding(right.code, outcome.facts))
        else:
            check.append(ToCheck(right.code, tuple(catalogue.fields.order(outcome.missing)), outcome.checks,
                                 outcome.facts))
    return Exploration(facts, today, tuple(may), tuple(check), tuple(out), tuple(already),
                       catalogue.texts["not_covered"], catalogue)


# ---- questions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str


@dataclass(frozen=True)
class Question:
    field: str
    kind: str   # int | number | postcode | int_list | choice | multi_choice | bool
    definition: Field = dataclass_field(repr=False, compare=False)
    skip: Text = dataclass_field(repr=False, compare=False)

    def prompt(self, language: str) -> str:
        return self.definition.question(language)

    def choices(self, language: str) -> list[Choice]:
        """The answers to offer as buttons or numbered lines; empty for number and list questions."""
        return [Choice(v.value, v.label(language)) for v in self.definition.values]

    def skip_label(self, language: str) -> str:
        return self.skip(language)


def question_for(field_name: str, catalogue: Catalogue) -> Question:
    definition = catalogue.fields[field_name]
    return Question(field_name, definition.kind, definition, catalogue.texts["skip_label"])


def next_question(profile: Mapping[str, Any], domains: Sequence[str], skipped: Collection[str],
                  catalogue: Catalogue, today: dt.date) -> Optional[Question]:
    """The profile field whose answer can change the result for the most rights of these
    life domains (all rights when `domains` is empty), or None when no answer can change it.
    Fields already answered or skipped are never asked."""
    facts = validate_profile(profile, catalogue.fields)
    figures = catalogue.figures(today)
    open_rights = _open_rights(facts, domains, catalogue, figures)
    samples = _samples(catalogue, figures)
    best, best_score = None, (0, 0)
    for name in catalogue.fields:  # question order breaks ties
        if name in facts or name in skipped:
            continue
        # First what can lead to "you may be entitled", then what settles the most rights.
        changes = [_change(right, name, facts, figures, samples[name]) for right in open_rights]
        score = (changes.count(Truth.TRUE), sum(1 for c in changes if c is not None))
        if score[1] and score > best_score:
            best, best_score = name, score
    return None if best is None else question_for(best, catalogue)


def remaining_questions(profile: Mapping[str, Any], domains: Sequence[str], skipped: Collection[str],
                        catalogue: Catalogue, today: dt.date) -> int:
    """At most this many questions are left: the unanswered fields of conditions that can
    still be decided, in the rights of these domains that are not decided yet."""
    facts = validate_profile(profile, catalogue.fields)
    figures = catalogue.figures(today)
    wanted = set()
    for right in _open_rights(facts, domains, catalogue, figures):
        for leaf in right.rule.leaves():
            if leaf.live(figures):
                wanted |= leaf.fields
    return len(wanted - set(facts) - set(skipped))


def _category(right: Right, facts: Mapping[str, Any], figures: Figures) -> Any:
    if right.already is not None and right.already.evaluate(facts, figures).truth is Truth.TRUE:
        return ALREADY
    return right.rule.evaluate(facts, figures).truth


def _open_rights(facts: Mapping[str, Any], domains: Sequence[str], catalogue: Catalogue,
                 figures: Figures) -> list[Right]:
    wanted = set(check_domains(list(domains)))
    return [right for right in catalogue
            if (not wanted or wanted & set(right.domains)) and _category(right, facts, figures) is Truth.UNKNOWN]


def _change(right: Right, name: str, facts: Mapping[str, Any], figures: Figures, samples: list) -> Optional[Truth]:
    """How an answer to `name` can decide this open right: TRUE if some answer makes it
    'may be entitled', FALSE if answers can only rule it out, None if no answer decides it."""
    if name not in right.rule.fields:
        return None
    outcomes = {_category(right, {**facts, name: value}, figures) for value in samples}
    if Truth.TRUE in outcomes:
        return Truth.TRUE
    return Truth.FALSE if Truth.FALSE in outcomes else None


def _samples(catalogue: Catalogue, figures: Figures) -> dict[str, list]:
    """For each field, answers that between them reach every outcome the rules can give:
    all choices, and numbers just under, at and over every bound in use today."""
    bounds: dict[str, set[float]] = {name: {0.0, 1.0} for name in catalogue.fields}
    for right in catalogue:
        for rule in (right.rule, right.already):
            for leaf in rule.leaves() if rule is not None else ():
                if isinstance(leaf, FieldTest) and leaf.test in COMPARISONS + ("count_at_least",):
                    bound = leaf.bound(figures) if leaf.test in COMPARISONS else leaf.operand
                    if bound is not None:
                        bounds[leaf.field] |= {bound - 1, bound, bound + 1}
                elif isinstance(leaf, IncomeAtMost) and leaf.live(figures):
                    for members in range(1, 9):
                        limit = leaf.limit_for(members, figures)
                        bounds[INCOME] |= {limit - 1, limit, limit + 1}
                        bounds["adults"].add(members)
                        bounds["children_ages"].add(members)
    samples = {}
    for name, definition in catalogue.fields.items():
        kind = definition.kind
        inside = sorted(b for b in bounds[name] if definition.minimum <= b <= definition.maximum)
        if kind in ("bool", "choice"):
            samples[name] = list(definition.allowed)
        elif kind == "multi_choice":
            singles = [(v,) for v in definition.allowed]
            pairs = list(itertools.combinations([v for v in definition.allowed if v != "none"], 2))
            samples[name] = singles + pairs
        elif kind == "int":
            samples[name] = sorted({int(b) for b in inside})
        elif kind == "number":
            samples[name] = inside
        elif kind == "int_list":
            samples[name] = [tuple([5] * int(n)) for n in sorted({*inside, 2, 3}) if n <= 12] + [(0,), (10,), (17,)]
        else:
            samples[name] = []  # a postcode decides nothing in the catalogue
    return samples
