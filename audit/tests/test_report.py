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
    bad = client.get("/audit/?child=nonsense&from=yesterday").content.decode()
    assert "There is a problem" in bad
    assert "consistent identifier" in bad
    assert "YYYY-MM-DD" in bad
    # Looking at the audit report is itself audited.
    assert AuditEvent.objects.filter(user=manager, summary="Looked at the audit report").count() == 4


def test_the_audit_link_shows_only_for_managers(child, user, client):
    client.force_login(user())
    assert "Audit report" not in client.get("/more/").content.decode()
    assert client.get("/audit/").status_code == 403
    client.force_login(user(User.Role.HEAD_OF_SERVICE))
    assert "Audit report" in client.get("/more/").content.decode()
