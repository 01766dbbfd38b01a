"""The `servers`, `model` and `tracker_db` fixtures live in tests/conftest.py,
shared with the browser tests (tests/e2e): one server group per session."""

from tests.conftest import TEST_PORTS  # noqa: F401  (test modules import it from here)
