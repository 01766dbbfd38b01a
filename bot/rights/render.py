"""Saying an exploration's results in plain words: the contract JSON, one short line
per right, and the details of one right. Every text says that the organisation
that decides checks it; none says that someone IS entitled."""

from __future__ import annotations

from typing import Any, Sequence

from bot.life_domains import check_domains
from bot.rights.catalogue import Catalogue, Right
from bot.rights.datafile import check_language, join_words
from bot.rights.engine import Exploration, ToCheck
from bot.rights.profile import say_fact
from bot.rights.rules import Fact


def contract(exploration: Exploration, catalogue: Catalogue, language: str) -> dict[str, Any]:
    """The JSON object of contracts §3."""
    check_language(language)
    return {
        "may_be_entitled": [
            {"code": f.code, "why": why(f.code, f.facts, catalogue, language),
             "where": catalogue[f.code].where(language), "source": catalogue[f.code].source.url}
            for f in exploration.may_be_entitled
        ],
        "to_check": [{"code": t.code, "missing": list(t.missing)} for t in exploration.to_check],
        "not_covered": exploration.not_covered(language),
    }


def why(code: str, facts: Sequence[Fact], catalogue: Catalogue, language: str) -> str:
    right = catalogue[code]
    return catalogue.text("why", language).format(
        name=right.name(language), facts=say_facts(facts, catalogue, language), decides=_decider(right, language))


def say_facts(facts: Sequence[Fact], catalogue: Catalogue, language: str) -> str:
    """'you receive leefloon and you are 67': one phrase per field, multi-choice values merged."""
    merged: dict[str, Any] = {}
    for fact in facts:
        if fact.field in merged and catalogue.fields[fact.field].kind == "multi_choice":
            merged[fact.field] += tuple(v for v in fact.value if v not in merged[fact.field])
        else:
            merged.setdefault(fact.field, fact.value)
    list_and = catalogue.text("list_and", language)
    return join_words([say_fact(catalogue.fields[name], value, language, list_and) for name, value in merged.items()],
                      list_and)


def summary_lines(exploration: Exploration, catalogue: Catalogue, language: str,
                  domains: Sequence[str] = ()) -> list[str]:
    """One short line per right: first those the citizen may be entitled to, then those
    still to check (only those of `domains` when given)."""
    check_language(language)
    wanted = set(check_domains(list(domains)))
    lines = [catalogue.text("summary_may", language).format(name=catalogue[f.code].name(language),
                                                             decides=_decider(catalogue[f.code], language))
             for f in exploration.may_be_entitled]
    lines += [catalogue.text("summary_check", language).format(name=catalogue[t.code].name(language))
              for t in exploration.to_check if not wanted or wanted & set(catalogue[t.code].domains)]
    return lines


def details(code: str, exploration: Exploration, catalogue: Catalogue, language: str) -> str:
    """Everything about one right: what it is and gives, why (or what is still to check),
    who decides, where to apply, who helps, what to bring, and the source."""
    check_language(language)
    right = catalogue[code]
    status, item = exploration.result(code)
    text = lambda key: catalogue.text(key, language)  # noqa: E731
    decides_lower = right.decides(language)
    parts = [f"{right.name(language)}. {right.explanation(language)}",
             f"{text('heading_gives')} {right.gives(language)}"]
    if status == "may_be_entitled":
        parts.append(f"{text('heading_why')} {why(code, item.facts, catalogue, language)}")
    elif status == "to_check":
        parts.append(to_check_text(item, catalogue, language))
    elif status == "ruled_out":
        parts.append(text("ruled_out").format(facts=say_facts(item.facts, catalogue, language),
                                              decides_lower=decides_lower))
    else:
        parts.append(text("already").format(facts=say_facts(item.facts, catalogue, language)))
    if right.also_checks is not None:
        parts.append(text("also_checks").format(decides=_decider(right, language), checks=right.also_checks(language)))
    helpers = join_words([catalogue.actor(actor, language) for actor in right.helps], text("list_or"))
    parts += [
        f"{text('heading_decides')} {_capital(decides_lower)}. "
        f"{text('only_decider').format(decides_lower=decides_lower)}",
        f"{text('heading_where')} {right.where(language)}",
        f"{text('heading_helps')} {_capital(helpers)}.",
        f"{text('heading_bring')} {right.bring(language)}",
        text("source").format(source=_source(right), checked=right.last_checked.strftime(text("date_format"))),
    ]
    return "\n".join(parts)


def to_check_text(item: ToCheck, catalogue: Catalogue, language: str) -> str:
    """What is still unknown and what the deciding organisation checks, in words."""
    right = catalogue[item.code]
    parts = [catalogue.text("summary_check", language).format(name=right.name(language))]
    if item.missing:
        nouns = [catalogue.fields[name].noun(language) for name in item.missing]
        parts.append(catalogue.text("still_unknown", language).format(
            missing=join_words(nouns, catalogue.text("list_and", language))))
    if item.checks:
        parts.append(catalogue.text("checks", language).format(
            decides=_decider(right, language),
            checks=join_words([c(language) for c in item.checks], catalogue.text("list_and", language))))
    return " ".join(parts)


def _decider(right: Right, language: str) -> str:
    return _capital(right.decides(language))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _source(right: Right) -> str:
    return f"{right.source.url}, {right.source.page}" if right.source.page else right.source.url
