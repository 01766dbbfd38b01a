from pathlib import Path

import pytest
import yaml

from bot.life_domains import LIFE_DOMAINS
from bot.settings import PROJECT_ROOT
from bot.triage.domain_model import (
    THRESHOLD,
    DomainModel,
    DomainPrediction,
    domains_from_scores,
    with_keyword_domains,
)


def _training_blocks():
    for path in sorted((PROJECT_ROOT / "data" / "nlu").rglob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    yield line.strip()[2:], block


def training_examples() -> tuple[list[str], list[list[str]]]:
    pairs = [(text, list((block.get("metadata") or {}).get("domains") or [])) for text, block in _training_blocks()]
    return [t for t, _ in pairs], [d for _, d in pairs]


def training_examples_with_intents() -> tuple[list[str], list[str]]:
    pairs = [(text, block["intent"]) for text, block in _training_blocks()]
    return [t for t, _ in pairs], [i for _, i in pairs]


# Messages the direct computation (bot/triage/linear_text.py) must get exactly
# right too: none of their n-grams known, repeated words, other scripts.
ODD_MESSAGES = [
    "kheb schulden en de deurwaarder komt", "je me sens seule", "help with my tax form", "2800",
    "🙂🙂🙂", "\u0000", "zzzzqqqq", "schulden schulden schulden schulden", "Ik HEB Schulden!!!",
    "Ünïcödé façade naïve", "مرحبا أحتاج مساعدة", "x" * 1600,
]


@pytest.fixture(scope="module")
def model() -> DomainModel:
    return DomainModel().fit(*training_examples())


def test_a_message_can_touch_several_domains(model):
    prediction = model.predict("de deurwaarder komt en ik kan mijn huur niet meer betalen")
    assert {"debt", "housing"} <= set(prediction.domains)


def test_a_greeting_touches_no_domain(model):
    assert model.predict("hallo").domains == ()
    assert model.predict("").domains == ()


def test_the_model_survives_saving_and_loading(model, tmp_path: Path):
    model.save(tmp_path / "m.pkl")
    again = DomainModel.load(tmp_path / "m.pkl")
    assert again.predict("j'ai des dettes").scores == model.predict("j'ai des dettes").scores


def test_training_refuses_unknown_or_missing_domains():
    with pytest.raises(ValueError, match="unknown"):
        DomainModel().fit(["x"], [["money"]])
    with pytest.raises(ValueError, match="no training examples"):
        DomainModel().fit(["schulden"], [["debt"]])


def test_a_keyword_adds_its_domain_but_at_most_three_are_kept():
    scores = {d: 0.0 for d in LIFE_DOMAINS} | {"debt": 0.95, "housing": 0.9, "food": 0.8}
    prediction = DomainPrediction(("debt", "housing", "food"), scores)
    assert with_keyword_domains(prediction, ["legal"]) == ("debt", "housing", "food")
    weaker = DomainPrediction(("debt",), scores | {"housing": 0.1, "food": 0.1})
    assert with_keyword_domains(weaker, ["legal"]) == ("debt", "legal")
    assert THRESHOLD > 0.1


def test_only_domains_the_model_is_sure_enough_of_are_reported():
    scores = {d: 0.0 for d in LIFE_DOMAINS} | {"debt": 0.9, "housing": THRESHOLD, "food": THRESHOLD - 0.01}
    assert domains_from_scores(scores) == ("debt", "housing")
    assert domains_from_scores(scores | {"work": 0.8, "care": 0.7}) == ("debt", "work", "care")


def test_flemish_and_sms_style_messages_are_understood(model):
    assert "wellbeing" in model.predict("kvoel mij de laatste weken echt eenzaam en verdrietig").domains
    assert "income" in model.predict("mijn dop is weer te laat en kzit zonder geld").domains
    assert "legal" in model.predict("jai besoin dun avocat pro deo").domains


def test_many_messages_at_once_give_the_same_answers_as_one_by_one(model):
    texts = ["ik heb schulden", "", "my landlord wants me out"]
    assert model.predict_many(texts) == [model.predict(t) for t in texts]


def test_the_stacked_prediction_gives_the_trained_models_probabilities(model, tmp_path: Path):
    texts = ODD_MESSAGES + training_examples()[0][::25]
    model.save(tmp_path / "m.pkl")
    for loaded in (model, DomainModel.load(tmp_path / "m.pkl")):
        stacked = loaded._probabilities([t.lower() for t in texts])
        assert stacked == pytest.approx(loaded._pipeline.predict_proba([t.lower() for t in texts]), abs=1e-9)
