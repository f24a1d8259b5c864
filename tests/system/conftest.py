"""System tests: real servers (nginx, gunicorn, PostgreSQL, Redis, S3) as one system; `make test-system`.

Each is marked ``system``. A missing program skips the test with the reason, except in CI
(CI, REQUIRE_SYSTEM=1 or REQUIRE_BROWSER set), where .ci/run installs them and it fails instead.
"""

import os
import shutil

from tests.servers import required


def require_binary(name, fallback=None):
    """The path of an installed program, or a skip (a failure in CI) naming what is missing."""
    path = shutil.which(name) or (fallback if fallback and os.access(fallback, os.X_OK) else None)
    if path:
        return path
    required(name, f"Debian: apt-get install {name}")
