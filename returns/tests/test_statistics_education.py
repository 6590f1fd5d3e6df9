"""The statistics page's education section: with and without figures, before the duties are in
force, as they would be published, in the download; audited; a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from education.models import RegisterEntry
from partners.models import User
from returns.statistics import education as education_statistics
from returns.statistics import views as views_statistics
from testing import builders

D = datetime.date
TODAY = D(2026, 12, 2)
IN_FORCE = override_settings(CNIS_COMMENCEMENT="2025-09-01", S434A_COMMENCEMENT="2025-09-01")
URL = reverse("returns:statistics_section", args=["education"])


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(views_statistics, "today", lambda: TODAY)


@pytest.fixture
def analyst(user):
    return user(User.Role.ANALYST, team=None)


def on_register(worker, n, added_on=D(2025, 10, 1), source="parent"):
    for i in range(n):
        person = builders.child(
            given_names=f"Register{source}{i}", family_name="Teststats", date_of_birth=D(2014, 9, 1)
        )
        RegisterEntry.objects.create(
            person=person,
            added_on=added_on,
            reason="home_educated",
            source=source,
            parents="Pat Testparent",
            address="1 Test Street",
            recorded_by=worker,
        )


def rows_of(response, table_id):
    table = next(t for t in response.context["education"].tables if t.id == table_id)
    return {row.label: row.cells for row in table.rows}


@IN_FORCE
def test_the_section_with_figures_linked_from_the_headline_and_audited(client, analyst, worker):
    on_register(worker, 7)
    on_register(worker, 2, source="school")
    client.force_login(analyst)
    headline = client.get(reverse("returns:statistics")).content.decode()
    assert URL in headline
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Education</h1>' in page
    assert "app-responsive-table" in page
    assert 'data-label="Today"' in page  # each figure labelled with its year on a phone
    # 2022-23 to 2025-26 and this year so far; the register came into force on 1 September 2025.
    by_reason = rows_of(response, "register-by-reason")
    assert by_reason["All children on the register"] == ["–", "–", "–", "9", "9"]
    added = rows_of(response, "register-added")
    # Added on 1 October 2025: in 2025-26, none so far in 2026-27.
    assert added["A parent's notice"][-2:] == ["7", "0"]
    assert added["A school's notice that it removed the child from its roll"][-2] == "2"
    groups = rows_of(response, "register-by-year-group")
    assert groups["Year 7"][-1] == "9"  # born 1 September 2014: year 7 in 2026-27
    assert groups["Years 7 to 11 (secondary)"][-1] == "9"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, user=analyst).latest("at")
    assert event.detail["section"] == "education"
    assert "register-by-reason" in event.detail["tables"]
    assert event.detail["years"] == [2023, 2024, 2025, 2026, 2027]


@IN_FORCE
def test_as_they_would_be_published_small_numbers_are_suppressed(client, analyst, worker):
    on_register(worker, 7)
    on_register(worker, 2, source="school")
    client.force_login(analyst)
    response = client.get(URL, {"view": "published"})
    added = rows_of(response, "register-added")
    assert added["A school's notice that it removed the child from its roll"][-2] == "c"
    # The total would give the 2 away beside the 7: the 7 is suppressed too.
    assert added["A parent's notice"][-2] == "c"
    assert added["All children added"][-2] == "9"
    assert '<abbr title="suppressed: a small number">c</abbr>' in response.content.decode()
    # No primary or secondary subtotal beside suppressed year groups: it would give them away.
    assert "Years 7 to 11 (secondary)" not in rows_of(response, "register-by-year-group")


@IN_FORCE
def test_the_section_renders_with_no_records(client, analyst):
    client.force_login(analyst)
    response = client.get(URL)
    assert response.status_code == 200
    assert rows_of(response, "register-by-reason")["All children on the register"][-1] == "0"
    assert rows_of(response, "consent-decisions")["Median days from the request to the decision"][-1] == "–"


def test_before_the_duties_are_in_force_the_page_says_so(client, analyst, settings):
    settings.CNIS_COMMENCEMENT = None
    settings.S434A_COMMENCEMENT = "2027-09-01"
    client.force_login(analyst)
    response = client.get(URL)
    page = response.content.decode()
    assert "The children not in school register" in page
    assert "is not in force yet" in page
    assert "in force from 1 September 2027" in page
    education = response.context["education"]
    # No register or consent table: nothing was measured, so no zeros.
    assert education.tables == education.missing_tables
    assert 'id="register-by-reason"' not in page


@IN_FORCE
def test_the_download_has_the_education_tables_as_published(client, analyst, worker):
    on_register(worker, 3)
    client.force_login(analyst)
    rows = list(csv.reader(io.StringIO(client.get(reverse("returns:statistics_download")).content.decode())))
    title = "Children on the children not in school register on 31 March, by reason"
    start = next(i for i, r in enumerate(rows) if r and r[0] == title)
    assert rows[start][1:] == ["31 March 2023", "31 March 2024", "31 March 2025", "31 March 2026", "Today"]
    total = next(r for r in rows[start:] if r[0] == "All children on the register")
    assert total[-1] == "c"  # 3 children: suppressed


@IN_FORCE
def test_the_queries_do_not_grow_with_the_children(worker):
    on_register(worker, 1)
    with CaptureQueriesContext(connection) as one:
        education_statistics.section(TODAY, "exact")
    on_register(worker, 6, source="agency")
    with CaptureQueriesContext(connection) as seven:
        education_statistics.section(TODAY, "exact")
    assert len(seven) == len(one)
