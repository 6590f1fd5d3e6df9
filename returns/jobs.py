"""Checks and exports of the returns as background jobs (returns.models.ReturnJob), on the task
queue in the database (django-tasks; `manage.py db_worker` runs them; returns.tasks.run_return_job).

The pages never wait for a return to be built: `ask` records a job and queues it, and the job
page shows how far it has got ("Checking 1,200 of 2,000 children"), asked again by htmx every
few seconds, or by the page refreshing itself without JavaScript. When it is done, a check's
findings are kept on the job (the child as the return names them and the record id, never a
name) and shown grouped by rule (returns.checks); an export's file is written under
RETURN_JOBS_ROOT by a random name and offered for download to the user who asked only, audited
when downloaded. Jobs and their files are removed after RETURN_JOBS_KEEP_HOURS (`prune`, each
time a job is asked for, and `manage.py prune_return_jobs`).
"""

import datetime
import logging
import secrets
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent

from . import ssda903, validation
from .annex_a import selectors as annex_a
from .cin import census as cin_census
from .cin import exploitation_factors
from .cin import validation as cin_validation
from .collection import year_label
from .models import ReturnJob

logger = logging.getLogger(__name__)
Job = ReturnJob
Kind = ReturnJob.Kind
AGAIN = (
    "Try again. If it fails again, ask an administrator to check that the background worker "
    "(manage.py db_worker) is running."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Where the user goes back to: the page a job was asked for on.
PAGES: dict[str, str] = {
    Kind.SSDA903_CHECK: "returns:ssda903",
    Kind.SSDA903_FILES: "returns:ssda903",
    Kind.CIN_CHECK: "returns:cin_census",
    Kind.CIN_XML: "returns:cin_census",
    Kind.ANNEX_A: "returns:annex_a",
}


def root() -> Path:
    return Path(getattr(settings, "RETURN_JOBS_ROOT", "") or Path(settings.BASE_DIR) / "var" / "return-jobs")


def keep_hours() -> int:
    return int(getattr(settings, "RETURN_JOBS_KEEP_HOURS", 24))


def describe(job: ReturnJob) -> str:
    """The job in words, for headings and the audit trail: "SSDA903 checks 2025 to 2026"."""
    if job.kind == Kind.ANNEX_A:
        return f"{job.get_kind_display()} for {job.inspection_date:%-d %B %Y}"
    return f"{job.get_kind_display()} {year_label(job.year)}"


def ask(user: Any, kind: str, *, year: int | None = None, inspection_date: datetime.date | None = None) -> ReturnJob:
    """A new job put on the task queue for this user (queued with its job on the queue in one
    transaction), audited. Old jobs go first."""
    from .tasks import run_return_job

    prune()
    with transaction.atomic():
        job = Job.objects.create(kind=kind, year=year, inspection_date=inspection_date, requested_by=user)
        audit.record(
            user,
            AuditEvent.Action.CREATE,
            obj=job,
            summary=f"Asked for {describe(job)}",
            detail={"kind": kind, "year": year, "inspection_date": str(inspection_date or ""), "job": job.pk},
        )
        task_id = str(run_return_job.enqueue(job.pk).id)
        Job.objects.filter(pk=job.pk).update(task_id=task_id)
    job.refresh_from_db()
    return job


def for_user(user: Any, job_id: int) -> ReturnJob | None:
    """The job, if this user asked for it; None otherwise (another user's job does not exist for them)."""
    return Job.objects.filter(pk=job_id, requested_by=user).select_related("requested_by").first()


def latest(user: Any, kind: str, **scope: Any) -> ReturnJob | None:
    return Job.objects.filter(requested_by=user, kind=kind, **scope).order_by("-requested_at", "-pk").first()


def start(job_id: int) -> ReturnJob | None:
    """Claim a queued job for this worker: the job, or None if it is gone or not queued any more."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), stage="Reading the records"
    )
    return Job.objects.get(pk=job_id) if claimed else None


def reporter(job: ReturnJob, stage: str) -> Callable[[int, int], None]:
    """progress(done, total) for a build or a check: kept on the job for the page to show.
    `stage` is what it is doing, with {done} and {total} where the counts go."""

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(stage=stage, done=done, total=total)

    progress(0, 0)
    return progress


def run(job_id: int) -> str:
    """Do the job: "done", "failed" or "skipped" (not queued any more)."""
    job = start(job_id)
    if job is None:
        return "skipped"
    try:
        WORK[job.kind](job)
    except (KeyboardInterrupt, SystemExit):
        finish(job, error="The background worker was stopped before the job finished. " + AGAIN)
        raise
    except Exception:
        finish(job, error="Something went wrong in the service while preparing the return. " + AGAIN)
        logger.error("return job %s failed", job_id)  # the queue keeps the traceback; nothing personal here
        raise
    return "done"


def finish(job: ReturnJob, *, result: dict | None = None, file: tuple[str, str, str] | None = None, error: str = ""):
    """Keep what the job found or wrote (file: (file name, download name, content type)), or why it failed."""
    job.finished_at = timezone.now()
    if error:
        job.status, job.error = Job.Status.FAILED, error
    else:
        job.status = Job.Status.DONE
        job.result = result or {}
        if file:
            job.file_name, job.download_name, job.content_type = file
    job.stage = ""
    job.save()
    return job


def _new_file(suffix: str) -> tuple[str, Path]:
    directory = root()
    directory.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + suffix
    return name, directory / name


def _year(job: ReturnJob) -> int:
    if job.year is None:
        raise ValueError("a job on a return has a collection year")
    return job.year


def _failures(failures: list, children: dict) -> dict:
    return {
        "failures": [
            {"child": f.child, "table": f.table, "field": f.field, "rule": f.rule, "message": f.message, "fix": f.fix}
            for f in failures
        ],
        "children": {child: pk for child, pk in children.items()},
    }


def _check_903(job: ReturnJob) -> None:
    children: dict = {}
    tables = ssda903.build(job.year, children=children)
    failures = validation.check(tables, job.year, progress=reporter(job, "Checking {done} of {total} children"))
    counts = {name: len(rows) for name, rows in tables.items()}
    finish(job, result={"counts": counts, **_failures(failures, children)})


def _check_cin(job: ReturnJob) -> None:
    children: dict = {}
    data = cin_census.build(job.year, children=children)
    failures = cin_validation.check(data, job.year, progress=reporter(job, "Checking {done} of {total} children"))
    failures += exploitation_factors.check(data)
    finish(job, result={"counts": cin_census.counts(data), "header": data["header"], **_failures(failures, children)})


def _files_903(job: ReturnJob) -> None:
    """The SSDA903 tables as CSV files in a ZIP, written to a file (never held whole in memory)."""
    tables = ssda903.build(job.year)
    progress = reporter(job, "Writing table {done} of {total}")
    name, path = _new_file(".zip")
    with tempfile.TemporaryDirectory() as directory, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        written = ssda903.write(tables, directory)
        for index, written_path in enumerate(written):
            progress(index + 1, len(written))
            archive.write(written_path, Path(written_path).name)
    counts = {name: len(rows) for name, rows in tables.items()}
    finish(
        job,
        result={"counts": counts},
        file=(name, f"ssda903-{_year(job) - 1}-{str(job.year)[2:]}.zip", "application/zip"),
    )


def _xml_cin(job: ReturnJob) -> None:
    data = cin_census.build(job.year, serial=cin_census.next_serial(job.year))
    reporter(job, "Writing the census")
    name, path = _new_file(".xml")
    cin_census.write(data, str(path))
    finish(
        job,
        result={"counts": cin_census.counts(data), "serial": data["header"]["SerialNo"]},
        file=(name, f"cin-census-{_year(job) - 1}-{str(job.year)[2:]}.xml", "application/xml"),
    )


def _annex_a(job: ReturnJob) -> None:
    day = job.inspection_date
    if day is None:
        raise ValueError("an Annex A job has an inspection date")
    tables = annex_a.build(day, progress=reporter(job, "Building list {done} of {total}"))
    reporter(job, "Writing the workbook")
    name, path = _new_file(".xlsx")
    with path.open("wb") as target:
        annex_a.write(tables, target)
    finish(job, result={"counts": annex_a.counts(tables)}, file=(name, f"annex-a-{day.isoformat()}.xlsx", XLSX))


WORK: dict[str, Callable[[ReturnJob], None]] = {
    Kind.SSDA903_CHECK: _check_903,
    Kind.CIN_CHECK: _check_cin,
    Kind.SSDA903_FILES: _files_903,
    Kind.CIN_XML: _xml_cin,
    Kind.ANNEX_A: _annex_a,
}


def file_path(job: ReturnJob) -> Path | None:
    """The job's file, if it is there."""
    if not job.file_name or "/" in job.file_name or job.file_name.startswith("."):
        return None
    path = root() / job.file_name
    return path if path.is_file() else None


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def prune(now: datetime.datetime | None = None) -> int:
    """Remove finished jobs older than RETURN_JOBS_KEEP_HOURS, their files and their rows on
    the queue; and fail jobs queued or running for longer than that (their worker stopped).
    Returns how many jobs went."""
    from django_tasks_db.models import DBTaskResult

    before = (now or timezone.now()) - datetime.timedelta(hours=keep_hours())
    old = list(Job.objects.exclude(status__in=Job.ACTIVE).filter(requested_at__lt=before))
    Job.objects.filter(status__in=Job.ACTIVE, requested_at__lt=before).update(
        status=Job.Status.FAILED,
        finished_at=now or timezone.now(),
        error=f"The job did not finish within {keep_hours()} hours. " + AGAIN,
    )
    for job in old:
        path = file_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
    task_ids = [job.task_id for job in old if _is_uuid(job.task_id)]  # the database backend's ids
    with transaction.atomic():
        DBTaskResult.objects.finished().filter(id__in=task_ids).delete()
        removed, _ = Job.objects.filter(pk__in=[job.pk for job in old]).delete()
    return removed
