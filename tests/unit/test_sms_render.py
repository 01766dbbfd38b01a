"""Bot turns as SMS bodies, and replies that pick a numbered choice."""

import pytest

from bot.sms.choices import chosen_number, resolve_choice
from bot.sms.gsm import is_gsm7
from bot.sms.render import MAX_BODY_CHARS, Choice, render_turn

YES_NO = [{"title": "Ja, dat klopt", "payload": "ja"}, {"title": "Nee", "payload": "nee"}]


def test_a_turn_with_buttons_is_one_body_with_numbered_lines():
    turn = render_turn([
        {"text": "Dank je."},
        {"text": "Als ik het goed begrijp, gaat het over schulden. Klopt dat?", "buttons": YES_NO},
    ])
    assert turn.bodies == ("Dank je.\nAls ik het goed begrijp, gaat het over schulden. Klopt dat?\n1 Ja, dat klopt\n2 Nee",)
    assert turn.choices == (Choice("Ja, dat klopt", "ja"), Choice("Nee", "nee"))
    assert turn.segment_count == 1


def test_choices_are_numbered_across_the_turn_and_titles_stay_gsm7():
    turn = render_turn([
        {"text": "Choisissez :", "buttons": [{"title": "Être rappelé", "payload": "rappel"}]},
        {"text": "Ou :", "buttons": [{"title": "Parler à quelqu’un", "payload": "humain"}]},
    ])
    assert turn.bodies[0].endswith("1 Etre rappelé\nOu :\n2 Parler à quelqu'un")
    assert [c.payload for c in turn.choices] == ["rappel", "humain"]
    assert is_gsm7(turn.bodies[0])


def test_paragraphs_are_kept_as_lines_and_empty_messages_dropped():
    turn = render_turn([{"text": "Een.\n\nTwee."}, {"text": "   "}, {"image": "https://x.test/a.png"}])
    assert turn.bodies == ("Een.\nTwee.\nhttps://x.test/a.png",)
    assert render_turn([]).bodies == ()


def test_long_content_is_split_on_line_boundaries_and_never_inside_the_choices():
    lines = [f"Recht {n}: uitleg over dit recht en waar je het aanvraagt." for n in range(60)]
    buttons = [{"title": f"Keuze {n}", "payload": f"k{n}"} for n in range(1, 9)]
    turn = render_turn([{"text": "\n".join(lines)}, {"text": "Wat wil je?", "buttons": buttons}])
    assert len(turn.bodies) >= 3
    assert all(len(body) <= MAX_BODY_CHARS for body in turn.bodies)
    assert "\n".join(turn.bodies).split("\n") == lines + ["Wat wil je?"] + [f"{n} Keuze {n}" for n in range(1, 9)]
    choice_lines = [f"{n} Keuze {n}" for n in range(1, 9)]
    assert any(all(line in body for line in choice_lines) for body in turn.bodies), "the list stays in one SMS"


def test_a_single_over_long_line_is_cut_at_spaces():
    turn = render_turn([{"text": "woord " * 500}])
    assert len(turn.bodies) == 2 and all(len(b) <= MAX_BODY_CHARS for b in turn.bodies)
    assert " ".join(turn.bodies).split() == ["woord"] * 500


@pytest.mark.parametrize("reply", ["2", "2.", " 2 ", "nr 2", "Nr. 2", "n° 2", "n°2", "no 2", "nummer 2", "numéro 2",
                                   "keuze 2", "choix 2", "#2", "2)", "２"])
def test_a_reply_of_just_the_number_picks_that_choice(reply):
    assert resolve_choice(reply, [Choice("Ja", "ja"), Choice("Nee", "nee")]) == Choice("Nee", "nee")


@pytest.mark.parametrize("reply", ["2 kinderen", "ik heb 2 schulden", "12", "0", "3", "twee", "", "2.5"])
def test_other_replies_are_free_text(reply):
    assert resolve_choice(reply, [Choice("Ja", "ja"), Choice("Nee", "nee")]) is None


def test_typing_the_choice_or_its_payload_also_picks_it():
    choices = [Choice("Ja, dat klopt", "ja"), Choice("Met iemand praten", "met iemand praten")]
    assert resolve_choice("ja dat klopt!", choices) == choices[0]
    assert resolve_choice("JA", choices) == choices[0]
    assert resolve_choice("met iemand praten", choices) == choices[1]


def test_without_choices_shown_a_number_is_free_text():
    assert resolve_choice("2", []) is None
    assert chosen_number("2") == 2 and chosen_number("2 euro") is None
