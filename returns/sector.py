"""The sector's own validators, run from the service on the return an analyst is checking:
Data to Insight's csc-validator-be-903 and csc-validator-be-cin, the full DfE rule packs for the
year, beside the service's own checks (returns.validation, returns.cin.validation).

They pin old pandas, so they live in their own virtual environments (scripts/sector-validators.sh
makes .venv-903 and .venv-cin in the directory SECTOR_VALIDATORS_DIR, the repository by default)
and run as a subprocess on a temporary copy of the return (scripts/validate_903.py,
scripts/validate_cin.py). Where they are not installed, `available` says so and the pages offer
nothing. Each issue becomes a returns.validation.Failure, so the pages show it the same way, with
the child and a link to the record. Rules that crash, and 903 rules that fire only after other
rules have changed the shared data store, are reported apart, not as issues of the return.

A run takes seconds on the demo and minutes on a large authority, so the pages never wait for
it: `ask_for_run` records a SectorValidatorRun and puts `returns.tasks.run_sector_validator` on
the task queue in the database (django-tasks; `manage.py db_worker` runs it), which builds the
return as it is then, runs the validator and keeps the issues on the run. One run at a time per
return and year; runs are kept SECTOR_RUNS_KEEP_DAYS days (`prune_runs`).
"""

import dataclasses
import datetime
import json
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from people.models import Identifier, Person

from . import published, ssda903
from .cin import census as cin_census
from .models import SectorValidatorRun
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
    run = subprocess.run(
        [str(python_for(kind)), str(script), str(target), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
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
            failures.append(
                Failure(
                    item.get("child_id", ""),
                    item.get("tables_affected", ""),
                    item.get("columns_affected", ""),
                    item["rule_code"],
                    item.get("rule_description", ""),
                    FIX,
                )
            )
    return Result(_unique(failures), crashed, leaked, VERSIONS["903"])


def check_cin(data, year, la_code):
    """The CIN validator's issues with the census built by cin_census.build."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "cin.xml"
        cin_census.write(data, str(path))
        found = _run("cin", path, ["--year", str(year), "--la", la_code])
    failures = [
        Failure(
            item.get("child_id", "") or "",
            item.get("table", ""),
            item.get("field", ""),
            item.get("rule_code", ""),
            item.get("message", ""),
            FIX,
        )
        for item in found
        if "rule_code" in item
    ]
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


# --- Runs in the background --------------------------------------------------------------

Run = SectorValidatorRun
ISSUE_FIELDS = ("child", "table", "field", "rule", "message", "fix")
AGAIN = (
    "Run the sector's validator again. If it fails again, ask an administrator to check that the "
    "validator is installed (bash scripts/sector-validators.sh) and that the background worker "
    "(manage.py db_worker) is running."
)


def check(kind, year):
    """The sector's validator on the return for `year` as the records are now."""
    if kind == Run.Kind.SSDA903:
        return check_903(ssda903.build(year), year, cin_census.la_code())
    data = cin_census.build(year)
    return check_cin(data, year, data["header"]["LEA"])


def latest_run(kind, year):
    return (
        Run.objects.filter(kind=kind, year=year).select_related("requested_by").order_by("-requested_at", "-pk").first()
    )


def give_up_lost_runs(now=None):
    """Runs queued, or running, for longer than SECTOR_RUN_GIVE_UP_MINUTES (a run itself stops
    after TIMEOUT_SECONDS): their worker stopped, or none is running, so they fail with what to
    do, and a new run can be asked for."""
    now = now or timezone.now()
    since = now - datetime.timedelta(minutes=settings.SECTOR_RUN_GIVE_UP_MINUTES)
    return (
        Run.objects.alias(since_when=Coalesce("started_at", "requested_at"))
        .filter(status__in=Run.ACTIVE, since_when__lt=since)
        .update(
            status=Run.Status.FAILED,
            finished_at=now,
            error=f"The run did not finish within {settings.SECTOR_RUN_GIVE_UP_MINUTES} minutes. " + AGAIN,
        )
    )


def ask_for_run(user, kind, year):
    """(run, queued): a new run put on the task queue, or the one already queued or running for
    this return and year (one at a time). Audited either way."""
    from .tasks import run_sector_validator

    give_up_lost_runs()
    run, queued = latest_run(kind, year), False
    if run is None or not run.active:
        try:
            with transaction.atomic():
                run = Run.objects.create(kind=kind, year=year, requested_by=user, version=VERSIONS[kind])
                # On the database backend the job is a row written in this same transaction:
                # both are there, or neither.
                run.task_id = str(run_sector_validator.enqueue(run.pk).id)
                run.save(update_fields=["task_id"])
            queued = True
        except IntegrityError:  # someone else asked at the same moment: theirs is the one
            run = latest_run(kind, year)
    audit.record(
        user,
        AuditEvent.Action.CREATE if queued else AuditEvent.Action.VIEW,
        obj=run,
        summary=f"Asked for the sector's validator ({VERSIONS[kind]})",
        detail={"kind": kind, "year": year, "run": run.pk, "queued": queued, "status": run.status},
    )
    return run, queued


def start(run_id):
    """Claim a queued run for this worker: the run, or None if it is gone or not queued any more."""
    claimed = Run.objects.filter(pk=run_id, status=Run.Status.QUEUED).update(
        status=Run.Status.RUNNING, started_at=timezone.now()
    )
    return Run.objects.get(pk=run_id) if claimed else None


def finish(run, result=None, error=""):
    """Keep a run's outcome (a Result, or the plain error) and audit it as the analyst's run."""
    run.finished_at = timezone.now()
    if result is not None:
        run.status = Run.Status.DONE
        run.issues = [{name: getattr(f, name) or "" for name in ISSUE_FIELDS} for f in result.failures]
        run.crashed, run.leaked, run.version = list(result.crashed), result.leaked, result.version
    else:
        run.status, run.error = Run.Status.FAILED, error
    with transaction.atomic():
        run.save()
        audit.record(
            run.requested_by,
            AuditEvent.Action.VIEW,
            obj=run,
            summary=f"Ran the sector's validator ({run.version})",
            detail={
                "kind": run.kind,
                "year": run.year,
                "run": run.pk,
                "status": run.status,
                "issues": len(run.issues),
                "crashed": len(run.crashed),
                "error": run.error,
                "seconds": round((run.finished_at - (run.started_at or run.requested_at)).total_seconds(), 1),
            },
        )
    return run


def failure_message(error):
    """What the analyst is told when the validator could not run: what happened, then what to do."""
    if isinstance(error, subprocess.TimeoutExpired):
        happened = f"The sector's validator took longer than {TIMEOUT_SECONDS // 60} minutes and was stopped."
    elif isinstance(error, RuntimeError):
        happened = f"{str(error)[:1].upper()}{str(error)[1:]}."
    else:
        happened = "The sector's validator could not be started on this server."
    return f"{happened} {AGAIN}"


def prune_runs(keep_days=None, now=None):
    """Remove finished runs (and their jobs on the queue) older than `keep_days`
    (SECTOR_RUNS_KEEP_DAYS). Returns how many runs went."""
    from django_tasks_db.models import DBTaskResult

    keep_days = settings.SECTOR_RUNS_KEEP_DAYS if keep_days is None else keep_days
    before = (now or timezone.now()) - datetime.timedelta(days=keep_days)
    old = Run.objects.exclude(status__in=Run.ACTIVE).filter(requested_at__lt=before)
    task_ids = [t for t in old.values_list("task_id", flat=True) if t]
    with transaction.atomic():
        DBTaskResult.objects.finished().filter(id__in=task_ids).delete()
        removed, _ = old.delete()
    return removed


def people_for(child_ids):
    """{child ID as the return names them: person id}, the inverse of returns.collection.child_id:
    the current local authority child ID, else the record id of a child who has none."""
    wanted = sorted({c for c in child_ids if c})
    found = {}
    for chunk in (wanted[i : i + 500] for i in range(0, len(wanted), 500)):
        found.update(
            Identifier.objects.filter(
                id_type=Identifier.Type.LA_CHILD_ID, valid_to__isnull=True, value__in=chunk
            ).values_list("value", "person_id")
        )
    numeric = [int(c) for c in wanted if c not in found and c.isdigit()]
    for chunk in (numeric[i : i + 500] for i in range(0, len(numeric), 500)):
        with_own_id = Identifier.objects.filter(
            id_type=Identifier.Type.LA_CHILD_ID, valid_to__isnull=True, person_id__in=chunk
        ).values("person_id")
        found.update(
            {
                str(pk): pk
                for pk in Person.objects.filter(pk__in=chunk).exclude(pk__in=with_own_id).values_list("pk", flat=True)
            }
        )
    return found


def rows(run):
    """A finished run's issues as rows like the service's own checks: {failure, person_id}."""
    failures = [Failure(*(item.get(name, "") for name in ISSUE_FIELDS)) for item in run.issues]
    people = people_for(f.child for f in failures)
    return [{"failure": f, "person_id": people.get(f.child)} for f in failures]
