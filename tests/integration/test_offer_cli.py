"""`wegwijs offer import|export|search` (contracts §6) through the console command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot.offer import DEMO_FILE, Directory
from bot.offer.hsds import validator
from bot.settings import PROJECT_ROOT
from bot.storage import make_engine

WEGWIJS = str(Path(sys.executable).with_name("wegwijs"))


@pytest.fixture
def database(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'wegwijs.db'}"


def offer(database: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WEGWIJS_DATABASE_URL": database, "WEGWIJS_ENV": "development"}
    return subprocess.run([WEGWIJS, "offer", *args], capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=120)


def test_search_on_a_fresh_database_prints_the_list_the_assistant_shows(database):
    done = offer(database, "search", "--postcode", "2800", "--domain", "debt", "--domain", "energy",
                 "--lang", "fr", "--at", "2025-03-04T10:00")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    engine = make_engine(database)
    expected = Directory(engine).search("2800", ["debt", "energy"], language="fr", at=datetime(2025, 3, 4, 10, 0))
    engine.dispose()
    assert printed == json.loads(json.dumps([item.to_dict() for item in expected]))
    assert printed and all("fr" in item["languages"] for item in printed)
    assert {"service_id", "organization_name", "gbo_role", "address", "phone", "opening_hours", "cost"} <= set(printed[0])


def test_open_now_narrows_the_list(database):
    everything = json.loads(offer(database, "search", "--postcode", "3000", "--at", "2025-03-08T10:30").stdout)
    open_now = json.loads(offer(database, "search", "--postcode", "3000", "--open-now", "--at", "2025-03-08T10:30").stdout)
    assert 0 < len(open_now) < len(everything)


def test_export_prints_valid_hsds_service_objects(database):
    done = offer(database, "export")
    assert done.returncode == 0, done.stderr
    services = json.loads(done.stdout)
    demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    assert len(services) == sum(len(organization["services"]) for organization in demo)
    check = validator("service")
    assert all(not list(check.iter_errors(service)) for service in services)


def test_import_refuses_an_invalid_file_with_exit_2_and_loads_nothing(database, tmp_path):
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    bad_service = data[3]["services"][0]
    bad_service["name"] = "Kapotte dienst"
    bad_service["phones"] = [{"id": "0d7c5c5e-0000-4000-8000-000000000009"}]  # a phone without number
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = offer(database, "import", str(path))
    assert done.returncode == 2
    assert 'service "Kapotte dienst"' in done.stderr and "phones[0].number" in done.stderr
    assert json.loads(offer(database, "export").stdout) != []  # export filled the empty directory with the demo ...
    before = offer(database, "export").stdout
    assert offer(database, "import", str(path)).returncode == 2
    assert offer(database, "export").stdout == before  # ... and the refused import changed nothing


def test_import_is_idempotent_and_replace_swaps_the_directory(database, tmp_path):
    first = offer(database, "import", str(DEMO_FILE))
    assert first.returncode == 0, first.stderr
    again = offer(database, "import", str(DEMO_FILE))
    assert again.returncode == 0 and "0 new, 0 changed" in again.stdout
    own = [o for o in json.loads(DEMO_FILE.read_text(encoding="utf-8")) if "Leuven" in o["name"]]
    path = tmp_path / "own.json"
    path.write_text(json.dumps(own), encoding="utf-8")
    done = offer(database, "import", "--replace", str(path))
    assert done.returncode == 0 and "removed" in done.stdout
    assert json.loads(offer(database, "search", "--postcode", "2800").stdout) == []


def test_unreadable_input_is_a_clear_error(database, tmp_path):
    missing = offer(database, "import", str(tmp_path / "nothing.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    broken = offer(database, "import", str(tmp_path / "broken.json"))
    assert broken.returncode == 2 and "not valid JSON" in broken.stderr
    postcode = offer(database, "search", "--postcode", "28000", "--domain", "debt")
    assert postcode.returncode == 2 and "postcode" in postcode.stderr
