"""`wegwijs triage` (contracts §2) through the trained model."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.model
WEGWIJS = str(Path(sys.executable).with_name("wegwijs"))


def triage(lines: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [WEGWIJS, "triage"], input="\n".join(lines) + "\n", capture_output=True, text=True,
        cwd=PROJECT_ROOT, env={**os.environ, **(env or {})}, timeout=300,
    )


@pytest.fixture(scope="module")
def result(model):
    texts = [
        "mon mari me frappe",
        "kheb schulden en de deurwaarder staat aan de deur en mijn huur is ook achter",
        "i lost my job and now i cant pay the electricity",
        "hallo",
        "/affirm",
        "أحتاج مساعدة في دفع الإيجار",
        "ik wil niet meer leven",
        "🙂",
    ]
    done = triage([json.dumps({"text": t, "id": n}, ensure_ascii=False) for n, t in enumerate(texts)])
    return texts, done


def test_one_json_line_per_input_line_in_the_same_order(result):
    texts, done = result
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["text"] for line in lines] == texts
    for line in lines:
        assert set(line) == {"text", "lang", "domains", "crisis"}
        assert isinstance(line["crisis"], bool) and isinstance(line["domains"], list)


def test_the_contract_example_is_a_crisis_in_french_about_safety(result):
    first = json.loads(result[1].stdout.splitlines()[0])
    assert first == {"text": "mon mari me frappe", "lang": "fr", "domains": ["safety"], "crisis": True}


def test_a_message_can_touch_several_domains(result):
    lines = [json.loads(line) for line in result[1].stdout.splitlines()]
    assert {"debt", "housing"} <= set(lines[1]["domains"])
    assert lines[1]["lang"] == "nl" and not lines[1]["crisis"]
    assert {"work", "energy"} & set(lines[2]["domains"]) and lines[2]["lang"] == "en"


def test_no_domain_language_of_other_scripts_and_crisis(result):
    lines = [json.loads(line) for line in result[1].stdout.splitlines()]
    assert lines[3]["domains"] == [] and not lines[3]["crisis"]
    assert lines[5]["lang"] == "ar"
    assert lines[6]["crisis"] is True
    assert lines[7]["domains"] == [] and lines[7]["crisis"] is False


def test_a_bad_line_gets_an_error_line_in_its_place(model):
    done = triage(['{"text": "hallo"}', "not json", '{"no_text": 1}', '{"text": "merci"}'])
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 4
    assert "error" in lines[1] and "error" in lines[2]
    assert lines[3]["text"] == "merci"
    assert "line 2" in done.stderr


def test_without_a_trained_model_it_exits_non_zero_with_a_clear_message():
    done = triage(['{"text": "hallo"}'], env={"WEGWIJS_MODEL": "/nonexistent/model.tar.gz"})
    assert done.returncode != 0
    assert "does not exist" in done.stderr
    assert done.stdout == ""


def test_eval_reports_each_file_and_check_fails_below_target(model, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"text": "ik wil niet meer leven", "lang": "nl", "domains": ["wellbeing"], "crisis": True})
                    + "\n", encoding="utf-8")
    wrong = tmp_path / "wrong.jsonl"  # deliberately mislabelled: every target is missed
    wrong.write_text(json.dumps({"text": "waar is de voedselbank", "lang": "fr", "domains": ["energy"], "crisis": True})
                     + "\n", encoding="utf-8")
    done = subprocess.run([WEGWIJS, "eval", str(good), str(wrong), "--check"], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    assert f"== {good}: 1 messages" in done.stdout and f"== {wrong}: 1 messages" in done.stdout
    assert "Crisis recall: 1.000 of 1" in done.stdout
    assert "voedselbank" not in done.stdout  # a blind file's misses are not shown unless asked for
    shown = subprocess.run([WEGWIJS, "eval", str(wrong), "--show-misses"], capture_output=True, text=True,
                           cwd=PROJECT_ROOT, timeout=300)
    assert "Missed crises:\n  waar is de voedselbank" in shown.stdout
    report = json.loads((PROJECT_ROOT / "var" / "results" / "eval-wrong.json").read_text(encoding="utf-8"))
    assert report["language_accuracy"] == 0.0 and report["crisis_recall"] == 0.0


def test_eval_counts_the_help_lines_that_end_every_offer_in_a_language_we_do_not_chat_in(model, tmp_path):
    # Deliberately labelled a crisis: no pattern flags it, but the Polish offer ends with the help lines.
    polish = tmp_path / "polish.jsonl"
    polish.write_text(json.dumps({"text": "Dzień dobry, szukam pomocy z czynszem za mieszkanie", "lang": "pl",
                                  "domains": None, "crisis": True}) + "\n", encoding="utf-8")
    done = subprocess.run([WEGWIJS, "eval", str(polish)], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)
    assert "Crisis recall: 0.000 of 1" in done.stdout, done.stdout
    assert "Crises flagged or given the safety line: 1.000" in done.stdout
