"""Checks and exports of the returns as background jobs (returns.jobs), and the checks grouped by
rule (returns.checks): asked for (POST), queued on the task queue in the database, followed
(progress in words, the htmx status fragment, a refresh without JavaScript), then the failures
grouped by rule with a count and the children under each, naming who can fix each, and a link
to the record only for a viewer who may open it; exports offered for download to the user who
asked only, audited; a failed job says what happened; old jobs and their files are removed; the
CSV of one SSDA903 table streams exactly what the export writes."""

import csv
import datetime
import html
import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEvent
from childrenincare.testing import looked_after
from familyhelp import services as family_help
from partners.models import User
from returns import checks, jobs, ssda903
from returns.models import ReturnJob
from returns.validation import Failure
from testing import builders

D = datetime.date
YEAR = 2026
HTMX = {"HTTP_HX_REQUEST": "true"}
Kind = ReturnJob.Kind


@pytest.fixture
def analyst(user, la):
    return user(User.Role.ANALYST, agency=la, team=None)


@pytest.fixture
def head(user, la):
    return user(User.Role.HEAD_OF_SERVICE, agency=la, team=None)


@pytest.fixture
def fixer(user, team):
    return user(User.Role.SOCIAL_WORKER, team=team, first_name="Fiona", last_name="Fixer")


@pytest.fixture
def no_ethnicity(worker, manager, team, fixer):
    """Three children looked after with no ethnicity (rule 103), allocated to `fixer`."""
    made = []
    for index in range(3):
        child = builders.child(given_names=f"Kid{index}", family_name="Noethnic", ethnicity="")
        period = looked_after(worker, child, D(2025, 6, 2 + index), referral_date=D(2025, 5, 1))
        family_help.allocate(manager, period.episode, team=team, worker=fixer, on=D(2025, 6, 2))
        made.append(child)
    return made


def text(response):
    return html.unescape(response.content.decode())


def check(client, page="returns:ssda903_run", year=YEAR):
    return client.post(reverse(page), {"year": year})


# --- Grouped by rule -------------------------------------------------------------------------


def test_failures_are_grouped_by_rule_with_a_count_and_the_children_under_it(
    client, analyst, no_ethnicity, immediate_tasks, settings
):
    settings.RETURNS_CHECKS_LISTED_PER_RULE = 2
    client.force_login(analyst)
    response = check(client)
    assert response.status_code == 303
    assert response["Location"] == f"{reverse('returns:ssda903')}?year={YEAR}#checks"
    response = client.get(reverse("returns:ssda903"), {"year": YEAR})
    page = text(response)
    groups = {g.rule: g for g in response.context["groups"]}
    group = groups["103"]
    assert group.count == 3
    assert group.description == "Ethnicity is missing or not a valid code"
    assert len(group.rows) == 2
    assert group.more == 1
    assert {r.failure.child for r in group.rows} <= {str(c.pk) for c in no_ethnicity}
    assert "Ethnicity is missing or not a valid code (rule 103): 3 failures" in page
    assert page.count('class="govuk-details"') >= len(groups)
    csv_url = reverse("returns:job_failures", args=[ReturnJob.objects.get().pk])
    assert f'And 1 more: <a class="govuk-link" href="{csv_url}">download the full list (CSV)</a>' in page
    # Each rule once in the summary, not a row per failure.
    assert page.count("Ethnicity is missing or not a valid code (rule 103)") == 1


def test_by_rule_orders_rules_and_keeps_every_row_counted():
    rows = [checks.Row(Failure(str(n), "Header", "X", rule, f"Problem {rule}", "Fix")) for n, rule in enumerate("BAB")]
    rows += [checks.Row(Failure("9", "Header", "X", "1530", "UPN bad", "Fix"))] * 65
    groups = checks.by_rule(rows, listed=20)
    assert [g.rule for g in groups] == ["1530", "A", "B"]
    assert [g.count for g in groups] == [65, 1, 2]
    assert groups[0].more == 45
    assert len(groups[0].rows) == 20
    assert not groups[0].varied


def test_an_analyst_sees_who_can_fix_it_and_no_link_to_a_record_they_cannot_open(
    client, analyst, no_ethnicity, immediate_tasks
):
    client.force_login(analyst)
    check(client)
    page = text(client.get(reverse("returns:ssda903"), {"year": YEAR}))
    child = no_ethnicity[0]
    assert reverse("people:detail", args=[child.pk]) not in page
    assert f"<strong>{child.pk}</strong>" in page  # the identifier, as text
    assert "Who can fix it: " in page
    assert "Fiona Fixer" in page
    assert child.given_names not in page


def test_a_head_of_service_who_may_open_the_record_gets_the_link(client, head, no_ethnicity, immediate_tasks):
    client.force_login(head)
    check(client)
    page = text(client.get(reverse("returns:ssda903"), {"year": YEAR}))
    assert reverse("people:detail", args=[no_ethnicity[0].pk]) in page
    assert "Fiona Fixer" in page


def test_the_cin_census_check_is_grouped_too(client, analyst, worker, child, immediate_tasks):
    from familyhelp.testing import open_episode

    child.sex = ""
    child.save()
    open_episode(worker, child, D(2025, 6, 2))
    client.force_login(analyst)
    assert check(client, "returns:cin_census_run").status_code == 303
    response = client.get(reverse("returns:cin_census"), {"year": YEAR})
    assert "4180" in {g.rule for g in response.context["groups"]}
    assert reverse("people:detail", args=[child.pk]) not in text(response)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, summary="CIN census checks 2025 to 2026").get()
    assert event.detail["by_rule"]["4180"] == 1
    assert child.family_name not in str(event.detail)


def test_who_can_fix_prefers_the_open_allocation(manager, team, worker, fixer, child, user):
    period = looked_after(worker, child, D(2025, 6, 2), referral_date=D(2025, 5, 1))
    family_help.allocate(manager, period.episode, team=team, worker=worker, on=D(2025, 6, 2))
    family_help.allocate(manager, period.episode, team=team, worker=fixer, on=D(2025, 9, 1), change_reason="MANAGE")
    assert checks.who_can_fix([child.pk]) == {child.pk: (team.name, "Fiona Fixer")}
    assert checks.who_can_fix([]) == {}


# --- The job's life ------------------------------------------------------------------------


def test_a_check_is_queued_then_shows_progress_then_the_result(client, analyst, no_ethnicity):
    client.force_login(analyst)
    page = text(client.get(reverse("returns:ssda903"), {"year": YEAR}))
    assert "Check the return" in page
    assert check(client).status_code == 303
    job = ReturnJob.objects.get()
    assert (job.kind, job.year, job.status, job.requested_by) == (Kind.SSDA903_CHECK, YEAR, "queued", analyst)
    queued = DBTaskResult.objects.get(id=job.task_id)
    assert queued.task_path == "returns.tasks.run_return_job"
    assert queued.args_kwargs == {"args": [job.pk], "kwargs": {}}  # an id only

    page = text(client.get(reverse("returns:ssda903"), {"year": YEAR}))
    assert "Waiting to start" in page
    assert 'aria-live="polite"' in page
    assert f'hx-get="{reverse("returns:job_status", args=[job.pk])}"' in page
    assert 'http-equiv="refresh"' in page  # without JavaScript
    assert "Refresh the page" in page

    # Running, part of the way through.
    jobs.start(job.pk)
    jobs.reporter(job, "Checking {done} of {total} children")(1200, 2000)
    status = client.get(reverse("returns:job_status", args=[job.pk]), **HTMX)
    assert "Checking 1,200 of 2,000 children" in text(status)
    assert '<progress max="2000" value="1200"' in text(status)
    assert "HX-Refresh" not in status
    ReturnJob.objects.filter(pk=job.pk).update(status="queued")

    assert jobs.run(job.pk) == "done"
    assert jobs.run(job.pk) == "skipped"  # once only
    job.refresh_from_db()
    assert job.status == "done"
    status = client.get(reverse("returns:job_status", args=[job.pk]), **HTMX)
    assert status["HX-Refresh"] == "true"
    page = text(client.get(reverse("returns:ssda903"), {"year": YEAR}))
    assert "(rule 103): 3 failures" in page
    assert "Check the return again" in page
    assert "Noethnic" not in str(job.result)


def test_a_failed_job_says_what_happened(client, analyst, child, monkeypatch):
    def broken(job):
        raise ValueError("boom")

    monkeypatch.setitem(jobs.WORK, Kind.SSDA903_CHECK, broken)
    client.force_login(analyst)
    check(client)
    job = ReturnJob.objects.get()
    with pytest.raises(ValueError):
        jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    page = text(client.get(reverse("returns:ssda903"), {"year": YEAR}))
    assert "The checks could not be finished" in page
    assert "Something went wrong in the service while preparing the return" in page
    assert "manage.py db_worker" in page
    assert "Check the return again" in page


def test_an_export_is_offered_when_ready_to_the_user_who_asked_only(
    client, analyst, user, la, no_ethnicity, immediate_tasks
):
    client.force_login(analyst)
    response = client.post(reverse("returns:ssda903_prepare"), {"year": YEAR})
    job = ReturnJob.objects.get(kind=Kind.SSDA903_FILES)
    assert response.status_code == 303
    assert response["Location"] == reverse("returns:job", args=[job.pk])
    page = text(client.get(response["Location"]))
    assert "Your file is ready" in page
    assert job.file_name not in page  # the stored name is never shown
    response = client.get(reverse("returns:job_file", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ssda903-2025-26.zip"'
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert sorted(names) == sorted(f"{name}.csv" for name in ssda903.tables_for(YEAR))
    event = AuditEvent.objects.get(user=analyst, action=AuditEvent.Action.EXPORT)
    assert event.detail["job"] == job.pk
    assert event.detail["counts"]["Header"] == 3

    someone_else = user(User.Role.ANALYST, agency=la, team=None)
    client.force_login(someone_else)
    for name in ("returns:job", "returns:job_file", "returns:job_status", "returns:job_failures"):
        assert client.get(reverse(name, args=[job.pk]), **HTMX).status_code == 404
    assert not AuditEvent.objects.filter(user=someone_else, action=AuditEvent.Action.EXPORT).exists()


def test_the_cin_census_xml_and_annex_a_are_prepared_in_the_background(client, analyst, worker, child, immediate_tasks):
    from familyhelp.testing import open_episode

    open_episode(worker, child, D(2025, 6, 2))
    client.force_login(analyst)
    response = client.post(reverse("returns:cin_census_prepare"), {"year": YEAR})
    job = ReturnJob.objects.get(kind=Kind.CIN_XML)
    assert response["Location"] == reverse("returns:job", args=[job.pk])
    xml = b"".join(client.get(reverse("returns:job_file", args=[job.pk])).streaming_content).decode()
    assert "<LAchildID>" in xml

    response = client.post(reverse("returns:annex_a_prepare"), {"date_0": "30", "date_1": "6", "date_2": "2026"})
    job = ReturnJob.objects.get(kind=Kind.ANNEX_A)
    assert job.inspection_date == D(2026, 6, 30)
    page = client.get(response["Location"])
    assert page.context["lists"][0]["name"] == "List 1"
    assert "Ofsted Annex A workbook for 30 June 2026" in text(page)
    download = client.get(reverse("returns:job_file", args=[job.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="annex-a-2026-06-30.xlsx"'

    bad = client.post(reverse("returns:annex_a_prepare"), {"date_0": "31", "date_1": "2", "date_2": "2026"})
    assert bad.status_code == 400
    assert "govuk-error-summary" in text(bad)
    assert ReturnJob.objects.filter(kind=Kind.ANNEX_A).count() == 1


def test_a_year_not_offered_is_refused(client, analyst):
    client.force_login(analyst)
    assert client.post(reverse("returns:ssda903_run"), {"year": "1999"}).status_code == 400
    assert not ReturnJob.objects.exists()


def test_case_staff_may_not_ask(client, worker):
    client.force_login(worker)
    assert client.post(reverse("returns:ssda903_run"), {"year": YEAR}).status_code == 403
    assert client.post(reverse("returns:annex_a_prepare"), {}).status_code == 403


def test_old_jobs_and_their_files_are_removed(client, analyst, child, immediate_tasks):
    client.force_login(analyst)
    client.post(reverse("returns:ssda903_prepare"), {"year": YEAR})
    job = ReturnJob.objects.get()
    path = jobs.file_path(job)
    assert path is not None
    assert path.is_file()
    assert jobs.prune(now=timezone.now() + datetime.timedelta(hours=23)) == 0
    assert jobs.prune(now=timezone.now() + datetime.timedelta(hours=25)) == 1
    assert not path.exists()
    assert not ReturnJob.objects.exists()


def test_a_job_lost_by_its_worker_is_given_up(analyst, child):
    job = jobs.ask(analyst, Kind.SSDA903_CHECK, year=YEAR)
    jobs.prune(now=timezone.now() + datetime.timedelta(hours=25))
    job.refresh_from_db()
    assert job.status == "failed"
    assert "did not finish" in job.error


# --- Streaming ------------------------------------------------------------------------------


def test_a_table_streams_exactly_what_the_export_writes(client, analyst, no_ethnicity, tmp_path):
    client.force_login(analyst)
    response = client.get(reverse("returns:ssda903_table", args=["Episodes"]), {"year": YEAR})
    assert response.status_code == 200
    assert response.streaming
    streamed = b"".join(response.streaming_content)
    ssda903.write(ssda903.build(YEAR), tmp_path)
    assert streamed == Path(tmp_path / "Episodes.csv").read_bytes()
    assert streamed.count(b"\r\n") == 4  # the header and three episodes
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.detail == {"year": YEAR, "table": "Episodes", "rows": 3}
    assert client.get(reverse("returns:ssda903_table", args=["Nothing"])).status_code == 404


def test_the_failures_csv_lists_every_failure_with_who_can_fix_it(client, analyst, no_ethnicity, immediate_tasks):
    client.force_login(analyst)
    check(client)
    job = ReturnJob.objects.get()
    response = client.get(reverse("returns:job_failures", args=[job.pk]))
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == checks.CSV_HEADER
    ethnic = [r for r in rows[1:] if r[0] == "103"]
    assert {r[1] for r in ethnic} == {str(c.pk) for c in no_ethnicity}
    assert {(r[6], r[7]) for r in ethnic} == {
        (no_ethnicity[0].referrals.first().allocations.first().team.name, "Fiona Fixer")
    }
    assert len(rows) - 1 == len(job.result["failures"])
