"""Offer in words (nl/fr/en): one line, details, orienting advice that ranks no one."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from datetime import datetime

import pytest

from bot.life_domains import LIFE_DOMAINS
from bot.offer import DEMO_FILE, Directory, details, orienting_advice, short_line
from bot.offer import render
from bot.storage import create_schema, make_engine

TUESDAY_10H = datetime(2025, 3, 4, 10, 0)
LANGUAGES = ("nl", "fr", "en")
# Words that would rank one provider above another, in the three languages.
RANKING = re.compile(r"\b(beter|best|liefst|aanrader|mieux|meilleur|meilleure|préférable|better|best|recommended)\b", re.I)


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('offer') / 'wegwijs.db'}")
    create_schema(engine)
    directory = Directory(engine)
    directory.import_hsds(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    yield directory
    engine.dispose()


@pytest.fixture(scope="module")
def debt_items(directory):
    return directory.search("2800", ["debt"], at=TUESDAY_10H)


def test_a_short_line_is_one_line_in_the_chosen_language(debt_items):
    ocmw = next(item for item in debt_items if item.gbo_role == "ocmw")
    lines = {language: short_line(ocmw, language) for language in LANGUAGES}
    assert lines["nl"] == "OCMW Mechelen – Sociaal Huis (demo) – Onthaal en sociale dienst · Mechelen · 015 00 00 10"
    assert "Accueil et service social" in lines["fr"] and "Reception and social service" in lines["en"]
    for item, language in itertools.product(debt_items, LANGUAGES):
        line = short_line(item, language)
        assert "\n" not in line and item.organization_name in line and len(line) < 120


def test_details_give_every_fact_the_citizen_needs(debt_items):
    budgetcafe = next(item for item in debt_items if item.name.nl == "Budgetcafé")
    text = details(budgetcafe, "nl")
    assert text.splitlines()[0] == "Budgetcafé Mechelen vzw (demo) – Budgetcafé"
    assert "Eén avond per maand" in text
    for label in ("Adres: ", "Open: elke laatste donderdag van de maand 19:00–21:00", "Telefoon: 015 00 00",
                  "Talen: Nederlands", "Kosten: Gratis.", "Toegankelijk: Rolstoeltoegankelijk"):
        assert label in text, label
    ocmw = next(item for item in debt_items if item.gbo_role == "ocmw")
    french = details(ocmw, "fr")
    assert "Pour votre question : fait de la guidance budgétaire et de la médiation de dettes" in french
    assert "Langues : néerlandais, français, anglais, arabe" in french
    assert "À apporter : Votre carte d'identité" in french and "Ouvert : lun–ven 9h00–12h00; mar 13h00–16h00" in french
    english = details(ocmw, "en")
    assert "Cost: Free." in english and "Bring: Your identity card" in english and "Access: Wheelchair accessible" in english


def test_orienting_advice_has_one_line_per_kind_of_core_actor_in_the_neutral_order(debt_items):
    lines = orienting_advice(["debt"], debt_items, "nl")
    assert len(lines) == 3
    roles_in_order = list(dict.fromkeys(item.gbo_role for item in debt_items if item.gbo_role))
    starts = {"ocmw": "Het OCMW: ", "caw": "Het CAW: ", "health_fund": "De sociale dienst van je ziekenfonds: "}
    assert [line.split(":")[0] + ": " for line in lines] == [starts[role] for role in roles_in_order]
    assert any("schuldbemiddeling" in line for line in lines if line.startswith("Het OCMW"))
    assert any("ziekte" in line for line in lines if line.startswith("De sociale dienst"))


def test_orienting_advice_differs_by_question_and_by_language(directory):
    items = directory.core_actors("3000", [], at=TUESDAY_10H)
    care = orienting_advice(["care"], items, "nl")
    debt = orienting_advice(["debt"], items, "nl")
    assert care != debt
    assert any("handicap" in line for line in care)
    french, english = orienting_advice(["care"], items, "fr"), orienting_advice(["care"], items, "en")
    assert len(french) == len(english) == len(care) == 3
    assert any(line.startswith("Le CPAS (OCMW) : ") for line in french)
    assert any(line.startswith("The social service of your health insurance fund: ") for line in english)


def test_orienting_advice_never_ranks_and_covers_every_domain(directory):
    items = directory.core_actors("2800", [], at=TUESDAY_10H)
    for language, domain in itertools.product(LANGUAGES, LIFE_DOMAINS):
        for line in orienting_advice([domain], items, language):
            assert not RANKING.search(line), line
            assert line.endswith(".") and "\n" not in line
    assert orienting_advice(["debt"], [i for i in items if i.gbo_role is None], "nl") == []


def test_every_language_has_the_same_text_keys(tmp_path):
    for language in LANGUAGES:
        assert render.texts(language)["roles"].keys() == {"ocmw", "caw", "health_fund"}
    for language in LANGUAGES:
        shutil.copy(render.TEXTS_DIR / f"{language}.yml", tmp_path / f"{language}.yml")
    english = (tmp_path / "en.yml").read_text(encoding="utf-8").replace("  hours: Open\n", "")
    (tmp_path / "en.yml").write_text(english, encoding="utf-8")
    with pytest.raises(ValueError, match="en.yml"):
        render._catalogues(tmp_path)
