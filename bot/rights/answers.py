"""Understanding a free-text answer to one profile question, in Dutch (also Flemish
chat and SMS style), French or English: "ik ben 67", "two kids of 4 and 9",
"je touche le revenu d'intégration", "1.450 euro per maand", "nr 2".

The words are data (`bot/data/rights/answers.yml`, and each value's words in
`fields.yml`); every language is understood in every conversation.

Conventions:
- "I'd rather not say" and "I don't know" are SKIP: the question is not asked again.
- The income question asks a yearly amount; an amount said per month ("per maand",
  "par mois", "a month") is multiplied by 12. Several amounts are UNCLEAR (ask again
  for one total). The figure is taken as said: nothing is converted from net to gross.
- Children: ages are needed. "2 kinderen van 3 en 7" gives [3, 7]; "geen kinderen"
  gives []; a count without ages ("2 kinderen") is UNCLEAR, to ask the ages.
- Choice questions also take a choice's 1-based number: "2", "nr 2", "2.";
  multi-choice takes several: "1 en 3", "1, 3".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

from bot.rights.datafile import DATA_DIR, Where, check_language, fold, mapping, read_yaml, require, str_list
from bot.rights.profile import Field, default_fields


@dataclass(frozen=True)
class Answer:
    status: str        # "value" | "skip" | "unclear"
    value: Any = None  # the field's value in contract form when status == "value"

    @property
    def is_value(self) -> bool:
        return self.status == "value"


SKIP = Answer("skip")
UNCLEAR = Answer("unclear")


@dataclass(frozen=True)
class _Vocabulary:
    skip: tuple[tuple[str, ...], ...]
    yes: tuple[tuple[str, ...], ...]
    no_phrases: tuple[tuple[str, ...], ...]
    no: frozenset[str]          # single words that say no, for "geen werk"
    nothing: frozenset[str]     # every word of the "nothing" answers
    numbers: dict
    article_numbers: frozenset[str]
    child_words: frozenset[str]
    per_month: tuple[tuple[str, ...], ...]
    months: frozenset[str]
    choice_prefix: frozenset[str]
    choice_joiners: frozenset[str]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    path = DATA_DIR / "answers.yml"
    data = mapping(read_yaml(path), Where(path.name))

    def words(key: str) -> list[str]:
        return [fold(w) or w for w in str_list(require(data, key, Where(path.name)), Where(path.name, key=key))]

    return _Vocabulary(
        skip=tuple(tuple(w.split()) for w in words("skip")),
        yes=tuple(tuple(w.split()) for w in words("yes_words")),
        no_phrases=tuple(tuple(w.split()) for w in words("no_words")),
        no=frozenset(w for w in words("no_words") if " " not in w),
        nothing=frozenset(token for w in words("nothing") for token in w.split()),
        numbers={fold(k): int(v) for k, v in mapping(data.get("numbers"), Where(path.name, key="numbers")).items()},
        article_numbers=frozenset(words("article_numbers")), child_words=frozenset(words("child_words")),
        per_month=tuple(tuple(w.split()) for w in words("per_month")), months=frozenset(words("months")),
        choice_prefix=frozenset(words("choice_number_prefix")), choice_joiners=frozenset(words("choice_joiners")),
    )


def parse_answer(field: str, text: str, language: str) -> Answer:
    """A value for `field`, SKIP, or UNCLEAR."""
    check_language(language)
    fields = default_fields()
    if field not in fields:
        raise ValueError(f"unknown profile field {field!r}")
    definition = fields[field]
    vocabulary = _vocabulary()
    tokens = fold(text or "").split()
    if not tokens:
        return UNCLEAR
    if any(_spans(tokens, phrase) for phrase in vocabulary.skip):
        return SKIP
    parser = {
        "bool": _parse_bool, "choice": _parse_choice, "multi_choice": _parse_multi_choice, "int": _parse_int,
        "number": _parse_number, "postcode": _parse_postcode, "int_list": _parse_children,
    }[definition.kind]
    value = parser(definition, text, tokens, vocabulary)
    return UNCLEAR if value is None else Answer("value", value)


# ---- choices --------------------------------------------------------------------------


def _spans(tokens: list[str], phrase: tuple[str, ...]) -> list[tuple[int, int]]:
    size = len(phrase)
    return [(i, i + size) for i in range(len(tokens) - size + 1) if tuple(tokens[i:i + size]) == phrase]


def _negated(tokens: list[str], start: int, vocabulary: _Vocabulary) -> bool:
    return any(t in vocabulary.no for t in tokens[max(0, start - 2):start])


def _matches(definition: Field, tokens: list[str], vocabulary: _Vocabulary) -> list[tuple[Any, int, int]]:
    """(value, start, end) for each value word found, not negated, not inside a longer match."""
    found = []
    for item in definition.values:
        phrases = {tuple(w.split()) for w in item.words if w}
        phrases |= {tuple(fold(item.label(lang)).split()) for lang in ("nl", "fr", "en")}
        for phrase in phrases:
            found += [(item.value, s, e) for s, e in _spans(tokens, phrase) if not _negated(tokens, s, vocabulary)]
    return [m for m in found
            if not any(o is not m and o[1] <= m[1] and m[2] <= o[2] and o[2] - o[1] > m[2] - m[1] for o in found)]


def _choice_numbers(definition: Field, tokens: list[str], vocabulary: _Vocabulary) -> Optional[list[int]]:
    """The 1-based choice numbers when the answer is only numbers ("2", "nr 2", "1 en 3")."""
    if not all(t.isdigit() or t in vocabulary.choice_prefix or t in vocabulary.choice_joiners for t in tokens):
        return None
    numbers = [int(t) for t in tokens if t.isdigit()]
    if not numbers:
        return None
    if any(not 1 <= n <= len(definition.values) for n in numbers):
        return []
    return numbers


def _nothing(tokens: list[str], vocabulary: _Vocabulary) -> bool:
    return all(t in vocabulary.nothing or t in vocabulary.no for t in tokens)


def _parse_bool(definition: Field, text: str, tokens: list[str], vocabulary: _Vocabulary) -> Optional[bool]:
    numbers = _choice_numbers(definition, tokens, vocabulary)
    if numbers is not None:
        return definition.values[numbers[0] - 1].value if len(numbers) == 1 else None
    def starts(phrases) -> bool:
        return any(tuple(tokens[:len(p)]) == p for p in phrases)

    if starts(vocabulary.yes):
        return True
    if starts(vocabulary.no_phrases) or _nothing(tokens, vocabulary):
        return False
    if any(t in vocabulary.no for t in tokens):
        return False
    if any(_spans(tokens, p) for p in vocabulary.yes) or _matches(definition, tokens, vocabulary):
        return True
    return None


def _parse_choice(definition: Field, text: str, tokens: list[str], vocabulary: _Vocabulary) -> Optional[str]:
    numbers = _choice_numbers(definition, tokens, vocabulary)
    if numbers is not None:
        return definition.values[numbers[0] - 1].value if len(numbers) == 1 else None
    matches = _matches(definition, tokens, vocabulary)
    if not matches:
        return "none" if "none" in definition.allowed and _nothing(tokens, vocabulary) else None
    longest = max(e - s for _, s, e in matches)
    values = {value for value, s, e in matches if e - s == longest}
    return values.pop() if len(values) == 1 else None


def _parse_multi_choice(definition: Field, text: str, tokens: list[str], vocabulary: _Vocabulary) -> Optional[list]:
    numbers = _choice_numbers(definition, tokens, vocabulary)
    if numbers is not None:
        values = {definition.values[n - 1].value for n in numbers}
    else:
        values = {value for value, _, _ in _matches(definition, tokens, vocabulary)}
        if not values and _nothing(tokens, vocabulary) and "none" in definition.allowed:
            values = {"none"}
    if len(values) > 1:
        values.discard("none")
    return [v for v in definition.allowed if v in values] or None


# ---- numbers ----------------------------------------------------------------------------

# An amount: "18.000", "1 450", "1450,50", "1,450.50"; an optional "k" for thousands.
_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.\s\u00a0\u202f]\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d+)*)(\s?k\b)?",
                     re.IGNORECASE)


def _amount(raw: str) -> Optional[float]:
    """'1.450' -> 1450, '1 450' -> 1450, '1450,50' -> 1450.5, '1,450.50' -> 1450.5, '2,5' -> 2.5."""
    number = re.sub(r"[\s\u00a0\u202f]", "", raw)
    separators = [c for c in number if c in ".,"]
    if separators:
        if len(set(separators)) == 2:  # the last one is the decimal mark
            decimal = number[max(number.rfind("."), number.rfind(","))]
            number = number.replace("," if decimal == "." else ".", "").replace(decimal, ".")
        elif len(separators) > 1 or re.search(r"[.,]\d{3}$", number):  # groups of thousands
            number = number.replace(separators[0], "")
        else:
            number = number.replace(",", ".")
    try:
        return float(number)
    except ValueError:
        return None


def _amounts(text: str) -> list[float]:
    found = []
    for match in _AMOUNT.finditer(text):
        value = _amount(match.group(1))
        if value is not None:
            found.append(value * (1000 if match.group(2) else 1))
    return found


def _in_range(definition: Field, value: float) -> bool:
    return definition.minimum <= value <= definition.maximum


def _parse_int(definition: Field, text: str, tokens: list[str], vocabulary: _Vocabulary) -> Optional[int]:
    for count, phrases in (definition.number_words or {}).items():
        if any(_spans(tokens, tuple(p.split())) for p in phrases):
            return count
    numbers = _amounts(text)
    if not numbers:
        numbers = [vocabulary.numbers[t] for t in tokens if t in vocabulary.numbers
                   and (t not in vocabulary.article_numbers or len(tokens) == 1)]
    if not numbers or not float(numbers[0]).is_integer() or not _in_range(definition, numbers[0]):
        return None
    return int(numbers[0])


def _parse_number(definition: Field, text: str, tokens: list[str], vocabulary: _Vocabulary) -> Optional[float]:
    numbers = _amounts(text)
    if not numbers:
        return 0 if any(t in vocabulary.no or t in vocabulary.nothing for t in tokens) else None
    if len(numbers) != 1:
        return None
    value = numbers[0]
    if definition.name == "yearly_gross_household_income":
        if any(_spans(tokens, phrase) for phrase in vocabulary.per_month):
            value *= 12
    elif value >= 1900:  # a year ("since 2019"): not a duration
        return None
    elif any(t in vocabulary.months for t in tokens):
        value /= 12
    value = round(value, 2)
    if not _in_range(definition, value):
        return None
    return int(value) if float(value).is_integer() else value


def _parse_postcode(definition: Field, text: str, tokens: list[str], vocabulary: _Vocabulary) -> Optional[str]:
    codes = {t for t in tokens if re.fullmatch(r"[1-9]\d{3}", t)}
    return codes.pop() if len(codes) == 1 else None


def _parse_children(definition: Field, text: str, tokens: list[str], vocabulary: _Vocabulary) -> Optional[list[int]]:
    counts, ages = [], []
    for i, token in enumerate(tokens):
        number = int(token) if token.isdigit() else vocabulary.numbers.get(token)
        if number is None:
            continue
        ahead = tokens[i + 1:i + 3]
        before_child = bool(ahead) and (ahead[0] in vocabulary.child_words or
                                        (len(ahead) == 2 and ahead[1] in vocabulary.child_words
                                         and not ahead[0].isdigit() and ahead[0] not in vocabulary.numbers))
        if token in vocabulary.article_numbers and not before_child and len(tokens) > 1:
            continue  # "een", "une": an article here, not a number
        (counts if before_child else ages).append(number)
    if not counts and not ages:
        return [] if any(t in vocabulary.no or t in vocabulary.nothing for t in tokens) else None
    if counts and len(ages) != sum(counts):
        return None
    if not counts and ages == [0] and len(tokens) == 1:
        return []  # a bare "0": no children
    if any(not _in_range(definition, age) for age in ages):
        return None
    return sorted(ages)
