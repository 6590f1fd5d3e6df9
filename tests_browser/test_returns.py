"""The analyst's statutory returns in a real browser: from the navigation to the SSDA903
checks, where a child with no ethnicity recorded is listed with the rule and a link to the
record; the CIN census and its download; Annex A refusing an impossible inspection date with
the GOV.UK error summary and keeping what was typed; and the statistics page with its charts.
Then the sector's validator asked for from the SSDA903 page: queued, run by the database
worker, and the page (htmx) updating itself to show what it found, with the link to the record."""

import datetime
import json
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
    looked_after(worker, child, datetime.date.today() - datetime.timedelta(days=40))
    return {"analyst": analyst, "child": child}


def test_an_analyst_checks_and_downloads_the_returns(page, returns_world):
    child = returns_world["child"]
    sign_in(page, returns_world["analyst"])
    page.get_by_role("link", name="Statutory returns").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory returns")
    assert_basic_accessibility(page)

    page.get_by_role("link", name="SSDA903: children looked after").click()
    expect(page.get_by_text("Ethnicity is missing or not a valid code")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="ETHNIC")
    expect(row).to_contain_text("103")
    link = row.get_by_role("link")
    assert link.get_attribute("href") == f"/people/{child.pk}/"
    assert_basic_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the CSV files").click()
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
    expect(page.locator("svg").first).to_be_visible()
    assert_basic_accessibility(page)
    screenshot(page, "returns-statistics")


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

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)

    # No reload: htmx asks again every few seconds and swaps in the findings.
    expect(panel).to_contain_text("found 1 issue: 103 (1)", timeout=10_000)
    link = panel.get_by_role("row").filter(has_text="ETHNIC").get_by_role("link")
    assert link.get_attribute("href") == f"/people/{child.pk}/"
    expect(page.get_by_role("button", name="Run the sector's validator again")).to_be_visible()
    screenshot(page, "returns-sector-validator")
