import sys
from pathlib import Path

import pytest

from wegwijs.bench import endpoints_file
from wegwijs.supervisor import Ports, ServerGroup
from wegwijs.training import NoModelError, current_model

TEST_PORTS = Ports(rasa=15005, actions=15055, web=18000)


@pytest.fixture(scope="session")
def model() -> Path:
    try:
        return current_model()
    except NoModelError as error:
        pytest.fail(f"{error} (`make test` trains it before running the tests)")


@pytest.fixture(scope="session")
def tracker_db(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("tracker") / "wegwijs-test.db"


@pytest.fixture(scope="session")
def servers(model, tracker_db, tmp_path_factory):
    """Rasa, actions and web app of the development profile, on test ports."""
    endpoints = endpoints_file(tmp_path_factory.mktemp("endpoints"), TEST_PORTS.actions, tracker_db)
    with ServerGroup(model, ports=TEST_PORTS, endpoints=str(endpoints), sink=sys.stderr) as group:
        yield group
