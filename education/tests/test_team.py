"""The education team's home and matching a school's notice: the work waiting with counts
(restricted children neither listed nor counted), the consent decision's due day from the
timescale rule and whether it is late, children recently added to the register; matching a
notice to a child on the index or to a new child (then the consent workflow for a relevant
child, the education team's involvement, the audit), and refusing a notice matched already."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from education import services
from education.models import ConsentNotification, ConsentRequest, DeregistrationNotice, RegisterEntry
from education.services import NOTICE_INVOLVEMENT
from kernel import timescales
from kernel.rules import RuleBroken
from partners.models import User
from people.access import Level, level
from people.models import Involvement, Person, RestrictedAccess
from testing import builders
from testing.pages import problem, text

from .conftest import IN_FORCE, TODAY, plan

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def officer(user, la):
    return user(User.Role.EDUCATION_WELFARE_OFFICER, agency=la, team=builders.team(la, "Education team", "Education"))


def _notice(dsl, school, key="k1", **overrides):
    data = {
        "agency": school,
        "key": key,
        "digest": "d",
        "urn": "999001",
        "given_names": "Alex",
        "family_name": "Testchlid",  # misspelt by the school: no match when it came
        "date_of_birth": datetime.date(2016, 4, 1),
        "removal_date": TODAY(),
        "reason": "home_education",
    }
    return services.receive_deregistration_notice(dsl, **{**data, **overrides})


def _open_request(person, registration, worker, received_on):
    return ConsentRequest.objects.create(
        person=person,
        registration=registration,
        source=ConsentRequest.Source.PARENT,
        received_on=received_on,
        requested_by="Pat Testparent",
        relevant_child=True,
        conditions=["B"],
        reasons=["Synthetic"],
        rules_version="2026-04-29",
        status=ConsentRequest.Status.OPEN,
        recorded_by=worker,
    )


def test_the_home_lists_the_work_waiting_with_counts(client, officer, dsl, school, worker, pupil, school_list):
    _notice(dsl, school)
    registration = pupil.school_registrations.get()
    hidden = builders.child(given_names="Hidden", family_name="Testchild", date_of_birth=datetime.date(2016, 1, 1))
    hidden_registration = services.record_school_registration(
        worker, hidden, urn="999001", start_date=datetime.date(2021, 9, 1)
    )
    Person.objects.filter(pk=hidden.pk).update(restricted=True)
    old = datetime.date(2026, 5, 1)
    _open_request(pupil, registration, worker, old)
    _open_request(hidden, hidden_registration, worker, TODAY())
    RegisterEntry.objects.create(
        person=hidden,
        added_on=TODAY(),
        reason=RegisterEntry.Reason.HOME_EDUCATED,
        source=RegisterEntry.Source.PARENT,
        parents="P",
        address="A",
        recorded_by=worker,
    )
    client.force_login(officer)
    assert client.get("/")["Location"] == "/education/"
    response = client.get("/education/")
    body = text(response)
    assert response.status_code == 200
    assert "Alex Testchlid" in body  # the notice, by the name the school gave
    assert reverse("education:notice_match", args=[DeregistrationNotice.objects.get().pk]) in body
    assert "1 notice" in body
    assert "1 request waiting for a decision, 1 late" in body
    due = timescales.due("home-education-consent-decision", old)
    assert due.due_date > old + datetime.timedelta(days=20)  # 15 working days: three weeks and more
    assert f"{due.due_date:%-d %B %Y}" in body
    assert "Hidden" not in body
    assert "0 children in the last" in body
    event = AuditEvent.objects.get(user=officer, summary="Viewed the education team's work")
    assert hidden.pk not in event.detail["people"]
    # Named on the restriction, the officer sees the child (listed and counted).
    RestrictedAccess.objects.create(person=hidden, user=officer)
    body = text(client.get("/education/"))
    assert "2 requests waiting for a decision, 1 late" in body
    assert "1 child in the last" in body


def test_a_partner_or_social_worker_may_not_open_the_team_pages(client, dsl, worker, school, school_list):
    notice = _notice(dsl, school)
    for someone in (dsl, worker):
        client.force_login(someone)
        assert client.get("/education/").status_code == 403
        assert client.get(reverse("education:notice_match", args=[notice.pk])).status_code == 403


@IN_FORCE
def test_matching_a_notice_to_a_relevant_child(client, officer, dsl, school, worker, pupil, episode):
    plan(episode, TODAY() - 30 * DAY)
    notice = _notice(dsl, school)
    assert notice.status == "unmatched"
    assert level(officer, pupil) == Level.INDEX
    url = reverse("education:notice_match", args=[notice.pk])
    client.force_login(officer)
    page = client.get(url)
    body = text(page)
    assert page.status_code == 200
    assert "Alex Testchild, born 1 April 2016" in body  # found by the sound of the name
    assert "Child protection" not in body  # index-level details only
    search = AuditEvent.objects.get(user=officer, action="search")
    assert search.detail["results"] == [pupil.pk]
    response = client.post(url, {"person": str(pupil.pk)})
    assert response.status_code == 302
    assert response["Location"] == reverse("education:person", args=[pupil.pk])
    notice.refresh_from_db()
    assert notice.person == pupil
    assert notice.status == "consent_requested"
    assert notice.matched_by == officer
    request = notice.consent_request
    assert request.source == ConsentRequest.Source.SCHOOL_NOTICE
    assert ConsentNotification.objects.filter(request=request, to="social_worker", user=worker).exists()
    assert Involvement.objects.filter(person=pupil, team=officer.team, kind=NOTICE_INVOLVEMENT).exists()
    assert level(officer, pupil) == Level.FULL
    summary = "Matched a school's deregistration notice to a child on the index"
    assert AuditEvent.objects.filter(user=officer, summary=summary, person_id=pupil.pk).exists()
    # Matched once: the page says so and a second match is refused.
    assert "This notice was matched already" in text(client.get(url))
    with pytest.raises(RuleBroken):
        services.match_deregistration_notice(officer, notice, new_child=True)


def test_a_notice_about_a_child_with_no_record_makes_a_new_child(client, officer, dsl, school, school_list):
    notice = _notice(dsl, school, given_names="Nova", family_name="Newpupil", upn="A123456789012", reason="other")
    url = reverse("education:notice_match", args=[notice.pk])
    client.force_login(officer)
    assert "No child on the record matches" in text(client.get(url))
    response = client.post(url, {"person": ""})
    assert "Choose the child the notice is about" in problem(response)
    assert not Person.objects.filter(family_name="Newpupil").exists()
    response = client.post(url, {"person": "new"})
    child = Person.objects.get(family_name="Newpupil")
    assert response["Location"] == reverse("education:person", args=[child.pk])
    assert child.date_of_birth == datetime.date(2016, 4, 1)
    notice.refresh_from_db()
    assert notice.person == child
    assert notice.status == "matched"
    assert Involvement.objects.filter(person=child, kind=NOTICE_INVOLVEMENT).exists()
    assert child.chronology.filter(title__contains="gave notice the child leaves its roll").exists()


def test_a_restricted_child_is_not_a_candidate(client, officer, dsl, school, pupil):
    Person.objects.filter(pk=pupil.pk).update(restricted=True)
    notice = _notice(dsl, school)
    client.force_login(officer)
    body = text(client.get(reverse("education:notice_match", args=[notice.pk])))
    assert "Alex Testchild, born" not in body
    response = client.post(reverse("education:notice_match", args=[notice.pk]), {"person": str(pupil.pk)})
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.status == "unmatched"
