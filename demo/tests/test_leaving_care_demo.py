"""The demo authority's care leavers (demo/leaving_care.py), on a generated authority: the
young people who left care before the demo's year are adults with migrated histories and no
consistent identifier, the eligible children are demo.care's own, every record has a personal
adviser and a pathway plan with the next review due, the SSDA903 OC3 of the collection year
has them with their birthday contacts and passes the in-product checks, and the demo's
personal adviser (personal.adviser) sees the care leavers they advise.

One authority is made for the whole module (committed, and removed at the end)."""

import datetime as dt

import pytest

from audit.models import AuditEvent
from childrenincare.models import PeriodOfCare
from demo import care
from demo.leaving_care import MIGRATED
from kernel.models import Deadline
from leavingcare import eligibility
from leavingcare.models import BirthdayContact, CareLeaver, PathwayPlanReview, PersonalAdviser
from leavingcare.services import PATHWAY_PLAN_REVIEW_RULE
from partners.models import User
from people.models import Identifier, Person
from returns import ssda903, validation_leaving_care
from returns.collection import collection_period
from testing.demo import (
    demo_authority,
    name_keys,  # noqa: F401 - an autouse fixture
)

TODAY = dt.date(2026, 4, 20)
YEAR = 2026  # the collection year 2025/26, which the demo's year of records begins in
CHILDREN = 2000


authority = demo_authority(children=CHILDREN, seed=3, today=TODAY)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("authority")]


def age(dob, on=TODAY):
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def test_care_leavers_who_left_before_the_year_are_adults_with_a_migrated_history():
    year_start = collection_period(YEAR)[0]
    leavers = list(CareLeaver.objects.filter(person__kind=Person.Kind.ADULT).select_related("person"))
    assert len(leavers) >= 5
    for record in leavers:
        person = record.person
        assert 18 <= age(person.date_of_birth) <= 22
        assert not Identifier.objects.filter(person=person, id_type=Identifier.Type.CONSISTENT).exists()
        periods = list(PeriodOfCare.objects.filter(person=person).select_related("episode__contact"))
        assert len(periods) == 1
        period = periods[0]
        assert period.end_date < year_start
        assert period.start_date < period.end_date
        assert period.episode.contact.decision_due_explanation == MIGRATED
        assert period.legal_statuses.order_by("start_date").first().code == "V2"
        assert not period.legal_statuses.filter(code="C1").exists()
        status = eligibility.categorise(person.date_of_birth, eligibility.histories([person.pk])[person.pk], TODAY)
        assert status.category != eligibility.ELIGIBLE  # care has ended: former relevant (or relevant)


def test_eligible_children_are_the_generators_own_still_looked_after():
    records = CareLeaver.objects.filter(person__kind=Person.Kind.CHILD)
    looked_after = list(PeriodOfCare.objects.filter(end_date__isnull=True).select_related("person"))
    found = eligibility.histories([p.person_id for p in looked_after])
    eligible = {
        p.person_id
        for p in looked_after
        if p.person.date_of_birth
        and eligibility.categorise(p.person.date_of_birth, found[p.person_id], TODAY).category == eligibility.ELIGIBLE
    }
    # Exactly the eligible children have a record. (demo.care brings its 16 and 17 year olds into
    # care late in the year, so at this size none has yet been looked after 13 weeks.)
    assert set(records.values_list("person_id", flat=True)) == eligible
    for record in records.select_related("person"):
        assert Identifier.objects.filter(person=record.person, id_type=Identifier.Type.CONSISTENT).exists()
        assert PeriodOfCare.objects.filter(person=record.person, end_date__isnull=True).exists()
        assert 16 <= age(record.person.date_of_birth) <= 17
        # Not one of demo.leaving_care's young people (their migrated periods all ended before the
        # demo's year): a migrated period here is demo.care's earlier years of care (history()).
        assert not PeriodOfCare.objects.filter(
            person=record.person,
            episode__contact__decision_due_explanation=MIGRATED,
            start_date__lt=TODAY - dt.timedelta(days=(care.HISTORY_YEARS + 1) * 365),
        ).exists()


def test_every_record_has_an_adviser_a_pathway_plan_and_the_next_review_due():
    for record in CareLeaver.objects.all():
        assert PersonalAdviser.objects.filter(care_leaver=record, end_date__isnull=True).count() == 1
        assert PathwayPlanReview.objects.filter(care_leaver=record, kind=PathwayPlanReview.Kind.PLAN).count() <= 1
        assert (
            Deadline.objects.filter(
                subject_id=record.pk, rule_slug=PATHWAY_PLAN_REVIEW_RULE, status=Deadline.Status.OPEN
            ).count()
            == 1
        )
    late = Deadline.objects.filter(rule_slug=PATHWAY_PLAN_REVIEW_RULE, late=True)
    assert not late.filter(late_reason="").exists()


def test_the_oc3_has_the_care_leavers_with_their_birthday_contacts_and_passes_the_checks():
    tables = ssda903.build(YEAR)
    assert len(tables["OC3"]) >= 5
    assert all(row["IN_TOUCH"] for row in tables["OC3"])
    assert validation_leaving_care.check(tables, YEAR) == []
    assert BirthdayContact.objects.filter(in_touch="YES").exists()


def test_the_demo_personal_adviser_sees_the_care_leavers_they_advise(client):
    adviser = User.objects.get(username="personal.adviser")
    assert adviser.team.function == "care leavers"
    advised = CareLeaver.objects.filter(advisers__adviser=adviser, advisers__end_date__isnull=True)
    assert advised.exists()
    client.force_login(adviser)
    record = advised.select_related("person").first()
    page = client.get(f"/care-leavers/{record.pk}/")
    assert page.status_code == 200
    assert record.person.family_name in page.content.decode()
    assert AuditEvent.objects.filter(user=adviser).exists()
