"""The care leavers services: the record, the personal adviser, the pathway plan and its due
date, keeping-in-touch contacts, the birthday contact with its window and the ACCOM code."""

import datetime

import pytest

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from kernel.models import Deadline
from kernel.rules import RuleBroken
from leavingcare import selectors, services
from leavingcare.eligibility import add_months, birthday
from leavingcare.models import BirthdayContact, CareLeaver, PersonalAdviser
from leavingcare.testing import care_period
from partners.models import User
from people.models import Involvement

TODAY = datetime.date.today()
D = datetime.timedelta


@pytest.fixture
def leaver(worker, young_person):
    """A former relevant young person (left care at 18) with a care leaver record."""
    dob = young_person.date_of_birth
    care_period(worker, young_person, birthday(dob, 13), birthday(dob, 18), end_reason="E17")
    return services.open_record(worker, young_person)


@pytest.mark.parametrize(
    ("letter", "suitable", "in_touch", "code"),
    [
        ("U", True, "YES", "U1"),
        ("U", False, "YES", "U2"),
        ("S", True, "YES", "S2"),
        ("X", None, "NO", "X2"),
        ("Z", True, "YES", "Z1"),
        ("B", True, "DIED", "0"),
        ("D", False, "RHOM", "0"),
        ("", None, "NO", "0"),
        ("0", None, "REFU", "0"),
        ("d", True, "YES", "D1"),
        ("E", None, "YES", ""),
    ],
)
def test_accommodation_code_from_type_and_suitability(letter, suitable, in_touch, code):
    assert services.accommodation_code(letter, suitable, in_touch) == code


@pytest.mark.django_db
def test_accommodation_types_come_from_the_code_list():
    types = dict(services.accommodation_types())
    assert "S" in types
    assert "Z" in types
    assert "0" not in types
    assert ": suitable" not in types["U"]


def test_birthday_window_is_3_months_before_to_1_month_after():
    dob = datetime.date(2005, 1, 31)
    start, end = selectors.birthday_window(dob, 19)
    assert (start, end) == (datetime.date(2023, 10, 31), datetime.date(2024, 2, 29))


def test_open_record_only_for_someone_entitled(worker, young_person):
    with pytest.raises(RuleBroken) as refused:
        services.open_record(worker, young_person)
    assert "Not entitled" in str(refused.value)
    assert not CareLeaver.objects.exists()


def test_open_record_is_audited_and_in_the_chronology(leaver, worker):
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="leavingcare.careleaver").exists()
    assert ChronologyEntry.objects.filter(person=leaver.person, kind="care-leaver").exists()
    with pytest.raises(RuleBroken):
        services.open_record(worker, leaver.person)


def test_appointing_a_personal_adviser_ends_the_last_and_moves_the_involvement(leaver, worker, user, team):
    first = services.appoint_personal_adviser(worker, leaver, adviser=worker, on=TODAY - D(100))
    other = user(User.Role.SOCIAL_WORKER, team=team)
    second = services.appoint_personal_adviser(worker, leaver, adviser=other, on=TODAY - D(10))
    first.refresh_from_db()
    assert first.end_date == TODAY - D(11)
    assert second.end_date is None
    assert Involvement.objects.get(
        person=leaver.person, worker=worker, kind=services.PA_INVOLVEMENT
    ).end_date == TODAY - D(11)
    assert Involvement.objects.get(person=leaver.person, worker=other, kind=services.PA_INVOLVEMENT).end_date is None
    assert selectors.current_adviser(leaver).adviser == other


def test_a_personal_adviser_must_be_local_authority_case_staff(leaver, worker, police_officer, user):
    for wrong in (police_officer, user(User.Role.ANALYST)):
        with pytest.raises(RuleBroken) as refused:
            services.appoint_personal_adviser(worker, leaver, adviser=wrong, on=TODAY)
        assert "adviser" in refused.value.errors
    with pytest.raises(RuleBroken) as refused:
        services.appoint_personal_adviser(worker, leaver, adviser=worker, on=TODAY + D(1))
    assert "on" in refused.value.errors
    assert not PersonalAdviser.objects.exists()


def test_pathway_plan_then_reviews_every_6_months_with_a_due_date(leaver, worker):
    services.appoint_personal_adviser(worker, leaver, adviser=worker, on=TODAY - D(400))
    with pytest.raises(RuleBroken) as refused:
        services.record_pathway_plan(worker, leaver, kind="review", held_on=TODAY - D(300))
    assert "kind" in refused.value.errors
    plan = services.record_pathway_plan(worker, leaver, kind="plan", held_on=TODAY - D(300))
    due = Deadline.objects.get(rule_slug=services.PATHWAY_PLAN_REVIEW_RULE, status=Deadline.Status.OPEN)
    assert due.due_date == add_months(plan.held_on, 6)
    assert due.worker == worker
    assert due.person == leaver.person
    # Done after the due date: the reason is needed, and kept.
    with pytest.raises(RuleBroken) as refused:
        services.record_pathway_plan(worker, leaver, kind="review", held_on=TODAY - D(20))
    assert "late_reason" in refused.value.errors
    review = services.record_pathway_plan(
        worker, leaver, kind="review", held_on=TODAY - D(20), late_reason="The young person was in hospital"
    )
    assert review.late_reason == "The young person was in hospital"
    due.refresh_from_db()
    assert due.status == Deadline.Status.MET
    assert due.late
    following = Deadline.objects.get(rule_slug=services.PATHWAY_PLAN_REVIEW_RULE, status=Deadline.Status.OPEN)
    assert following.due_date == add_months(TODAY - D(20), 6)
    with pytest.raises(RuleBroken):
        services.record_pathway_plan(worker, leaver, kind="plan", held_on=TODAY)


def test_keeping_in_touch_contact(leaver, worker):
    with pytest.raises(RuleBroken) as refused:
        services.record_contact(worker, leaver, contact_on=None, method="carrier pigeon", in_touch=None)
    assert set(refused.value.errors) == {"contact_on", "method", "in_touch"}
    contact = services.record_contact(worker, leaver, contact_on=TODAY, method="phone", in_touch=True, notes="Fine")
    assert contact.in_touch
    assert ChronologyEntry.objects.filter(kind="keeping-in-touch").exists()


def _birthday(leaver):
    """The last 19th birthday (the young person is 19 and 100 days)."""
    return birthday(leaver.person.date_of_birth, 19)


def test_birthday_contact_in_the_window_with_the_derived_code(leaver, worker):
    day = _birthday(leaver)
    found = services.record_birthday_contact(
        worker,
        leaver,
        birthday_age=19,
        contact_on=day - D(20),
        in_touch="YES",
        activity="F2",
        accommodation_type="U",
        accommodation_suitable=True,
    )
    assert (found.in_touch, found.activity, found.accommodation) == ("YES", "F2", "U1")
    # Recorded again, it replaces the first (one a birthday), audited as a change.
    services.record_birthday_contact(
        worker,
        leaver,
        birthday_age=19,
        contact_on=day + D(3),
        in_touch="YES",
        activity="G5",
        accommodation_type="S",
        accommodation_suitable=False,
    )
    found = BirthdayContact.objects.get()
    assert found.accommodation == "S2"
    assert found.activity == "G5"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_type="leavingcare.birthdaycontact"
    ).exists()


def test_birthday_contact_outside_the_window_is_refused(leaver, worker):
    day = _birthday(leaver)
    for outside in (add_months(day, -3) - D(1), add_months(day, 1) + D(1)):
        with pytest.raises(RuleBroken) as refused:
            services.record_birthday_contact(
                worker,
                leaver,
                birthday_age=19,
                contact_on=outside,
                in_touch="YES",
                activity="F2",
                accommodation_type="U",
                accommodation_suitable=True,
            )
        assert "contact_on" in refused.value.errors
    for edge in (add_months(day, -3), add_months(day, 1)):
        services.record_birthday_contact(
            worker,
            leaver,
            birthday_age=19,
            contact_on=edge,
            in_touch="YES",
            activity="F2",
            accommodation_type="U",
            accommodation_suitable=True,
        )


def test_birthday_contact_rules(leaver, worker):
    day = _birthday(leaver)

    def refused(**fields):
        values = dict(
            birthday_age=19,
            contact_on=day,
            in_touch="YES",
            activity="F2",
            accommodation_type="U",
            accommodation_suitable=True,
        )
        values.update(fields)
        with pytest.raises(RuleBroken) as error:
            services.record_birthday_contact(worker, leaver, **values)
        return error.value.errors

    assert "in_touch" in refused(in_touch="MAYBE")
    assert "birthday_age" in refused(birthday_age=16)
    assert "contact_on" in refused(contact_on=None)
    assert "activity" in refused(activity="0")
    assert "accommodation_type" in refused(accommodation_type="Q")
    assert "accommodation_suitable" in refused(accommodation_suitable=None)
    assert "accommodation_suitable" in refused(accommodation_type="X", accommodation_suitable=True)
    assert not BirthdayContact.objects.exists()


def test_died_or_went_home_records_0_for_activity_and_accommodation(leaver, worker):
    found = services.record_birthday_contact(
        worker,
        leaver,
        birthday_age=19,
        in_touch="RHOM",
        activity="F2",
        accommodation_type="U",
        accommodation_suitable=True,
    )
    assert (found.activity, found.accommodation, found.accommodation_type) == ("0", "0", "")


def test_not_in_touch_may_be_not_known(leaver, worker):
    found = services.record_birthday_contact(
        worker, leaver, birthday_age=19, in_touch="NO", activity="0", accommodation_type="0"
    )
    assert (found.activity, found.accommodation) == ("0", "0")


def test_no_staying_put_at_17_and_no_foyer_under_18(worker, user):
    from people.services import record_person

    from .conftest import years_ago

    person = record_person(
        None, kind="child", given_names="Kim", family_name="Testleaver", date_of_birth=years_ago(17, 10), sex="F"
    )
    dob = person.date_of_birth
    care_period(worker, person, birthday(dob, 15), birthday(dob, 16) + D(100), end_reason="E5")
    record = services.open_record(worker, person)
    for letter in ("Z", "T"):
        with pytest.raises(RuleBroken) as refused:
            services.record_birthday_contact(
                worker,
                record,
                birthday_age=17,
                contact_on=birthday(dob, 17),
                in_touch="YES",
                activity="F2",
                accommodation_type=letter,
                accommodation_suitable=True,
            )
        assert "accommodation_type" in refused.value.errors


def test_summary_lists_the_birthdays_and_says_when_an_adviser_is_missing(leaver, worker):
    found = selectors.summary(leaver)
    assert found["adviser_missing"]
    assert found["eligibility"].category == "former_relevant"
    ages = [b["age"] for b in found["birthdays"]]
    assert ages == [17, 18, 19, 20, 21]
    nineteenth = found["birthdays"][2]
    assert nineteenth["due"]
    assert not nineteenth["future"]
    assert found["birthdays"][-1]["future"]


def test_no_birthday_contact_for_a_birthday_the_young_person_was_looked_after_on(leaver, worker):
    with pytest.raises(RuleBroken) as refused:
        services.record_birthday_contact(worker, leaver, birthday_age=18, in_touch="RHOM")
    assert "looked after on their 18th birthday" in refused.value.errors["birthday_age"][0]
    eighteenth = selectors.summary(leaver)["birthdays"][1]
    assert eighteenth["looked_after"]
    assert not eighteenth["due"]
