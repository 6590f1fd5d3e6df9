"""The sector's own validators, run from the service on the return an analyst is checking:
Data to Insight's csc-validator-be-903 and csc-validator-be-cin, the full DfE rule packs for the
year, beside the service's own checks (returns.validation, returns.cin_validation).

They pin old pandas, so they live in their own virtual environments (scripts/sector-validators.sh
makes .venv-903 and .venv-cin in the directory SECTOR_VALIDATORS_DIR, the repository by default)
and run as a subprocess on a temporary copy of the return (scripts/validate_903.py,
scripts/validate_cin.py). Where they are not installed, `available` says so and the pages offer
nothing. Each issue becomes a returns.validation.Failure, so the pages show it the same way, with
the child and a link to the record. Rules that crash, and 903 rules that fire only after other
rules have changed the shared data store, are reported apart, not as issues of the return.
"""

import dataclasses
import json
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from . import cin_census, published, ssda903
from .validation import Failure

VERSIONS = {"903": "csc-validator-be-903 0.1.17", "cin": "csc-validator-be-cin 0.1.13"}
SCRIPTS = {"903": "validate_903.py", "cin": "validate_cin.py"}
TIMEOUT_SECONDS = 900
FIX = "Check the record against the DfE guide for this rule, then run the check again"


@dataclasses.dataclass
class Result:
    failures: list
    crashed: list  # rule codes the validator could not run (its own bugs)
    leaked: int  # 903 issues that go away when the rule runs alone (see scripts/validate_903.py)
    version: str


def _root():
    return Path(getattr(settings, "SECTOR_VALIDATORS_DIR", "") or settings.BASE_DIR)


def python_for(kind):
    path = _root() / f".venv-{kind}" / "bin" / "python"
    return path if path.exists() else None


def available(kind):
    return python_for(kind) is not None


def _run(kind, target, args):
    script = Path(settings.BASE_DIR) / "scripts" / SCRIPTS[kind]
    run = subprocess.run([str(python_for(kind)), str(script), str(target), *args], capture_output=True, text=True,
                         timeout=TIMEOUT_SECONDS)
    if run.returncode not in (0, 1):
        raise RuntimeError(f"the sector's {kind} validator could not run (exit {run.returncode})")
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


def check_903(tables, year, la_code):
    """The 903 validator's issues with the return built by ssda903.build; la_code the DfE 3-digit code."""
    area = published.la(la_code)
    with tempfile.TemporaryDirectory() as directory:
        ssda903.write(tables, directory)
        found = _run("903", directory, ["--year", str(year), "--la", area.new_code if area else la_code])
    failures, crashed, leaked = [], [], 0
    for item in found:
        if item.get("crashed"):
            crashed.append(item["rule"])
        elif item.get("leaked"):
            leaked += 1
        elif "rule_code" in item:
            failures.append(Failure(item.get("child_id", ""), item.get("tables_affected", ""),
                                    item.get("columns_affected", ""), item["rule_code"],
                                    item.get("rule_description", ""), FIX))
    return Result(_unique(failures), crashed, leaked, VERSIONS["903"])


def check_cin(data, year, la_code):
    """The CIN validator's issues with the census built by cin_census.build."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "cin.xml"
        cin_census.write(data, str(path))
        found = _run("cin", path, ["--year", str(year), "--la", la_code])
    failures = [Failure(item.get("child_id", "") or "", item.get("table", ""), item.get("field", ""),
                        item.get("rule_code", ""), item.get("message", ""), FIX) for item in found if "rule_code" in item]
    return Result(_unique(failures), [], 0, VERSIONS["cin"])


def _unique(failures):
    """One failure per child, rule and field (the validators report a row per affected cell)."""
    seen, kept = set(), []
    for failure in failures:
        key = (failure.child, failure.rule, failure.table, failure.field)
        if key not in seen:
            seen.add(key)
            kept.append(failure)
    return kept
