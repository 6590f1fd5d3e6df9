"""The analyst's statutory returns in a real browser: from the navigation to the SSDA903
checks, where a child with no ethnicity recorded is listed with the rule and a link to the
record; the CIN census and its download; Annex A refusing an impossible inspection date with
the GOV.UK error summary and keeping what was typed; and the statistics page with its charts.
Then the sector's validator asked for from the SSDA903 page: queued, run by the database
worker, and the page (htmx) updating itself to show what it found, with the link to the record."""

import datetime
import json
import re
import signal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def returns_world(user):
    from childrenincare.testing import looked_after
    from partners.models import User
    from people.services import record_person

    council = builders.local_authority(la_code="383")
    team = builders.team(council, "Children in care team", function="Children in care")
    worker = user(User.Role.SOCIAL_WORKER, team=team)
    analyst = user(User.Role.ANALYST, agency=council, team=None, first_name="Ari", last_name="Analyst")
    child = record_person(
        None,
        kind="child",
        given_names="Jordan",
        family_name="Fieldfare",
        date_of_birth=datetime.date(2014, 5, 2),
        sex="M",
    )
    began = datetime.date.today() - datetime.timedelta(days=40)
    period = looked_after(worker, child, began)
    from familyhelp import services as family_help

    manager = user(User.Role.TEAM_MANAGER, team=team)
    family_help.allocate(manager, period.episode, team=team, worker=worker, on=began)
    return {"analyst": analyst, "child": child}


def test_an_analyst_checks_and_downloads_the_returns(page, returns_world):
    child = returns_world["child"]
    sign_in(page, returns_world["analyst"])
    expect(page).to_have_url(re.compile(r"/returns/$"))  # the returns are the analyst's home
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory returns")
    assert_basic_accessibility(page)

    page.get_by_role("link", name="SSDA903: children looked after").click()
    page.get_by_role("button", name="Check the return").click()
    expect(page.locator("#checks-status")).to_contain_text("Waiting to start")
    run_worker()
    # No reload by hand: htmx asks for the job's state and the page loads itself again when it is done.
    rule = page.locator("details").filter(has_text="Ethnicity is missing or not a valid code (rule 103)")
    expect(rule).to_be_visible(timeout=15_000)
    rule.locator("summary").click()
    expect(rule).to_contain_text(str(child.pk))
    expect(rule).to_contain_text("Who can fix it: Children in care team")
    assert rule.get_by_role("link").count() == 0  # an analyst opens no record: the ID is text
    assert_basic_accessibility(page)
    page.get_by_role("button", name="Prepare the CSV files").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SSDA903 CSV files")
    run_worker()
    ready = page.get_by_role("link", name="Download ssda903-")
    expect(ready).to_be_visible(timeout=15_000)
    with page.expect_download() as download:
        ready.click()
    assert download.value.suggested_filename.startswith("ssda903-")
    screenshot(page, "returns-ssda903")

    page.goto("/returns/")
    page.get_by_role("link", name="Children in need census").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CIN census")
    assert_basic_accessibility(page)

    page.goto("/returns/annex-a/")
    page.locator("#id_date_0").fill("31")
    page.locator("#id_date_1").fill("2")
    page.locator("#id_date_2").fill("2026")
    page.get_by_role("button", name="Show the lists").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#id_date_0")).to_have_value("31")
    assert_basic_accessibility(page)
    screenshot(page, "returns-annex-a-error")

    page.goto("/returns/statistics/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statistics")
    page.get_by_role("navigation", name="Statistics sections").get_by_role("link", name="Children looked after").click()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_basic_accessibility(page)
    screenshot(page, "returns-statistics")


def run_worker():
    """Run the queued jobs as `manage.py db_worker --batch` does, in this process."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def test_a_check_shows_its_progress_then_the_failures_by_rule_at_320_px(page, returns_world, settings, tmp_path):
    from returns import jobs
    from returns.models import ReturnJob

    settings.RETURN_JOBS_ROOT = str(tmp_path)
    child = returns_world["child"]
    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, returns_world["analyst"])
    page.goto("/returns/cin-census/")
    page.get_by_role("button", name="Check the census").click()
    status = page.locator("#checks-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text("Waiting to start")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # The worker has got part of the way: the page says how far, by itself.
    job = ReturnJob.objects.get()
    jobs.start(job.pk)
    jobs.reporter(job, "Checking {done} of {total} children")(1200, 2000)
    expect(status).to_contain_text("Checking 1,200 of 2,000 children", timeout=10_000)
    expect(status.locator("progress")).to_have_attribute("value", "1200")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "returns-check-progress-320")
    ReturnJob.objects.filter(pk=job.pk).update(status=ReturnJob.Status.QUEUED)
    run_worker()

    expect(page.get_by_text("Failures by rule")).to_be_visible(timeout=15_000)
    first = page.locator("details").first
    first.locator("summary").click()
    expect(first).to_contain_text(str(child.pk))
    expect(first).to_contain_text("Who can fix it:")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_basic_accessibility(page)
    screenshot(page, "returns-check-grouped-320")


def test_the_sector_validator_runs_in_the_background(page, returns_world, settings, tmp_path):
    child = returns_world["child"]
    # A stand-in for the sector's validator (its JSON lines, as scripts/validate_903.py prints them).
    python = tmp_path / ".venv-903" / "bin" / "python"
    python.parent.mkdir(parents=True)
    issue = {
        "rule_code": "103",
        "child_id": str(child.pk),
        "tables_affected": "Header",
        "columns_affected": "ETHNIC",
        "rule_description": "The ethnicity code is either not valid or has not been entered",
    }
    python.write_text(f"#!/bin/sh\necho '{json.dumps(issue)}'\nexit 1\n")
    python.chmod(0o755)
    settings.SECTOR_VALIDATORS_DIR = str(tmp_path)

    sign_in(page, returns_world["analyst"])
    page.goto("/returns/ssda903/")
    page.get_by_role("button", name="Run the sector's validator").click()
    panel = page.locator("#sector-validator")
    expect(panel).to_contain_text("Queued")
    assert_basic_accessibility(page)
    screenshot(page, "returns-sector-validator-queued")

    run_worker()

    # No reload: htmx asks again every few seconds and swaps in the findings, grouped by rule.
    expect(panel).to_contain_text("found 1 issue under 1 rule", timeout=10_000)
    rule = panel.locator("details").filter(has_text="(rule 103): 1 failure")
    rule.locator("summary").click()
    expect(rule).to_contain_text(str(child.pk))
    assert rule.get_by_role("link").count() == 0  # an analyst opens no record
    expect(page.get_by_role("button", name="Run the sector's validator again")).to_be_visible()
    screenshot(page, "returns-sector-validator")
