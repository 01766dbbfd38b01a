"""Whole conversations in a real browser: clicking choices, typing, reloading, losing the connection."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.e2e.chat import Chat

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.servers]


def _answer_rights_questions(chat: Chat, text: str, until: str) -> str:
    """Answers each rights question with its first choice, until the postcode question."""
    for _ in range(12):
        if until in text:
            return text
        text = chat.choose(chat.choices()[0])
    raise AssertionError(f"no {until!r} after twelve rights questions: {text}")


def _book(chat: Chat, words: dict, prefix: str) -> str:
    """From the postcode question to the reference code; returns the last answer."""
    text = chat.type("2800")
    assert words["offer"] in text
    organisations = chat.choices()
    assert len(organisations) >= 4, organisations  # the core actors, then "don't know", "more", "no appointment"
    chat.screenshot(f"{prefix}-04-offer")
    text = chat.choose(organisations[0])
    assert words["slot"] in text
    text = chat.choose(chat.choices()[0])
    assert words["contact"] in text
    text = chat.type("Sam, 0470 12 34 56")
    assert words["consent"] in text
    chat.screenshot(f"{prefix}-05-consent")
    text = chat.choose(words["send"])
    assert words["code"] in text
    chat.screenshot(f"{prefix}-06-booked")
    return text


def _download_calendar(chat: Chat) -> str:
    link = chat.page.locator("#log a[href$='.ics']")
    assert link.count() == 1
    with chat.page.expect_download() as download:
        link.click()
    return Path(download.value.path()).read_text(encoding="utf-8")


def test_a_dutch_citizen_goes_from_help_question_to_a_booked_referral(chat):
    chat.open()
    chat.screenshot("nl-01-start")
    text = chat.type("kheb schulden en de deurwaarder komt")
    assert "/privacy" in text and "schulden" in text
    assert chat.page.locator("#log a[href$='/privacy']").count() == 1, "the privacy notice carries a link"
    assert chat.choices() == ["Ja, dat klopt", "Nee"]
    chat.screenshot("nl-02-summary")
    assert "rechten" in chat.choose("Ja, dat klopt")
    text = _answer_rights_questions(chat, chat.choose("Ja, graag"), until="postcode")
    assert "misschien recht op" in text
    chat.screenshot("nl-03-rights")
    _book(chat, {"offer": "Jij kiest", "slot": "Wanneer past het", "contact": "bereiken",
                 "consent": "Wegwijs stuurt deze gegevens", "send": "Ja, stuur dit", "code": "Je code is"}, "nl")
    calendar = _download_calendar(chat)
    assert "BEGIN:VEVENT" in calendar


def test_a_french_citizen_switches_language_and_books(chat):
    chat.open()
    before = chat.bot_count()
    chat.page.get_by_role("button", name="Français").click()
    text = chat.wait_answer(before)
    assert "on continue en français" in text
    assert chat.page.inner_text("label[for=message]") == "Votre message"
    assert chat.page.evaluate("document.documentElement.lang") == "fr"
    assert chat.page.get_by_role("button", name="Français").get_attribute("aria-pressed") == "true"
    text = chat.type("j'ai des dettes et je ne peux plus payer mon loyer")
    assert "Si je comprends bien" in text
    chat.screenshot("fr-02-summary")
    assert "droits" in chat.choose("Oui, c'est ça")
    assert "code postal" in chat.choose("Non, merci")
    _book(chat, {"offer": "C'est vous qui choisissez", "slot": "Quel moment", "contact": "joindre",
                 "consent": "Wegwijs envoie ces données", "send": "Oui, envoyez ceci", "code": "Votre code est"}, "fr")
    assert "BEGIN:VEVENT" in _download_calendar(chat)


def test_the_conversation_goes_on_after_a_reload_and_a_lost_connection_and_stops_on_request(chat, servers):
    chat.open()
    chat.type("ik heb schulden")
    session = chat.session_id()
    chat.page.reload()
    chat.wait_connected()
    assert chat.session_id() == session
    assert "Klopt dat?" in chat.bot_texts()[-1], "the conversation is on the page again"
    assert chat.choices() == ["Ja, dat klopt", "Nee"]
    assert "rechten" in chat.choose("Ja, dat klopt"), "the assistant remembers where we were"
    chat.screenshot("resume-01-after-reload")

    # The connection drops: Rasa stops and comes back; the page waits and reconnects by itself.
    failures = []

    def restart_rasa():
        try:
            servers.restart("rasa")
        except BaseException as error:  # shown below, in the test's own thread
            failures.append(error)

    restart = threading.Thread(target=restart_rasa)
    restart.start()
    chat.page.wait_for_function("() => document.getElementById('status').textContent.includes('Geen verbinding')")
    chat.screenshot("resume-02-connection-lost")
    restart.join()
    if failures:
        raise failures[0]
    chat.page.wait_for_function("() => document.getElementById('status').textContent === ''", timeout=60_000)
    text = chat.choose("Ja, graag")
    assert "?" in text and chat.choices(), "the next rights question: the same conversation goes on"
    assert chat.session_id() == session

    # Stop: the page forgets the conversation; the next message starts a new one.
    before = chat.bot_count()
    chat.page.get_by_role("button", name="Stop het gesprek").click()
    assert chat.page.evaluate("sessionStorage.getItem('wegwijs-transcript')") is None
    assert "gestopt" in chat.status()
    chat.page.wait_for_function("() => document.querySelector('#log .msg.bot')")
    assert "we stoppen hier" in chat.bot_texts()[-1]
    assert before > chat.bot_count(), "the old messages are gone from the screen"
    chat.screenshot("resume-03-stopped")
    text = chat.type("hallo")
    assert "/privacy" in text, "a new conversation starts with the privacy notice"
    assert chat.session_id() not in (None, session)


def test_a_choice_can_be_made_with_the_keyboard_only(chat):
    page = chat.open().page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Nederlands"
    for _ in range(8):
        if page.evaluate("document.activeElement.id") == "message":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "message"
    before = chat.bot_count()
    page.keyboard.type("ik heb schulden")
    page.keyboard.press("Enter")
    chat.wait_answer(before)
    for _ in range(4):
        if page.evaluate("document.activeElement.textContent") == "Ja, dat klopt":
            break
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "Ja, dat klopt"
    outline = page.evaluate("(s => [s.outlineStyle, parseFloat(s.outlineWidth)])(getComputedStyle(document.activeElement))")
    assert outline[0] == "solid" and outline[1] >= 2, f"a visible focus ring, not {outline}"
    chat.screenshot("keyboard-01-focus-on-a-choice")
    before = chat.bot_count()
    page.keyboard.press("Enter")
    assert "rechten" in chat.wait_answer(before)
    assert page.evaluate("document.activeElement.id") == "message", "after a choice, typing goes on where it was"
    assert chat.page.locator("#log .msg.me").last.inner_text().endswith("Ja, dat klopt")
