"""`wegwijs triage` (contracts §2) on naughty strings and random text: one line out per
line in, in order, never a crash, and nothing personal in what it logs."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bot.privacy.masking import mask_personal_data
from tests.integration.test_privacy_conversation import NAUGHTY, NEVER

pytestmark = [pytest.mark.model]
WEGWIJS = str(Path(sys.executable).parent / "wegwijs")


def random_texts(count: int, seed: int = 8) -> list[str]:
    """Random strings over the whole of Unicode but surrogates (JSON lines cannot carry them)."""
    rng = random.Random(seed)
    planes = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x6FF), (0x900, 0xDFF), (0x1F300, 0x1FAFF), (0x4E00, 0x4FFF),
              (0x0, 0x1F), (0x200B, 0x206F), (0xE000, 0xF8FF), (0xFE00, 0xFFFF)]
    texts = []
    for _ in range(count):
        pieces = []
        for _ in range(rng.randint(0, 60)):
            low, high = rng.choice(planes)
            code = rng.randint(low, high)
            if not 0xD800 <= code <= 0xDFFF:
                pieces.append(chr(code))
        texts.append("".join(pieces))
    return texts


def test_naughty_and_random_lines_each_get_one_answer_and_no_personal_data_is_logged(model):
    texts = NAUGHTY + random_texts(60)
    lines = "".join(json.dumps({"text": t}) + "\n" for t in texts)
    done = subprocess.run([WEGWIJS, "triage"], input=lines, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    out = [json.loads(line) for line in done.stdout.split("\n") if line]  # not splitlines(): U+2028 is text
    assert len(out) == len(texts)
    for text, line in zip(texts, out):
        assert line["text"] == text and isinstance(line["lang"], str) and isinstance(line["crisis"], bool)
        assert isinstance(line["domains"], list)
    assert not [n for n in NEVER if n in done.stderr]


def test_masking_keeps_the_triage_of_help_questions_that_hold_personal_data(model):
    """What the live assistant understands (masked text) is what the citizen meant."""
    questions = [
        "ik heb schulden, bel me op 0486 55 44 33",
        "mon mari me frappe, appelez moi au 0486554433",
        "ik kan mijn huur niet betalen, mijn rijksregisternummer is 85.07.30-033.28",
        "je dois payer sur BE68 5390 0754 7034 et je n'ai pas d'argent",
        "i owe money, my iban is BE68539007547034, email me at jo@example.com",
        "j'ai des dettes, mon mail est marie.dupont@gmail.com",
        "ik wil niet meer leven, bel 0486 55 44 33",
        "help with my energy bill please, call 0486 55 44 33",
    ]
    both = questions + [mask_personal_data(q).text for q in questions]
    done = subprocess.run([WEGWIJS, "triage"], input="".join(json.dumps({"text": t}) + "\n" for t in both),
                          capture_output=True, text=True, timeout=600)
    out = [json.loads(line) for line in done.stdout.split("\n") if line]  # not splitlines(): U+2028 is text
    plain, masked = out[:len(questions)], out[len(questions):]
    for question, before, after in zip(questions, plain, masked):
        assert (after["lang"], after["crisis"]) == (before["lang"], before["crisis"]), question
        assert set(before["domains"]) <= set(after["domains"]) | {"admin"}, question
