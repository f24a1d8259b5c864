"""The pure core imports no web framework, database or model: checked in a fresh interpreter."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import app.core

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Frameworks (and anything of theirs) and the app's own layers above the core.
FORBIDDEN_PACKAGES = ("flask", "sqlalchemy", "flask_sqlalchemy", "flask_login", "flask_wtf", "wtforms", "werkzeug")
FORBIDDEN_MODULES = ("app.models", "app.extensions", "app.factory", "app.services", "app.web")
CORE_MODULES = sorted(f"app.core.{module.name}" for module in pkgutil.iter_modules(app.core.__path__))


def modules_loaded_by_importing(modules):
    probe = (
        f"import sys\nimport {', '.join(modules)}\n"
        f"print('\\n'.join(sorted(name for name in sys.modules if name.split('.')[0] in {FORBIDDEN_PACKAGES!r}"
        f" or name.startswith({FORBIDDEN_MODULES!r}))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout.split()


def test_the_core_holds_the_domain_modules():
    assert {
        "app.core.recovery",
        "app.core.aftercare",
        "app.core.triage",
        "app.core.cohort",
        "app.core.charts",
        "app.core.images",
        "app.core.opening_hours",
    } <= set(CORE_MODULES)


def test_importing_the_whole_core_loads_no_framework_database_or_model():
    assert modules_loaded_by_importing(CORE_MODULES) == []


def test_the_probe_sees_a_forbidden_import():
    """The check itself can fail: importing the models is caught."""
    loaded = modules_loaded_by_importing(["app.models"])
    assert "flask" in loaded and "sqlalchemy" in loaded and "app.models" in loaded
