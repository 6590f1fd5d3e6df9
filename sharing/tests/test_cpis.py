"""CP-IS style look-ups (sharing.cpis, POST /api/v1/cpis/queries/): a health system asks by NHS
number and is told only whether the child is on a child protection plan, looked after, or the
subject of a pre-birth plan, with the start dates and the local authority's contact. The
child's allocated worker is told where and when the child was seen. Every look-up is audited,
and one that finds a child is logged as a disclosure to the asking agency."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from partners.models import User
from partners.tokens import issue_token
from people.models import RestrictedAccess
from sharing.models import Disclosure, Notice
from testing import builders

from .conftest import OTHER_VALID_NHS, VALID_NHS, give_nhs_number, on_a_plan

URL = "/api/v1/cpis/queries/"
TODAY = datetime.date.today
FLAGS_AND_CONTACT = {"known", "child_protection_plan", "looked_after", "pre_birth_plan", "local_authority"}


@pytest.fixture
def token(hospital):
    return issue_token(hospital, "Emergency department system", ["cpis:query"])[1]


def ask(client, token, nhs_number=VALID_NHS, **fields):
    body = {
        "nhs_number": nhs_number,
        "care_setting": "Emergency department, St Elsewhere",
        "attended_at": (timezone.now() - datetime.timedelta(minutes=20)).isoformat(),
        **fields,
    }
    return client.post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def planned_child(worker, manager, chair, child):
    on_a_plan(worker, manager, chair, child)
    give_nhs_number(child)
    return child


def test_a_child_on_a_plan_answers_the_three_facts_and_the_contact_only(client, token, planned_child, worker, settings):
    settings.CPIS_CONTACT_PHONE = "01632 960000"
    response = ask(client, token)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert set(answer) == FLAGS_AND_CONTACT
    assert answer["known"] is True
    plan = planned_child.cp_plans.get()
    assert answer["child_protection_plan"] == {"flag": True, "start_date": plan.start_date.isoformat()}
    assert answer["looked_after"] == {"flag": False, "start_date": None}
    assert answer["pre_birth_plan"] == {"flag": False, "start_date": None}
    assert answer["local_authority"] == {"name": worker.agency.name, "phone": "01632 960000", "email": ""}
    text = response.content.decode()
    born = planned_child.date_of_birth.isoformat()
    ci = planned_child.identifiers.get(id_type="CI").value
    for secret in (planned_child.given_names, planned_child.family_name, worker.username, born, ci, VALID_NHS):
        assert secret not in text


def test_the_look_up_is_logged_audited_and_the_allocated_worker_is_told(client, token, planned_child, worker, hospital):
    ask(client, token)
    disclosure = Disclosure.objects.get(person=planned_child, kind=Disclosure.Kind.CPIS)
    assert disclosure.to_agency == hospital
    assert disclosure.from_agency == worker.agency
    assert disclosure.shared_by is None  # the service answered
    assert disclosure.identifier == VALID_NHS
    notice = Notice.objects.get(user=worker, person=planned_child)
    assert notice.title == "Seen at Emergency department, St Elsewhere"
    assert "St Elsewhere NHS Trust" in notice.body
    assert "Emergency department, St Elsewhere" in notice.body
    assert AuditEvent.objects.filter(action="search", summary="CP-IS look-up: answered", person_id=planned_child.pk)


def test_an_unknown_number_answers_not_known_and_nothing_else(client, token, planned_child):
    response = ask(client, token, nhs_number=OTHER_VALID_NHS)
    assert response.status_code == 200
    assert response.json() == {
        "known": False,
        "child_protection_plan": {"flag": False, "start_date": None},
        "looked_after": {"flag": False, "start_date": None},
        "pre_birth_plan": {"flag": False, "start_date": None},
        "local_authority": None,
    }
    assert AuditEvent.objects.filter(action="search", summary="CP-IS look-up: not known").exists()
    assert not Disclosure.objects.filter(kind=Disclosure.Kind.CPIS).exists()
    assert not Notice.objects.exists()


def test_a_known_child_with_none_of_the_three_answers_exactly_as_an_unknown_number(client, token, child):
    give_nhs_number(child)
    known = ask(client, token).json()
    unknown = ask(client, token, nhs_number=OTHER_VALID_NHS).json()
    assert known == unknown
    assert AuditEvent.objects.filter(summary="CP-IS look-up: not known").count() == 2


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("9434765918", "the last digit (the check digit) does not match"),
        ("94347659", "An NHS number is 10 numbers"),
        ("", "This field may not be blank."),
    ],
)
def test_a_number_failing_modulus_11_is_refused_with_problem_details(client, token, planned_child, number, message):
    response = ask(client, token, nhs_number=number)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert message in " ".join(body["errors"]["nhs_number"])
    assert not Disclosure.objects.filter(kind=Disclosure.Kind.CPIS).exists()
    assert not Notice.objects.exists()


def test_where_and_when_are_required_and_not_in_the_future(client, token, planned_child):
    later = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    response = ask(client, token, care_setting="  ", attended_at=later)
    assert response.status_code == 400
    assert "care_setting" in response.json()["errors"]
    response = ask(client, token, attended_at=later)
    assert response.status_code == 400
    assert response.json()["errors"]["attended_at"] == ["The time the child attended cannot be in the future"]


def test_a_looked_after_child(client, token, worker, child):
    from childrenincare.testing import looked_after

    start = TODAY() - datetime.timedelta(days=20)
    looked_after(worker, child, start)
    give_nhs_number(child)
    answer = ask(client, token).json()
    assert answer["looked_after"] == {"flag": True, "start_date": start.isoformat()}
    assert answer["child_protection_plan"]["flag"] is False


def test_an_unborn_child_on_a_plan_is_a_pre_birth_plan(client, token, worker, manager, chair):
    unborn = builders.child(date_of_birth=None, expected_date_of_birth=TODAY() + datetime.timedelta(days=60))
    on_a_plan(worker, manager, chair, unborn)
    give_nhs_number(unborn)
    answer = ask(client, token).json()
    assert answer["pre_birth_plan"]["flag"] is True
    assert answer["child_protection_plan"]["flag"] is False


def test_a_restricted_child_still_answers_and_only_a_worker_on_the_restriction_is_told(
    client, token, planned_child, worker
):
    planned_child.restricted = True
    planned_child.save()
    answer = ask(client, token).json()
    assert answer["child_protection_plan"]["flag"] is True
    assert not Notice.objects.exists()  # the allocated worker is not named on the restriction
    RestrictedAccess.objects.create(person=planned_child, user=worker)
    ask(client, token)
    assert Notice.objects.filter(user=worker).count() == 1


def test_only_a_health_agency_with_the_scope_may_ask(client, db, planned_child, hospital):
    police_token = issue_token(builders.police(), "Police system", ["cpis:query"])[1]
    assert ask(client, police_token).status_code == 403
    no_scope = issue_token(hospital, "Another system", ["people:read"])[1]
    assert ask(client, no_scope).status_code == 403
    assert client.post(URL, {}, content_type="application/json").status_code in (401, 403)
    assert not Disclosure.objects.filter(kind=Disclosure.Kind.CPIS).exists()


def test_a_health_practitioner_signed_in_may_ask_too(client, nurse, planned_child):
    client.force_login(nurse)
    response = client.post(
        URL,
        {"nhs_number": VALID_NHS, "care_setting": "Walk-in centre", "attended_at": timezone.now().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["child_protection_plan"]["flag"] is True


def test_the_worker_sees_the_notice_on_their_caseload_and_reads_it(client, token, planned_child, worker):
    ask(client, token)
    client.force_login(worker)
    page = client.get("/caseload/").content.decode()
    assert "1 unread notice" in page
    notice = Notice.objects.get()
    response = client.post(f"/sharing/notices/{notice.pk}/read/")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "unread notice" not in client.get("/caseload/").content.decode()


def test_someone_else_cannot_read_a_workers_notice(client, token, planned_child, user):
    ask(client, token)
    other = user(User.Role.SOCIAL_WORKER)
    client.force_login(other)
    notice = Notice.objects.get()
    assert client.post(f"/sharing/notices/{notice.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def _expecting(mother, worker, manager, chair, on_plan=True, sex="F", description="Birth mother"):
    """An unborn child of `mother` (a parent relationship from the child to her), on a
    pre-birth plan through the services when `on_plan`."""
    from people.models import Relationship

    unborn = builders.child(date_of_birth=None, expected_date_of_birth=TODAY() + datetime.timedelta(days=60))
    mother.sex = sex
    mother.save()
    Relationship.objects.create(
        person=unborn, related_person=mother, relationship=Relationship.Type.PARENT, description=description
    )
    if on_plan:
        on_a_plan(worker, manager, chair, unborn)
    return unborn


@pytest.fixture
def mother(db):
    return builders.adult("Sam", "Testmother", TODAY() - datetime.timedelta(days=365 * 24), "F")


def test_the_mothers_number_finds_her_unborn_childs_pre_birth_plan(client, token, worker, manager, chair, mother):
    # CP-IS holds an unborn child's plan against the expectant mother's NHS number.
    unborn = _expecting(mother, worker, manager, chair)
    give_nhs_number(mother)
    answer = ask(client, token).json()
    assert answer["known"] is True
    assert answer["pre_birth_plan"]["flag"] is True
    assert answer["child_protection_plan"]["flag"] is False
    assert answer["looked_after"]["flag"] is False
    # The disclosure and the worker's notice are about the unborn child, not the mother.
    assert list(Disclosure.objects.filter(kind=Disclosure.Kind.CPIS).values_list("person_id", flat=True)) == [unborn.pk]
    assert Notice.objects.filter(user=worker).count() == 1


def test_a_mother_whose_unborn_child_has_no_plan_is_not_known(client, token, worker, manager, chair, mother):
    _expecting(mother, worker, manager, chair, on_plan=False)
    give_nhs_number(mother)
    assert ask(client, token).json() == ask(client, token, nhs_number=OTHER_VALID_NHS).json()
    assert not Disclosure.objects.filter(kind=Disclosure.Kind.CPIS).exists()


def test_a_father_does_not_find_the_unborn_childs_plan(client, token, worker, manager, chair, mother):
    # A parent recorded as male, and not described as the mother, is not the expectant mother.
    _expecting(mother, worker, manager, chair, sex="M", description="Father")
    give_nhs_number(mother)
    assert ask(client, token).json()["known"] is False


def test_a_born_child_of_the_mother_is_not_found_by_her_number(client, token, worker, manager, chair, mother):
    from people.models import Relationship

    born = builders.child()
    mother.sex = "F"
    mother.save()
    Relationship.objects.create(person=born, related_person=mother, relationship=Relationship.Type.PARENT)
    on_a_plan(worker, manager, chair, born)
    give_nhs_number(mother)
    assert ask(client, token).json()["known"] is False
