import re
from pathlib import Path

import pytest

from bot.dialogue import PENDING_CRISIS, PENDING_SUMMARY, SIMPLE_REPLIES, Dialogue
from bot.language import CHAT_LANGUAGES, FOREIGN_LANGUAGES
from bot.life_domains import LIFE_DOMAINS
from bot.municipality import Municipality
from bot.settings import PROJECT_ROOT
from bot.texts import Texts

HELP_LINES = ("112", "1813", "1712", "106")


@pytest.fixture(scope="module")
def dialogue():
    return Dialogue(Texts.load(), Municipality.load(PROJECT_ROOT / "config" / "municipality.yml"))


def all_text(turn):
    return "\n".join(r.text for r in turn.replies)


@pytest.mark.parametrize("language", CHAT_LANGUAGES)
def test_every_text_renders_in_every_chat_language(dialogue, language):
    # The municipality's placeholders, and those the flow fills in (bot/flow).
    flow_values = ("count org org_phone postcode when address reference ics_url field topics status names "
                   "weekday day month time end").split()
    values = {**dialogue.municipality.placeholders(language), "domains": "x", **dict.fromkeys(flow_values, "x")}
    texts = dialogue.texts
    for key, value in texts._catalogue(language).items():
        if isinstance(value, str):
            rendered = texts.get(language, key, values)
            assert "{" not in rendered, (language, key)
    assert set(texts._catalogue(language)["domain_names"]) == set(LIFE_DOMAINS)


def test_every_foreign_language_has_its_offer_and_help_lines(dialogue):
    assert set(FOREIGN_LANGUAGES) <= set(dialogue.texts.foreign_languages)
    for code in FOREIGN_LANGUAGES:
        offer = dialogue.foreign_offer(code)
        # Every help line, not only 112: a crisis the patterns miss in this language still gets them.
        assert all(line in offer.replies[0].text for line in ("112", "1813", "1712")), code
        titles = [b.title for b in offer.replies[0].buttons]
        assert titles[1:] == ["Nederlands", "Français", "English"]
        info = dialogue.human("nl", foreign=code)
        assert dialogue.municipality.sociaal_huis_phone in all_text(info)
        crisis = dialogue.crisis("nl", foreign=code)
        assert all(line in crisis.replies[0].text for line in ("112", "1813", "1712"))


@pytest.mark.parametrize("language", CHAT_LANGUAGES)
def test_a_crisis_gets_every_help_line_first_then_the_offer_to_go_on(dialogue, language):
    turn = dialogue.crisis(language)
    first = turn.replies[0].text
    for number in HELP_LINES:
        assert number in first
    assert dialogue.municipality.caw_phone in first
    assert turn.replies[-1].buttons, "the offer to continue is a choice"
    assert turn.slots["pending"] == PENDING_CRISIS


@pytest.mark.parametrize("language", CHAT_LANGUAGES)
def test_the_greeting_has_a_short_privacy_notice_with_a_link_and_the_open_question(dialogue, language):
    turn = dialogue.greeting(language)
    notice = turn.replies[0].text
    assert dialogue.municipality.privacy_url in notice
    assert len(re.findall(r"[.!?](\s|$)", notice)) <= 3
    assert turn.replies[1].text.endswith(".") or turn.replies[1].text.endswith("?")


def test_the_summary_names_every_domain_in_the_citizens_language(dialogue):
    turn = dialogue.help_question("nl", ["income", "housing"], "geen geld voor de huur", None)
    assert turn.replies[0].text == "Als ik het goed begrijp, gaat het over geld en inkomen en wonen. Klopt dat?"
    assert [b.payload for b in turn.replies[0].buttons] == ["ja", "nee"]
    assert turn.slots["pending"] == PENDING_SUMMARY
    fr = dialogue.help_question("fr", ["debt", "housing", "energy"], "dettes", None)
    assert "les dettes, le logement et l'énergie" in fr.replies[0].text


def test_without_a_domain_the_citizen_is_asked_to_tell_more(dialogue):
    turn = dialogue.help_question("en", [], "i need help", None)
    assert "For example" in turn.replies[0].text
    assert "pending" in turn.slots and turn.slots["pending"] is None


def test_the_help_question_keeps_what_the_citizen_said_before(dialogue):
    turn = dialogue.help_question("nl", ["debt"], "en ook schulden", "geen geld")
    assert turn.slots["help_question"] == "geen geld\nen ook schulden"


def test_yes_and_no_are_read_against_the_pending_question(dialogue):
    with pytest.raises(ValueError, match="bot.flow"):
        dialogue.answer("nl", True, PENDING_SUMMARY)
    corrected = dialogue.answer("nl", False, PENDING_SUMMARY)
    assert corrected.slots["domains"] == []
    after_crisis = dialogue.answer("en", True, PENDING_CRISIS)
    assert after_crisis.replies[0].text == "How can we help you? Tell us in your own words."
    later = dialogue.answer("en", False, PENDING_CRISIS)
    assert "112" in later.replies[0].text


@pytest.mark.parametrize("intent", SIMPLE_REPLIES)
def test_simple_replies_exist_in_every_language(dialogue, intent):
    for language in CHAT_LANGUAGES:
        assert dialogue.simple(language, intent).replies[0].text


def test_a_person_is_reachable_with_phone_and_hours(dialogue):
    text = all_text(dialogue.human("fr"))
    assert dialogue.municipality.sociaal_huis_phone in text
    assert dialogue.municipality.sociaal_huis_hours["fr"] in text
