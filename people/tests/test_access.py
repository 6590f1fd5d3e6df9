"""Need-to-know access to children's records: full, index-only or nothing."""

import datetime
import re

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from partners.models import Team, User
from people.access import Level, level
from people.models import BreakGlass, Involvement, Person, RestrictedAccess
from people.services import record_person


@pytest.fixture
def child(db):
    return record_person(
        None, kind="child", given_names="Tamsin", family_name="Oyelaran", date_of_birth=datetime.date(2013, 9, 30)
    )


def without_csrf(content):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def involve(person, *, team=None, agency=None, worker=None, end_date=None):
    agency = agency or (team.agency if team else worker.agency)
    return Involvement.objects.create(
        person=person,
        agency=agency,
        team=team,
        worker=worker,
        kind="Child in need",
        start_date=datetime.date(2024, 1, 1),
        end_date=end_date,
    )


def test_case_staff_see_full_records_of_their_teams_children_and_the_index_of_others(child, user, client):
    worker = user()
    other_team = Team.objects.create(agency=worker.agency, name="Other team")
    outsider = user(team=other_team)
    involve(child, team=worker.team)
    assert level(worker, child) == Level.FULL
    assert level(outsider, child) == Level.INDEX

    client.force_login(outsider)
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert "Tamsin Oyelaran" in page
    assert "Open the full record" in page
    assert child.identifiers.get(id_type="CI").value not in page  # the index shows no more than it should
    assert "Chronology" not in page
    assert client.get(f"/people/{child.pk}/edit/").status_code == 404


def test_closed_involvement_no_longer_gives_access(child, user):
    worker = user()
    involve(child, team=worker.team, end_date=datetime.date(2024, 6, 1))
    assert level(worker, child) == Level.INDEX


def test_allocated_worker_and_head_of_service(child, user):
    other_team = Team.objects.create(agency=user().agency, name="Other team")
    iro = user(User.Role.IRO, team=other_team)
    involve(child, team=None, agency=iro.agency, worker=iro)
    assert level(iro, child) == Level.FULL
    assert level(user(User.Role.HEAD_OF_SERVICE, team=None), child) == Level.FULL


def test_break_glass_asks_for_a_reason_opens_the_record_is_audited_and_shown_to_managers(child, user, client):
    worker = user()
    outsider = user(team=Team.objects.create(agency=worker.agency, name="Out of hours"))
    manager = user(User.Role.TEAM_MANAGER)
    involve(child, team=worker.team)

    client.force_login(outsider)
    url = f"/people/{child.pk}/break-glass/"
    short = client.post(url, {"reason": "need"})
    assert "Enter a reason of at least 10 characters" in short.content.decode()
    assert not BreakGlass.objects.exists()
    opened = client.post(url, {"reason": "Police called out of hours about the child's safety"})
    assert opened.status_code == 302
    assert level(outsider, child) == Level.FULL
    assert child.identifiers.get(id_type="CI").value in client.get(f"/people/{child.pk}/").content.decode()
    event = AuditEvent.objects.get(action="break_glass")
    assert event.user == outsider
    assert event.person_id == child.pk
    assert "out of hours" in event.reason

    client.force_login(manager)
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert "Who has looked at this record" in page
    assert "Police called out of hours" in page

    # The access does not last for ever.
    BreakGlass.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert level(outsider, child) == Level.INDEX


def test_people_who_may_not_break_glass_cannot(child, user, client):
    partner = user(User.Role.PARTNER_PRACTITIONER)
    client.force_login(partner)
    assert client.post(f"/people/{child.pk}/break-glass/", {"reason": "I would like to look please"}).status_code == 404
    assert not BreakGlass.objects.exists()


def test_restricted_record_exists_only_for_named_users_even_in_search(child, user, client):
    worker, named = user(), user()
    involve(child, team=worker.team)
    Person.objects.filter(pk=child.pk).update(restricted=True)
    child.refresh_from_db()
    RestrictedAccess.objects.create(person=child, user=named, reason="Child of a member of staff")
    assert level(worker, child) == Level.NONE
    assert level(named, child) == Level.FULL
    assert level(user(User.Role.HEAD_OF_SERVICE), child) == Level.NONE

    client.force_login(worker)
    assert f"/people/{child.pk}/" not in client.get("/search/?q=Tamsin+Oyelaran").content.decode()
    assert client.get(f"/people/{child.pk}/").status_code == 404
    client.force_login(named)
    assert f"/people/{child.pk}/" in client.get("/search/?q=Tamsin+Oyelaran").content.decode()


def test_partner_search_finds_only_children_shared_with_their_agency(child, user, client):
    partner = user(User.Role.PARTNER_PRACTITIONER)
    other = record_person(
        None, kind="child", given_names="Tamsin", family_name="Oyelaran", date_of_birth=datetime.date(2015, 1, 2)
    )
    involve(other, agency=partner.agency)
    client.force_login(partner)
    page = client.get("/search/?q=Tamsin+Oyelaran").content.decode()
    assert f"/people/{other.pk}/" in page
    assert f"/people/{child.pk}/" not in page


@pytest.mark.parametrize("role", [User.Role.ANALYST, User.Role.ADMINISTRATOR])
def test_analysts_and_administrators_see_no_child(child, user, client, role):
    someone = user(role)
    involve(child, team=someone.team)
    assert level(someone, child) == Level.NONE
    client.force_login(someone)
    assert client.get(f"/people/{child.pk}/").status_code == 403
    assert client.get("/search/?q=Tamsin").status_code == 403


def test_forged_and_other_agencies_ids_get_a_404_that_reveals_nothing_and_is_audited(child, user, client):
    partner = user(User.Role.PARTNER_PRACTITIONER)
    client.force_login(partner)
    hidden = client.get(f"/people/{child.pk}/")
    missing = client.get("/people/987654321/")
    assert hidden.status_code == missing.status_code == 404
    assert without_csrf(hidden.content) == without_csrf(missing.content)
    denied = AuditEvent.objects.filter(action="denied", user=partner).order_by("id")
    assert [e.person_id for e in denied] == [child.pk, None]
    assert denied[1].detail["asked_for"] == "987654321"

    api = client.get(f"/api/v1/people/{child.pk}/")
    assert api.status_code == 404
    assert api["Content-Type"].startswith("application/problem+json")
    assert AuditEvent.objects.filter(action="denied", user=partner).count() == 3


def test_search_terms_and_results_are_audited(child, user, client):
    worker = user()
    involve(child, team=worker.team)
    client.force_login(worker)
    client.get("/search/?q=Tamsin+Oyelaran")
    event = AuditEvent.objects.get(action="search", user=worker)
    assert event.detail["terms"] == "Tamsin Oyelaran"
    assert event.detail["results"] == [child.pk]
