import datetime

import pytest

from audit.models import AuditEvent
from audit.services import record
from partners.models import User
from people.services import record_person


@pytest.fixture
def child(db):
    return record_person(
        None, kind="child", given_names="Ola", family_name="Brennan", date_of_birth=datetime.date(2012, 2, 2)
    )


def test_managers_see_access_by_user_by_child_and_break_glass(child, user, client):
    worker = user(username="sw.brennan")
    record(worker, "view", obj=child, person=child, summary="Viewed the record")
    record(
        worker,
        "break_glass",
        obj=child,
        person=child,
        summary="Opened a record by breaking the glass",
        reason="Emergency duty call about the child",
    )
    manager = user(User.Role.TEAM_MANAGER)
    client.force_login(manager)
    ci = child.identifiers.get(id_type="CI").value

    by_user = client.get("/audit/?user=sw.brennan").content.decode()
    assert "2 events" in by_user
    assert "Emergency duty call" in by_user
    by_child = client.get(f"/audit/?child={ci}").content.decode()
    assert "Viewed the record" in by_child
    glass = client.get("/audit/?break_glass=1").content.decode()
    assert "1 event" in glass
    assert "Break glass" in glass
    bad = client.get("/audit/?child=nonsense&from_date_0=31&from_date_1=2&from_date_2=2026").content.decode()
    assert "There is a problem" in bad
    assert "consistent identifier" in bad
    assert "The start date must be a real date" in bad
    # Looking at the audit report is itself audited.
    assert AuditEvent.objects.filter(user=manager, summary="Looked at the audit report").count() == 4


def test_the_audit_link_shows_only_for_managers(child, user, client):
    client.force_login(user())
    assert "Audit report" not in client.get("/more/").content.decode()
    assert client.get("/audit/").status_code == 403
    client.force_login(user(User.Role.HEAD_OF_SERVICE))
    assert "Audit report" in client.get("/more/").content.decode()


def test_the_dates_are_govuk_date_inputs_with_their_errors_in_the_summary(child, user, client):
    worker = user(username="sw.dates")
    record(worker, "view", obj=child, person=child, summary="Viewed the record")
    AuditEvent.objects.filter(username="sw.dates").update(at=datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC))
    client.force_login(user(User.Role.TEAM_MANAGER))
    page = client.get("/audit/").content.decode()
    assert "YYYY-MM-DD" not in page
    for name in ("from_date_0", "from_date_1", "from_date_2", "to_date_0", "to_date_1", "to_date_2"):
        assert f'name="{name}"' in page
    assert "govuk-date-input" in page

    def events(**dates):
        query = {f"{name}_{i}": part for name, day in dates.items() for i, part in enumerate(day.split("/"))}
        return client.get("/audit/", {"user": "sw.dates", **query})

    assert "1 event" in events(from_date="4/3/2025", to_date="4/3/2025").content.decode()
    assert "0 events" in events(from_date="5/3/2025").content.decode()
    assert "0 events" in events(to_date="3/3/2025").content.decode()

    bad = events(from_date="4/13/2025", to_date="1/1/25")
    assert bad.status_code == 400
    summary = bad.content.decode().split('govuk-error-summary__list"')[1].split("</ul>")[0]
    assert "The start date must be a real date" in summary
    assert "The end date must include a 4-digit year, like 2015" in summary
    assert 'href="#id_from_date"' in summary
    assert 'id="id_from_date"' in bad.content.decode()  # the link lands on the date input
    assert "Error: Audit report" in bad.content.decode()
    backwards = events(from_date="5/3/2025", to_date="4/3/2025").content.decode()
    assert "The end date must be the same as or after the start date" in backwards
    assert "0 events" in backwards
