"""Rights exploration (GBO functions 3° and 6°): a catalogue of social rights as data,
explainable three-valued rules over the profile of contracts §3, as few questions
as possible, and "you may be entitled" with why, where and who checks.

    catalogue = load_catalogue()
    exploration = explore(profile, catalogue, today)
    exploration.as_contract("nl")             # the JSON of `wegwijs rights explore`
    question = next_question(profile, domains, skipped, catalogue, today)
    answer = parse_answer(question.field, text, "nl")   # a value, SKIP or UNCLEAR
"""

from bot.rights.answers import SKIP, UNCLEAR, Answer, parse_answer
from bot.rights.catalogue import Catalogue, Parameter, Right, load_catalogue
from bot.rights.datafile import DataError
from bot.rights.engine import (
    Choice,
    Exploration,
    Finding,
    Question,
    ToCheck,
    explore,
    next_question,
    question_for,
    remaining_questions,
)
from bot.rights.profile import validate_profile
from bot.rights.render import details, summary_lines, to_check_text, why

__all__ = [
    "SKIP", "UNCLEAR", "Answer", "parse_answer",
    "Catalogue", "Parameter", "Right", "load_catalogue", "DataError",
    "Choice", "Exploration", "Finding", "Question", "ToCheck",
    "explore", "next_question", "question_for", "remaining_questions",
    "validate_profile", "details", "summary_lines", "to_check_text", "why",
]
