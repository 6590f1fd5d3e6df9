"""The demo authority's education records (demo/education.py), on generated authorities of two
seeds with both duties in force (as scripts/serve-demo.sh sets them): every registration's
school is on the list and is a school agency; every pupil of compulsory school age has a current
registration at their school, and no child two at once; the special schools' pupils are there
under authority arrangements; every child on the children not in school register is of
compulsory school age, on no school's roll and on the register with what the Act names; the
relevant child's request was refused with a best-interests analysis and the ask-again day; the
education team is involved with each of these children.

One authority per seed for the module (committed, and removed at the end)."""

import datetime as dt

import pytest
from django.test import override_settings

from childprotection.models import ChildProtectionPlan
from demo.education import CONSENT_INVOLVEMENT, REGISTER_INVOLVEMENT
from education.models import (
    ConsentInformation,
    ConsentNotification,
    ConsentRequest,
    RegisterEntry,
    School,
    SchoolRegistration,
)
from education.rules import add_months, of_compulsory_school_age, rules_on
from partners.models import Agency, User
from people.models import Involvement
from testing.demo import (
    empty_tables,
    generate,
    name_keys,  # noqa: F401 - an autouse fixture
    remove,
)

TODAY = dt.date(2026, 11, 20)
COMMENCEMENT = "2026-09-01"  # both duties, as scripts/serve-demo.sh sets them [U]


@pytest.fixture(scope="module", params=[3, 8], ids=lambda seed: f"2000-children-seed-{seed}")
def authority(request, django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(S434A_COMMENCEMENT=COMMENCEMENT, CNIS_COMMENCEMENT=COMMENCEMENT),
    ):
        empty_before = empty_tables()
        generate(2000, request.param, TODAY)
        yield request.param
        remove(empty_before)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("authority")]


def test_the_school_list_is_the_school_agencies_with_special_schools():
    agencies = dict(Agency.objects.filter(kind=Agency.Kind.SCHOOL).values_list("urn", "name"))
    schools = {school.urn: school for school in School.objects.all()}
    assert set(schools) == set(agencies)
    assert all(schools[urn].name == name for urn, name in agencies.items())
    special = [s for s in schools.values() if s.special]
    assert len(special) >= 2
    assert any(s.maintained_by_authority for s in special)
    assert any(not s.maintained_by_authority for s in special)
    assert {School.Phase.PRIMARY, School.Phase.SECONDARY} <= {s.phase for s in schools.values()}


def test_every_pupil_of_compulsory_school_age_has_a_current_registration_at_their_school():
    current = {
        (r.person_id, r.school.urn)
        for r in SchoolRegistration.objects.select_related("school").filter(start_date__lte=TODAY, end_date=None)
    }
    pupils = Involvement.objects.filter(kind="pupil", end_date=None, agency__kind=Agency.Kind.SCHOOL).select_related(
        "person", "agency"
    )
    checked = 0
    for pupil in pupils:
        if of_compulsory_school_age(pupil.person.date_of_birth, TODAY):
            assert (pupil.person_id, pupil.agency.urn) in current
            checked += 1
    assert checked > 500


def test_no_child_is_on_two_rolls_at_once_and_there_is_a_school_history():
    by_child = {}
    for r in SchoolRegistration.objects.order_by("person_id", "start_date"):
        by_child.setdefault(r.person_id, []).append(r)
    for registrations in by_child.values():
        for before, after in zip(registrations, registrations[1:], strict=False):
            assert before.end_date is not None
            assert before.end_date < after.start_date
    assert sum(len(r) > 1 for r in by_child.values()) > 100
    arranged = SchoolRegistration.objects.filter(under_authority_arrangements=True)
    assert arranged.exists()
    assert not arranged.filter(school__special=False).exists()


def test_the_register_holds_children_of_compulsory_school_age_on_no_roll():
    entries = list(RegisterEntry.objects.select_related("person"))
    pupils = SchoolRegistration.objects.filter(end_date=None).values("person_id").distinct().count()
    assert 0.002 * pupils <= len(entries) <= 0.03 * pupils
    for entry in entries:
        assert entry.added_on >= dt.date.fromisoformat(COMMENCEMENT)
        for day in (entry.added_on, TODAY):
            assert of_compulsory_school_age(entry.person.date_of_birth, day)
            on_roll = SchoolRegistration.objects.filter(person=entry.person, start_date__lte=day).exclude(
                end_date__lt=day
            )
            assert not on_roll.exists()
        assert entry.parents
        assert entry.address
        assert entry.provider
        assert entry.hours_per_week
        assert entry.removed_on is None


def test_the_relevant_childs_request_was_refused_after_a_best_interests_analysis():
    refused = ConsentRequest.objects.get(status=ConsentRequest.Status.REFUSED)
    assert refused.relevant_child
    assert "B" in refused.conditions
    assert ChildProtectionPlan.objects.filter(
        person=refused.person, start_date__lte=refused.received_on, end_date=None
    ).exists()
    assert refused.best_interests
    assert refused.best_interests_on >= refused.received_on
    assert refused.decision_reasons
    assert refused.decision_maker.role == User.Role.HEAD_OF_SERVICE
    months = rules_on(refused.decided_on).ask_again_after_months
    assert refused.may_ask_again_on == add_months(refused.decided_on, months)
    kinds = set(ConsentInformation.objects.filter(request=refused).values_list("kind", flat=True))
    assert kinds == {"school_view", "social_worker_view", "child_view", "visit"}
    told = set(ConsentNotification.objects.filter(request=refused, about="decision").values_list("to", flat=True))
    assert told == {"social_worker", "school", "parent"}
    assert not RegisterEntry.objects.filter(person=refused.person).exists()


def test_the_education_team_is_involved_with_every_child_on_the_register_or_with_a_request():
    officer = User.objects.get(username="education.officer")
    assert officer.role == User.Role.EDUCATION_WELFARE_OFFICER
    assert officer.team.function == "education"
    involved = Involvement.objects.filter(team=officer.team, worker=officer)
    on_register = set(RegisterEntry.objects.values_list("person_id", flat=True))
    assert on_register == set(involved.filter(kind=REGISTER_INVOLVEMENT).values_list("person_id", flat=True))
    asked = set(ConsentRequest.objects.values_list("person_id", flat=True))
    assert asked == set(involved.filter(kind=CONSENT_INVOLVEMENT).values_list("person_id", flat=True))


def test_children_missing_education_have_enquiries_and_one_was_found_on_a_roll():
    from education.models import MissingEducationCase

    cases = list(MissingEducationCase.objects.prefetch_related("enquiries"))
    assert len(cases) >= 2
    assert all(case.enquiries.exists() for case in cases)
    found = [case for case in cases if case.status == MissingEducationCase.Status.CLOSED]
    assert found, "a child missing education found later"
    for case in found:
        assert case.closure_reason == MissingEducationCase.ClosureReason.ON_ROLL
        assert case.closed_on > case.opened_on
        assert SchoolRegistration.objects.filter(person=case.person, start_date=case.closed_on).exists()
    for case in cases:
        if case.status == MissingEducationCase.Status.OPEN:
            assert not SchoolRegistration.objects.filter(person=case.person, end_date=None).exists()
