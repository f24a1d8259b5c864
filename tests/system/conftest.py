"""System tests: real servers (nginx, gunicorn, ...) started per test module; run in their own CI stage.

Each is marked ``system``. A missing binary skips the test with the reason, unless REQUIRE_SYSTEM=1
(the CI stage that installs them), where it fails instead.
"""

import os
import shutil

import pytest


def require_binary(name, fallback=None):
    """The path of an installed program, or a skip (a failure under REQUIRE_SYSTEM=1) naming what is missing."""
    path = shutil.which(name) or (fallback if fallback and os.access(fallback, os.X_OK) else None)
    if path:
        return path
    message = f"{name} is not installed (Debian: apt-get install {name})"
    if os.environ.get("REQUIRE_SYSTEM") == "1":
        pytest.fail(f"REQUIRE_SYSTEM=1 but {message}")
    pytest.skip(message)
