"""End-to-end tests compile under IR verification: every pass must keep the module well-formed
and round-tripping through the printer (the `verify_passes` fixture of the suite's conftest)."""

import pytest


@pytest.fixture(scope="module", autouse=True)
def _verified(verify_passes):
    return verify_passes
