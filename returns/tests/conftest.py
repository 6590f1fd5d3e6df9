"""The returns tests share the children-in-care fixtures, and the sector's validators."""

import os
import subprocess
from pathlib import Path

import pytest

from childrenincare.tests.conftest import *  # noqa: F401,F403

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sector_validators():
    """{"903": python, "cin": python} of the validators' own virtual environments, made by
    scripts/sector-validators.sh when missing (a download from PyPI the first time). In CI
    (CI or REQUIRE_BROWSER set) they must be there; elsewhere the tests skip without them."""
    made = subprocess.run(["bash", str(ROOT / "scripts" / "sector-validators.sh")], capture_output=True, text=True)
    pythons = {"903": ROOT / ".venv-903" / "bin" / "python", "cin": ROOT / ".venv-cin" / "bin" / "python"}
    if made.returncode != 0 or not all(p.exists() for p in pythons.values()):
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"the sector's validators could not be installed: {made.stderr[-2000:]}")
        pytest.skip("the sector's validators could not be installed (no network?)")
    return pythons


@pytest.fixture
def immediate_tasks(settings, tmp_path):
    """Jobs run as soon as they are queued, in the request that queues them (django-tasks'
    ImmediateBackend); their files go under a temporary RETURN_JOBS_ROOT."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RETURN_JOBS_ROOT = str(tmp_path / "return-jobs")
    return settings
