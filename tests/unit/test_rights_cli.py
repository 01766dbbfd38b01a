"""`wegwijs rights explore` (contracts §3) as a command."""

import json
import subprocess

import pytest

from bot.settings import PROJECT_ROOT

WEGWIJS = str(PROJECT_ROOT / ".venv" / "bin" / "wegwijs")


def run(stdin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([WEGWIJS, "rights", "explore", *args], input=stdin, capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=60)


def test_explore_prints_one_contract_object_in_dutch_by_default():
    done = run(json.dumps({"age": 30, "income_sources": ["leefloon"], "debts": True}))
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1
    result = json.loads(done.stdout)
    assert list(result) == ["may_be_entitled", "to_check", "not_covered"]
    codes = {item["code"] for item in result["may_be_entitled"]}
    assert {"verhoogde_tegemoetkoming", "schuldbemiddeling", "budgetbegeleiding"} <= codes
    vt = next(item for item in result["may_be_entitled"] if item["code"] == "verhoogde_tegemoetkoming")
    assert "je krijgt een leefloon" in vt["why"] and vt["source"].startswith("https://")
    assert "leefloon" not in codes  # already received
    assert {"code": "maximumfactuur", "missing": ["health_insurance"]} in result["to_check"]


def test_language_and_date_options():
    profile = json.dumps({"age": 21, "recognised_disability": True})
    french = json.loads(run(profile, "--lang", "fr", "--date", "2026-11-23").stdout)
    item = next(i for i in french["may_be_entitled"] if i["code"] == "tegemoetkoming_handicap")
    assert "vous avez 21 ans" in item["why"] and "peut-être" in item["why"]
    english = json.loads(run(profile, "--lang", "en").stdout)
    assert "may be entitled" in english["may_be_entitled"][0]["why"]


def test_an_empty_profile_claims_nothing():
    result = json.loads(run("{}").stdout)
    assert result["may_be_entitled"] == [] and len(result["to_check"]) == 26


@pytest.mark.parametrize("stdin, message", [
    ("not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"age": "old"}', "'age'"),
    ('{"housing": "castle"}', "'housing'"),
    ('{"shoe_size": 42}', "'shoe_size'"),
])
def test_bad_input_exits_2_with_a_clear_message(stdin, message):
    done = run(stdin)
    assert done.returncode == 2
    assert message in done.stderr and done.stdout == ""


def test_a_bad_date_exits_2():
    done = run("{}", "--date", "23/11/2026")
    assert done.returncode == 2 and "YYYY-MM-DD" in done.stderr
