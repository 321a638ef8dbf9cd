"""Suite-wide test settings: hypothesis profiles and the pass-verification fixture."""

import os

import pytest
from hypothesis import HealthCheck, settings

# No deadlines: CI machines are slow and shared.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=2000)
settings.load_profile(os.environ.get("LOOM_HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="module")
def verify_passes():
    """Run a test module under a PassContext that verifies the IR after every pass.

    After each pass (graph and TIR alike) the module must be well-formed and print to text that
    parses back to the same IR; a failure names the pass. Compile tests use it for every compile
    (module scope, so that module-scoped fixtures which compile are covered too).
    """
    from loom.transform import PassContext, VerifyIR, check_round_trip, check_well_formed

    with PassContext(instruments=[VerifyIR((check_well_formed, check_round_trip))]) as ctx:
        yield ctx
