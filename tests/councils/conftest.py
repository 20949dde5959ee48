from tests.meetings.conftest import council_setup, running  # noqa: F401
from tests.proposals.conftest import admin, make_process, make_proposal, make_resident  # noqa: F401
