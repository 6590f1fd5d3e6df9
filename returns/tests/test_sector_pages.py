"""The sector's validators from the checks pages, through the task queue in the database: the
analyst asks (POST), a run is queued, the database worker (django-tasks' `db_worker`, run here
in-process with --batch) runs it, and the page shows the issues like the service's own, with
the link to the child's record; a validator that fails says so with what to do. Every step is
audited; only the statutory returns rule opens it; one run at a time per return and year; old
runs are pruned. A stand-in validator (a script in a temporary SECTOR_VALIDATORS_DIR) runs
everywhere; the real ones run where scripts/sector-validators.sh could install them."""

import datetime
import html
import json
import signal
import textwrap

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEvent
from childrenincare.testing import looked_after
from partners.models import User
from returns import sector
from returns.models import SectorValidatorRun as Run

D = datetime.date
YEAR = 2026
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def analyst(user, la):
    return user(User.Role.ANALYST, agency=la, team=None)


@pytest.fixture
def worker_runs(transactional_db):
    """Run the queued jobs as `manage.py db_worker --batch` does (every job waiting, then stop),
    in this process, and put back the signal handlers the worker installs. The test is
    transactional: the worker sees only what was committed, as in production, and closes and
    reopens its connection as it does there."""

    def run():
        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)
        finally:
            for number, handler in saved.items():
                signal.signal(number, handler)

    return run


def stand_in(directory, kind, lines=(), exit_code=1):
    """A stand-in for the sector's validator in `directory`/.venv-KIND/bin/python: a script that
    prints `lines` (the validator's JSON lines) and exits with `exit_code`, as scripts/validate_*.py do."""
    path = directory / f".venv-{kind}" / "bin" / "python"
    path.parent.mkdir(parents=True, exist_ok=True)
    printed = "\n".join(f"echo '{json.dumps(line)}'" for line in lines)
    path.write_text(textwrap.dedent("#!/bin/sh\n") + printed + f"\nexit {exit_code}\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def in_care(worker, child):
    looked_after(worker, child, D(2025, 6, 2), referral_date=D(2025, 5, 1))
    return child


def text(response):
    return html.unescape(response.content.decode())


def ask(client, page="returns:ssda903_sector", year=YEAR):
    return client.post(reverse(page), {"year": year})


# --- Through the queue, with a stand-in validator ------------------------------------------


def test_asking_queues_a_run_the_worker_does(client, analyst, in_care, settings, tmp_path, worker_runs):
    settings.SECTOR_VALIDATORS_DIR = str(tmp_path)
    stand_in(
        tmp_path,
        "903",
        [
            {
                "rule_code": "103",
                "child_id": str(in_care.pk),
                "tables_affected": "Header",
                "columns_affected": "ETHNIC",
                "rule_description": "The ethnicity code is either not valid or has not been entered",
            }
        ],
    )
    client.force_login(analyst)
    page = text(client.get(reverse("returns:ssda903"), {"year": YEAR}))
    assert "Run the sector's validator" in page
    assert 'method="post"' in page

    response = ask(client)
    assert response.status_code == 303
    assert response["Location"] == f"{reverse('returns:ssda903')}?year={YEAR}#sector-validator"
    run = Run.objects.get()
    assert (run.kind, run.year, run.status, run.requested_by) == ("903", YEAR, Run.Status.QUEUED, analyst)
    job = DBTaskResult.objects.get(id=run.task_id)
    assert job.status == "READY"
    assert job.task_path == "returns.tasks.run_sector_validator"
    assert job.args_kwargs == {"args": [run.pk], "kwargs": {}}  # an id only: nothing about a child on the queue

    page = text(client.get(reverse("returns:ssda903"), {"year": YEAR}))
    assert "Queued" in page
    assert 'hx-trigger="every 3s"' in page
    assert "js/htmx.min.js" in page
    status = client.get(reverse("returns:ssda903_sector"), {"year": YEAR}, **HTMX)
    assert status.status_code == 200
    assert "Queued" in text(status)
    assert "<html" not in text(status)

    worker_runs()

    run.refresh_from_db()
    assert run.status == Run.Status.DONE
    assert run.started_at
    assert run.finished_at
    assert run.issues == [
        {
            "child": str(in_care.pk),
            "table": "Header",
            "field": "ETHNIC",
            "rule": "103",
            "message": "The ethnicity code is either not valid or has not been entered",
            "fix": sector.FIX,
        }
    ]
    assert in_care.family_name not in json.dumps(run.issues)
    assert DBTaskResult.objects.get(id=run.task_id).status == "SUCCESSFUL"

    # The poll now answers the findings, grouped by rule, and stops polling. An analyst opens
    # no record: the child is named by their ID, with no link.
    status = text(client.get(reverse("returns:ssda903_sector"), {"year": YEAR}, **HTMX))
    assert "found 1 issue under 1 rule" in status
    assert "(rule 103): 1 failure" in status
    assert "hx-trigger" not in status
    assert reverse("people:detail", args=[in_care.pk]) not in status
    assert f"<strong>{in_care.pk}</strong>" in status
    page = text(client.get(reverse("returns:ssda903"), {"year": YEAR}))
    assert "What the sector's validator found" in page
    assert reverse("people:detail", args=[in_care.pk]) not in page
    assert "Run the sector's validator again" in page

    asked = AuditEvent.objects.get(summary__startswith="Asked for the sector")
    assert asked.user == analyst
    assert asked.action == AuditEvent.Action.CREATE
    assert asked.detail == {"kind": "903", "year": YEAR, "run": run.pk, "queued": True, "status": "queued"}
    ran = AuditEvent.objects.get(summary__startswith="Ran the sector")
    assert ran.user == analyst
    assert ran.detail["issues"] == 1
    assert ran.detail["status"] == "done"
    assert ran.detail["error"] == ""
    assert (
        AuditEvent.objects.filter(summary__startswith="Viewed the sector's validator's findings", user=analyst).count()
        == 2
    )

    # Every issue as CSV, streamed, with the child's ID; audited.
    csv_url = reverse("returns:sector_issues", args=[run.pk])
    assert csv_url in page
    response = client.get(csv_url)
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "Rule,Child,Table,Field,Problem,How to fix it,Team,Social worker"
    assert lines[1].startswith(f"103,{in_care.pk},Header,ETHNIC,")
    assert len(lines) == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, summary__contains="findings downloaded").exists()


def test_a_failing_validator_fails_the_run_with_what_to_do(client, analyst, in_care, settings, tmp_path, worker_runs):
    settings.SECTOR_VALIDATORS_DIR = str(tmp_path)
    stand_in(tmp_path, "903", exit_code=3)
    client.force_login(analyst)
    ask(client)
    worker_runs()
    run = Run.objects.get()
    assert run.status == Run.Status.FAILED
    assert run.issues == []
    assert run.error.startswith("The sector's 903 validator could not run (exit 3). Run the sector's validator again.")
    assert "scripts/sector-validators.sh" in run.error
    assert "db_worker" in run.error
    page = text(client.get(reverse("returns:ssda903"), {"year": YEAR}))
    assert "The sector's validator could not run" in page
    assert "(exit 3)" in page
    assert "Run the sector's validator again" in page
    ran = AuditEvent.objects.get(summary__startswith="Ran the sector")
    assert ran.detail["status"] == "failed"
    assert "exit 3" in ran.detail["error"]


def test_one_run_at_a_time_per_return_and_year(client, analyst, user, la, in_care, settings, tmp_path, worker_runs):
    settings.SECTOR_VALIDATORS_DIR = str(tmp_path)
    stand_in(tmp_path, "903")
    stand_in(tmp_path, "cin")
    client.force_login(analyst)
    ask(client)
    other = Client()
    colleague = user(User.Role.HEAD_OF_SERVICE, agency=la, first_name="Hazel", last_name="Head")
    other.force_login(colleague)
    assert ask(other).status_code == 303
    assert Run.objects.count() == 1  # the second request shows the queued one
    assert "Queued" in text(other.get(reverse("returns:ssda903"), {"year": YEAR}))
    assert AuditEvent.objects.get(summary__startswith="Asked for", user=colleague).detail["queued"] is False
    # Another year, and the other return, are runs of their own.
    ask(client, year=YEAR - 1)
    ask(client, page="returns:cin_census_sector")
    assert Run.objects.filter(status=Run.Status.QUEUED).count() == 3
    worker_runs()
    assert set(Run.objects.values_list("status", flat=True)) == {Run.Status.DONE}
    assert "found no issues" in text(client.get(reverse("returns:cin_census"), {"year": YEAR}))
    ask(client)  # once done, a new run can be asked for
    assert Run.objects.filter(kind="903", year=YEAR).count() == 2


def test_a_lost_run_is_given_up_and_old_runs_are_pruned(client, analyst, in_care, settings, tmp_path, worker_runs):
    settings.SECTOR_VALIDATORS_DIR = str(tmp_path)
    settings.SECTOR_RUNS_KEEP_DAYS = 30
    stand_in(tmp_path, "903")
    client.force_login(analyst)
    ask(client)
    lost = Run.objects.get()
    Run.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - datetime.timedelta(hours=2))
    ask(client)  # the lost one is failed, with what to do, and a new one queued
    lost.refresh_from_db()
    assert lost.status == Run.Status.FAILED
    assert "did not finish within 30 minutes" in lost.error
    assert Run.objects.filter(status=Run.Status.QUEUED).count() == 1
    worker_runs()  # the lost run's job finds it given up and leaves it
    lost.refresh_from_db()
    assert lost.status == Run.Status.FAILED
    assert lost.started_at is None
    old = Run.objects.exclude(pk=lost.pk).get()
    Run.objects.filter(pk=old.pk).update(requested_at=timezone.now() - datetime.timedelta(days=31))
    ask(client)
    worker_runs()  # the run prunes, when it finishes, the runs older than 30 days, and their jobs
    assert not Run.objects.filter(pk=old.pk).exists()
    assert not DBTaskResult.objects.filter(id=old.task_id).exists()
    assert Run.objects.count() == 2
    Run.objects.update(requested_at=timezone.now() - datetime.timedelta(days=3))
    call_command("prune_sector_runs", "--days", "2", stdout=open("/dev/null", "w"))
    assert not Run.objects.exists()


# --- Who may, and what is asked -------------------------------------------------------------


def test_a_team_manager_may_not(client, user, settings, tmp_path):
    settings.SECTOR_VALIDATORS_DIR = str(tmp_path)
    stand_in(tmp_path, "903")
    client.force_login(user(User.Role.TEAM_MANAGER))
    assert ask(client).status_code == 403
    assert client.get(reverse("returns:ssda903_sector"), {"year": YEAR}, **HTMX).status_code == 403
    assert ask(client, page="returns:cin_census_sector").status_code == 403
    assert not Run.objects.exists()


def test_asking_needs_the_form_s_csrf_token_and_a_year_offered(analyst, settings, tmp_path):
    settings.SECTOR_VALIDATORS_DIR = str(tmp_path)
    stand_in(tmp_path, "903")
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    assert ask(client).status_code == 403
    page = client.get(reverse("returns:ssda903"), {"year": YEAR})
    token = page.cookies["csrftoken"].value
    bad = client.post(reverse("returns:ssda903_sector"), {"year": "1999", "csrfmiddlewaretoken": token})
    assert bad.status_code == 400
    assert "govuk-error-summary" in text(bad)
    assert not Run.objects.exists()
    good = client.post(reverse("returns:ssda903_sector"), {"year": YEAR, "csrfmiddlewaretoken": token})
    assert good.status_code == 303
    assert Run.objects.count() == 1
    # A plain GET of the poll (no htmx) goes to the page; other methods are refused.
    assert client.get(reverse("returns:ssda903_sector"), {"year": YEAR})["Location"].startswith(
        reverse("returns:ssda903")
    )
    assert client.put(reverse("returns:ssda903_sector")).status_code in (403, 405)


@pytest.mark.parametrize(
    ("page", "run"),
    [("returns:ssda903", "returns:ssda903_sector"), ("returns:cin_census", "returns:cin_census_sector")],
)
def test_not_installed(client, analyst, page, run, settings, tmp_path):
    settings.SECTOR_VALIDATORS_DIR = str(tmp_path)
    client.force_login(analyst)
    body = text(client.get(reverse(page)))
    assert "is not installed on this server" in body
    assert "htmx" not in body
    assert client.post(reverse(run), {"year": YEAR}).status_code == 303
    assert not Run.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not AuditEvent.objects.filter(summary__startswith="Ran the sector").exists()


# --- The real validators, through the queue --------------------------------------------------


def test_the_903_validator_from_the_page(client, analyst, in_care, sector_validators, worker_runs):
    client.force_login(analyst)
    ask(client)
    worker_runs()
    run = Run.objects.get()
    assert run.status == Run.Status.DONE, run.error
    body = text(client.get(reverse("returns:ssda903"), {"year": YEAR}))
    assert "csc-validator-be-903 0.1.17 found" in body
    event = AuditEvent.objects.get(summary__startswith="Ran the sector")
    assert event.user == analyst
    assert event.detail["kind"] == "903"


def test_the_cin_validator_from_the_page(client, analyst, worker, child, sector_validators, worker_runs):
    from familyhelp.testing import open_episode

    open_episode(worker, child, D(2025, 6, 2))
    client.force_login(analyst)
    ask(client, page="returns:cin_census_sector")
    worker_runs()
    body = text(client.get(reverse("returns:cin_census"), {"year": YEAR}))
    assert "csc-validator-be-cin 0.1.13 found" in body
    # The test child has no ethnicity recorded: the validator's finding names the child (no
    # link: an analyst opens no record).
    assert f"<strong>{child.pk}</strong>" in body
    assert reverse("people:detail", args=[child.pk]) not in body
    run = Run.objects.get()
    assert any(issue["child"] == str(child.pk) for issue in run.issues)
    assert child.family_name not in json.dumps(run.issues)
    assert child.given_names not in json.dumps(run.issues)
