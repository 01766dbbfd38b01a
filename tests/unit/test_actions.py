"""The Rasa actions as thin adapters: tracker in, bot decision out (no server)."""

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    ActionAnswer,
    ActionCrisis,
    ActionForeignLanguage,
    ActionReply,
    ActionTriage,
)


def tracker(text, intent, slots=None, domains=(), language=("nl", 0.95), crisis=False, crisis_score=0.0):
    assessment = {
        "language": {"code": language[0], "confidence": language[1], "ranking": [list(language)]},
        "domains": list(domains),
        "crisis": crisis,
        "crisis_reasons": ["suicide"] if crisis else [],
        "domain_scores": {},
        "crisis_score": crisis_score,
    }
    return Tracker.from_dict(
        {
            "sender_id": "test",
            "slots": slots or {},
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.9}, "wegwijs": assessment},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


def run(action, t):
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, t, {})
    events = asyncio.run(result) if asyncio.iscoroutine(result) else result
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_the_first_answer_starts_with_the_privacy_notice_then_the_summary():
    messages, slots = run(ActionTriage(), tracker("ik heb schulden", "describe_problem", domains=["debt"]))
    assert "/privacy" in messages[0]["text"]
    assert messages[1]["text"] == "Als ik het goed begrijp, gaat het over schulden. Klopt dat?"
    assert slots["greeted"] is True and slots["pending"] == "summary" and slots["domains"] == ["debt"]


def test_later_answers_do_not_repeat_the_privacy_notice():
    messages, _ = run(ActionTriage(), tracker("ik heb schulden", "describe_problem", {"greeted": True}, ["debt"]))
    assert len(messages) == 1


def test_a_crisis_answer_puts_the_help_lines_before_anything_else():
    messages, slots = run(ActionCrisis(), tracker("ik wil dood", "crisis", crisis=True))
    assert "112" in messages[0]["text"] and "/privacy" not in messages[0]["text"]
    assert slots["pending"] == "crisis_continue"


def test_no_with_a_domain_is_a_corrected_help_question():
    t = tracker("nee het gaat over mijn huur", "deny", {"greeted": True, "pending": "summary"}, ["housing"])
    messages, slots = run(ActionAnswer(), t)
    assert "wonen" in messages[0]["text"] and slots["domains"] == ["housing"]


def test_the_language_slot_follows_a_clear_message_and_ignores_a_short_one():
    t = tracker("je n'arrive plus à payer mon loyer", "describe_problem", {"language": "nl", "greeted": True},
                ["housing"], language=("fr", 0.97))
    messages, slots = run(ActionTriage(), t)
    assert slots["language"] == "fr" and messages[0]["text"].startswith("Si je comprends bien")
    messages, slots = run(ActionReply(), tracker("merci", "thank", {"language": "en", "greeted": True}, language=("fr", 0.9)))
    assert "language" not in slots and messages[0]["text"].startswith("You are welcome")


def test_a_foreign_message_is_noted_without_changing_the_chat_language():
    t = tracker("Ich brauche Hilfe mit meiner Miete", "foreign_language", {"language": "nl"}, language=("de", 0.95))
    messages, slots = run(ActionForeignLanguage(), t)
    assert slots["foreign_language"] == "de" and "language" not in slots
    assert "Dolmetscher" in messages[0]["text"]
    later = tracker("i need help with my rent please", "describe_problem",
                    {"language": "nl", "foreign_language": "de", "greeted": True}, ["housing"], language=("en", 0.95))
    _, slots = run(ActionTriage(), later)
    assert slots["foreign_language"] is None and slots["language"] == "en"


def test_a_message_that_might_be_a_crisis_gets_its_answer_then_the_help_lines_in_one_line():
    text = "ik wil gewoon dat het stopt, kheb ook schulden"
    messages, slots = run(ActionTriage(), tracker(text, "describe_problem", {"greeted": True}, ["debt"], crisis_score=0.45))
    assert messages[0]["text"] == "Als ik het goed begrijp, gaat het over schulden. Klopt dat?"
    assert "112" in messages[-1]["text"] and "1813" in messages[-1]["text"] and len(messages) == 2
    assert slots["pending"] == "summary"  # the conversation goes on as it would


def test_a_clear_help_question_or_a_flagged_crisis_gets_no_extra_line():
    calm, _ = run(ActionTriage(), tracker("ik heb schulden", "describe_problem", {"greeted": True}, ["debt"],
                                          crisis_score=0.05))
    assert len(calm) == 1
    crisis, _ = run(ActionCrisis(), tracker("ik wil dood", "crisis", crisis=True, crisis_score=0.99))
    assert sum("1813" in m["text"] for m in crisis) == 1


def test_the_help_line_is_in_the_conversation_language():
    messages, _ = run(ActionTriage(), tracker("je veux que ça s'arrête, j'ai des dettes", "describe_problem",
                                              {"greeted": True, "language": "fr"}, ["debt"], ("fr", 0.97), crisis_score=0.4))
    assert messages[-1]["text"].startswith("Ça ne va pas, ou vous êtes en danger ?")
