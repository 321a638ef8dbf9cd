"""Suite-wide test settings: hypothesis profiles."""

import os

from hypothesis import HealthCheck, settings

# No deadlines: CI machines are slow and shared.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=2000)
settings.load_profile(os.environ.get("LOOM_HYPOTHESIS_PROFILE", "default"))
