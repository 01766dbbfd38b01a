"""Reading the rights YAML files, with errors that name the file, the right and the key."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import yaml

from bot.language import CHAT_LANGUAGES

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "rights"


class DataError(ValueError):
    """A rights data file is invalid; the message names the file, the right and the key."""


@dataclass(frozen=True)
class Where:
    """Where a value sits in the data, for error messages: file, right, key path."""

    file: str
    right: str = ""
    key: str = ""

    def at(self, key: str | int) -> "Where":
        step = f"[{key}]" if isinstance(key, int) else (f".{key}" if self.key else str(key))
        return Where(self.file, self.right, self.key + step)

    def error(self, problem: str) -> DataError:
        parts = [self.file]
        if self.right:
            parts.append(f"right {self.right}")
        if self.key:
            parts.append(f"key {self.key}")
        return DataError(f"{': '.join(parts)}: {problem}")


@dataclass(frozen=True)
class Text:
    """One text in the three chat languages."""

    nl: str
    fr: str
    en: str

    def __call__(self, language: str) -> str:
        return str(getattr(self, check_language(language)))


def check_language(language: str) -> str:
    if language not in CHAT_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}: use one of {', '.join(CHAT_LANGUAGES)}")
    return language


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise DataError(f"{path}: not valid YAML: {error}") from None


def mapping(value: Any, where: Where) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise where.error(f"expected a mapping, got {type(value).__name__}")
    return value


def require(data: Mapping[str, Any], key: str, where: Where) -> Any:
    if key not in data or data[key] is None:
        raise where.at(key).error("is missing")
    return data[key]


def only_keys(data: Mapping[str, Any], allowed: Iterable[str], where: Where) -> None:
    unknown = sorted(set(map(str, data)) - set(allowed))
    if unknown:
        raise where.error(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


def text(value: Any, where: Where) -> Text:
    data = mapping(value, where)
    only_keys(data, CHAT_LANGUAGES, where)
    values = {}
    for language in CHAT_LANGUAGES:
        item = data.get(language)
        if not isinstance(item, str) or not item.strip():
            raise where.at(language).error("a non-empty text is required in each of nl, fr, en")
        values[language] = " ".join(item.split())
    return Text(**values)


def date(value: Any, where: Where) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise where.error(f"expected a date YYYY-MM-DD, got {value!r}")


def str_list(value: Any, where: Where) -> list[str]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise where.error("expected a list of texts")
    return list(value)


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: the form free-text answers are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", plain).replace("_", " ").split())


def join_words(items: Sequence[str], conjunction: str) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
