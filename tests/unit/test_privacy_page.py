"""The privacy statement in the citizen's language, and the links that lead to it (no servers)."""

from dataclasses import replace

import pytest

from bot.municipality import Municipality
from bot.settings import PROJECT_ROOT
from webapp.chat_page import ChatPage
from webapp.privacy_page import PrivacyPage

MUNICIPALITY = Municipality.load(PROJECT_ROOT / "config" / "municipality.yml")


@pytest.fixture(scope="module")
def privacy():
    return PrivacyPage(MUNICIPALITY)


@pytest.mark.parametrize("language, words", [
    ("nl", ["Privacy bij Wegwijs", "30 dagen", "AVG", "wis mijn gegevens"]),
    ("fr", ["Vie privée chez Wegwijs", "30 jours", "RGPD", "supprimez mes données"]),
    ("en", ["Privacy at Wegwijs", "30 days", "GDPR", "delete my data"]),
])
def test_the_statement_is_in_the_asked_language_with_the_municipalitys_details(privacy, language, words):
    page = privacy.render(language)
    assert f'<html lang="{language}">' in page
    for word in [*words, MUNICIPALITY.sociaal_huis_phone, MUNICIPALITY.sociaal_huis_address]:
        assert word in page, (language, word)
    assert "{" not in page  # every placeholder filled


def test_an_unknown_language_gets_the_dutch_statement(privacy):
    assert privacy.render("de") == privacy.render("nl")


def test_links_to_the_own_statement_carry_the_language_and_a_municipalitys_own_url_is_kept():
    assert [MUNICIPALITY.privacy_url_in(code) for code in ("nl", "fr", "en")] == ["/privacy", "/privacy/fr", "/privacy/en"]
    absolute = replace(MUNICIPALITY, privacy_url="https://chat.example.be/privacy")  # as the actions make it
    assert absolute.placeholders("fr")["privacy_url"] == "https://chat.example.be/privacy/fr"
    own = replace(MUNICIPALITY, privacy_url="https://www.stad.be/privacyverklaring", own_privacy_page=False)
    assert own.placeholders("fr")["privacy_url"] == "https://www.stad.be/privacyverklaring"


def test_the_chat_pages_privacy_link_follows_the_page_language():
    page = ChatPage(MUNICIPALITY, socket_url=None)
    assert 'href="/privacy" data-href="privacy_link"' in page.render("nl")
    assert 'href="/privacy/fr" data-href="privacy_link"' in page.render("fr")
    assert page.texts["en"]["privacy_link"] == "/privacy/en"  # what the page's language switch sets
