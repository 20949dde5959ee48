from tests.meetings.conftest import council_setup, running  # noqa: F401
