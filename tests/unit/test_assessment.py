import pytest

from bot.language import LanguageGuess
from bot.triage.assessment import Assessment, assess, routed_intent

NL = LanguageGuess("nl", 0.97, (("nl", 0.97),))


def make(domains=(), patterns=(), crisis_confidence=0.0, language=NL):
    return assess(language, tuple(domains), {}, list(patterns), crisis_confidence)


def test_a_pattern_alone_raises_the_crisis_flag():
    assert make(patterns=["suicide"]).crisis


def test_the_intent_model_raises_the_crisis_flag_when_the_crisis_classifier_is_unsure_too():
    assert assess(NL, (), {}, [], 0.95, crisis_classifier_score=0.35).crisis_reasons == ("model",)
    assert not assess(NL, (), {}, [], 0.1, crisis_classifier_score=0.35).crisis
    # sure of the intent "crisis" while the yes/no classifier sees no danger: a calm
    # message that shares crisis words gets no flag (nor the safety line)
    calm = assess(NL, (), {}, [], 0.95, crisis_classifier_score=0.1)
    assert not calm.crisis and not calm.needs_safety_line


def test_the_crisis_classifier_alone_raises_the_flag_above_its_threshold():
    language = NL
    assert assess(language, (), {}, [], 0.0, crisis_classifier_score=0.9).crisis_reasons == ("classifier",)
    assert not assess(language, (), {}, [], 0.0, crisis_classifier_score=0.2).crisis


def test_an_unsure_crisis_score_asks_for_the_safety_line_and_survives_the_round_trip():
    unsure = assess(NL, ("debt",), {}, [], 0.1, crisis_classifier_score=0.4)
    assert not unsure.crisis and unsure.needs_safety_line and unsure.crisis_score == 0.4
    assert Assessment.from_dict(unsure.as_dict()).needs_safety_line
    assert not assess(NL, (), {}, [], 0.05, crisis_classifier_score=0.1).needs_safety_line
    assert not assess(NL, (), {}, ["suicide"], 0.0, crisis_classifier_score=0.5).needs_safety_line  # flagged instead


def test_the_crisis_intent_without_the_flag_is_a_help_question():
    assert routed_intent("crisis", "ik heb 3 aanmaningen van engie liggen", make(domains=["energy"])) == "describe_problem"
    assert routed_intent("crisis", "ik wil dood", make(patterns=["suicide"])) == "crisis"


def test_a_crisis_comes_before_every_other_intent():
    assert routed_intent("greet", "hallo", make(patterns=["violence_now"])) == "crisis"


def test_a_greeting_that_names_a_domain_is_a_help_question():
    assert routed_intent("greet", "hallo ik heb schulden", make(domains=["debt"])) == "describe_problem"
    assert routed_intent("greet", "hallo", make()) == "greet"


def test_a_reply_with_contact_details_is_an_answer_not_small_talk():
    # At the booking's contact question: "Sam, 0470 12 34 56" reaches the NLU masked.
    assert routed_intent("greet", "Sam, [☎]", make()) == "nlu_fallback"
    assert routed_intent("thank", "merci, [✉]", make()) == "nlu_fallback"
    assert routed_intent("ask_human", "bel me terug op [☎]", make()) == "ask_human"
    assert routed_intent("greet", "Sam, [☎]", make(patterns=["violence_now"])) == "crisis"


def test_a_clear_foreign_message_gets_the_interpreter_route():
    german = LanguageGuess("de", 0.95, (("de", 0.95),))
    text = "Ich brauche Hilfe mit meiner Miete"
    assert routed_intent("describe_problem", text, make(language=german)) == "foreign_language"


def test_the_classifier_cannot_claim_a_foreign_language_the_detector_denies():
    assert routed_intent("foreign_language", "ja", make()) == "nlu_fallback"


def test_assessment_survives_the_round_trip_through_parse_data():
    original = make(domains=["debt", "housing"], patterns=["no_shelter_tonight"])
    assert Assessment.from_dict(original.as_dict()) == original
    line = original.contract_line("x")
    assert line == {"text": "x", "lang": "nl", "domains": ["debt", "housing"], "crisis": True}


@pytest.mark.parametrize("text", ["2800", "2", "0470 12 34 56", "🙂", "..."])
def test_a_message_without_letters_is_never_a_request(text):
    calm = Assessment(LanguageGuess.from_dict(None), (), False)
    for intent in ("stop", "ask_human", "switch_language", "goodbye"):
        assert routed_intent(intent, text, calm) == "nlu_fallback"


def test_a_danger_told_as_past_and_over_gets_the_safety_line_not_the_flag():
    past = assess(NL, ("wellbeing",), {}, ["danger_over", "suicide"], 0.2, crisis_classifier_score=0.1)
    assert not past.crisis and past.needs_safety_line and past.past_danger == ("suicide",)
    assert Assessment.from_dict(past.as_dict()).needs_safety_line
    # the models still raise the flag on their own, and then the patterns count too
    sure = assess(NL, (), {}, ["danger_over", "suicide"], 0.2, crisis_classifier_score=0.8)
    assert sure.crisis and sure.crisis_reasons == ("suicide", "classifier") and not sure.past_danger
    # the qualifier alone is nothing
    assert not assess(NL, (), {}, ["danger_over"], 0.0).needs_safety_line
