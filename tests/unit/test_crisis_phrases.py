"""Crisis phrasings and their everyday look-alikes, per language, as data.

`crisis_phrases/<language>.yml` lists messages a crisis pattern of that
language must flag (with the category) and messages none may flag. Written by
speakers of the language who saw neither the evaluation files nor the models.
"""

from pathlib import Path

import pytest
import yaml

from bot.language import FOREIGN_LANGUAGES
from bot.triage.crisis import load_crisis_patterns

PHRASES_DIR = Path(__file__).parent / "crisis_phrases"


def _phrase_files() -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for path in sorted(PHRASES_DIR.glob("*.yml"))}


def _cases(key: str) -> list:
    cases = []
    for language, data in _phrase_files().items():
        for item in data.get(key) or []:
            if key == "crisis":
                cases.append(pytest.param(language, item["text"], item["category"], id=f"{language}-{len(cases)}"))
            else:
                cases.append(pytest.param(language, item, id=f"{language}-{len(cases)}"))
    return cases


@pytest.fixture(scope="module")
def patterns():
    return load_crisis_patterns()


def test_every_language_only_the_patterns_read_has_both_kinds():
    files = _phrase_files()
    assert set(FOREIGN_LANGUAGES) <= set(files)
    for language, data in files.items():
        assert len(data.get("crisis") or []) >= 30 and len(data.get("not_crisis") or []) >= 30, language


@pytest.mark.parametrize("language, text, category", _cases("crisis"))
def test_a_crisis_is_flagged_in_its_language(patterns, language, text, category):
    assert category in patterns.categories(text, {language}), text


@pytest.mark.parametrize("language, text", _cases("not_crisis"))
def test_its_look_alike_is_not(patterns, language, text):
    assert patterns.categories(text, {language}) == [], text
