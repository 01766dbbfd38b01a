"""The SMS channel's own texts and keywords, per language, from bot/data/sms/."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Optional

import yaml

from bot.language import CHAT_LANGUAGES, DEFAULT_LANGUAGE
from bot.sms.gsm import for_sms

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "sms"


class Catalogue:
    def __init__(self, texts: Mapping[str, Mapping[str, str]], keywords: Mapping[str, Mapping[str, list]]) -> None:
        self.texts = texts
        self.keywords = keywords

    @classmethod
    def load(cls, directory: Path = DATA_DIR) -> "Catalogue":
        data = {
            code: yaml.safe_load((directory / f"{code}.yml").read_text(encoding="utf-8")) for code in CHAT_LANGUAGES
        }
        reference = set(data[DEFAULT_LANGUAGE]["texts"])
        for code, catalogue in data.items():
            if set(catalogue["texts"]) != reference:
                raise ValueError(f"sms/{code}.yml texts differ from nl.yml: {sorted(set(catalogue['texts']) ^ reference)}")
        for code, catalogue in data.items():
            for kind, words in catalogue["keywords"].items():
                if not all(isinstance(word, str) for word in words):  # YAML reads a bare YES as true
                    raise ValueError(f"sms/{code}.yml keywords.{kind}: quote every keyword")
        return cls(
            {code: dict(d["texts"]) for code, d in data.items()},
            {code: {kind: list(words) for kind, words in d["keywords"].items()} for code, d in data.items()},
        )

    def text(self, language: Optional[str], key: str, values: Mapping[str, str] | None = None) -> str:
        """The text in `language` (Dutch if unknown), placeholders filled, ready for SMS."""
        catalogue = self.texts.get(language or DEFAULT_LANGUAGE) or self.texts[DEFAULT_LANGUAGE]
        return for_sms(" ".join(str(catalogue[key]).split()).format(**(values or {})))
