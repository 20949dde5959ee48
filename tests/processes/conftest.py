"""The process and proposal factories are shared with tests/proposals."""

from tests.proposals.conftest import admin, district, make_process, process  # noqa: F401
