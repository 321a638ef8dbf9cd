"""Every pass a transform test runs is checked: the module it produces is well-formed and
round-trips through the printer and parser (`VerifyIR`). Tests needing their own config use
the `verified_context` factory, which keeps the checks."""

import pytest

from loom.transform import PassContext, VerifyIR, check_round_trip, check_well_formed


def _verify() -> VerifyIR:
    return VerifyIR((check_well_formed, check_round_trip))


@pytest.fixture(autouse=True)
def _verify_each_pass():
    with PassContext(instruments=[_verify()]):
        yield


@pytest.fixture
def verified_context():
    """Make a `PassContext` (same arguments) that also verifies after every pass."""

    def make(**kwargs) -> PassContext:
        instruments = [*kwargs.pop("instruments", ()), _verify()]
        return PassContext(instruments=instruments, **kwargs)

    return make
