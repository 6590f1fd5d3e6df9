"""What the care leaver record adds to the care history (issue 25, finding 3): where the young
person lives and when that broke down, the special guardianship order no longer in force, and
detained or in hospital on the 16th birthday. Each is checked, audited, in the chronology and
changes the category; the page saves them; and a young person detained at 16 can have their
record opened (Care Leavers (England) Regulations 2010 reg 3(2))."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from kernel.rules import RuleBroken
from leavingcare import eligibility, services
from leavingcare.eligibility import QUALIFYING, RELEVANT, add_months, birthday
from leavingcare.models import CareLeaver
from leavingcare.testing import care_period
from people.models import Involvement
from people.services import record_person
from testing.pages import date_data

TODAY = datetime.date.today()
D = datetime.timedelta


@pytest.fixture
def seventeen(db):
    """Aged 17 and 2 months today."""
    dob = add_months(TODAY, -(17 * 12 + 2))
    return record_person(None, kind="child", given_names="Sam", family_name="Testleaver", date_of_birth=dob, sex="F")


@pytest.fixture
def left_through_sgo(worker, seventeen):
    """Looked after from 15 to 16 and 8 months, then a special guardianship order (E45): a
    relevant child for 6 months (reg 3), then qualifying (s24(1A)). Aged 17 and 2 months, they
    have lived with the special guardian for 6 months today."""
    dob = seventeen.date_of_birth
    care_period(worker, seventeen, birthday(dob, 15), add_months(birthday(dob, 16), 8), end_reason="E45")
    return services.open_record(worker, seventeen, on=add_months(birthday(dob, 16), 8))


def test_the_special_guardianship_leaver_is_qualifying_after_6_months_and_relevant_if_it_broke_down(
    worker, left_through_sgo
):
    person = left_through_sgo.person
    assert eligibility.eligibility_category(person, TODAY).category == QUALIFYING
    assert eligibility.eligibility_category(person, TODAY - D(1)).category == RELEVANT
    services.record_circumstances(worker, left_through_sgo, home_with_parent_until=TODAY - D(10))
    left_through_sgo.refresh_from_db()
    found = eligibility.eligibility_category(person, TODAY)
    assert found.category == RELEVANT
    change = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_type="leavingcare.careleaver").get()
    assert "home_with_parent_until" in str(change.detail)
    assert ChronologyEntry.objects.filter(person=person, title__startswith="Care leaver circumstances changed").exists()


def test_the_special_guardianship_order_ended_is_checked_and_changes_the_category(worker, left_through_sgo):
    record, dob = left_through_sgo, left_through_sgo.person.date_of_birth
    made = add_months(birthday(dob, 16), 8)
    with pytest.raises(RuleBroken) as refused:
        services.record_circumstances(worker, record, special_guardianship_ended_on=made - D(1))
    assert "before it was made" in str(refused.value)
    with pytest.raises(RuleBroken) as refused:
        services.record_circumstances(worker, record, special_guardianship_ended_on=TODAY + D(1))
    assert "future" in str(refused.value)
    # Revoked, and the arrangement over: relevant again (reg 3), not qualifying through the order.
    services.record_circumstances(
        worker, record, special_guardianship_ended_on=TODAY - D(5), home_with_parent_until=TODAY - D(5)
    )
    record.refresh_from_db()
    assert record.special_guardianship_ended_on == TODAY - D(5)
    assert eligibility.eligibility_category(record.person, TODAY, care_leaver=record).category == RELEVANT


def test_no_special_guardianship_order_to_end_without_one_in_the_care_history(worker, young_person):
    dob = young_person.date_of_birth
    care_period(worker, young_person, birthday(dob, 13), birthday(dob, 18), end_reason="E17")
    record = services.open_record(worker, young_person)
    with pytest.raises(RuleBroken) as refused:
        services.record_circumstances(worker, record, special_guardianship_ended_on=TODAY - D(3))
    assert "no period of care that ended with a special guardianship order" in str(refused.value)


def test_home_with_a_parent_cannot_break_down_before_it_began(worker, left_through_sgo):
    with pytest.raises(RuleBroken) as refused:
        services.record_circumstances(
            worker, left_through_sgo, home_with_parent_since=TODAY - D(10), home_with_parent_until=TODAY - D(20)
        )
    assert "cannot be before they began" in str(refused.value)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_a_child_detained_on_their_16th_birthday_can_have_a_record_opened(worker, seventeen):
    # Looked after (section 20) from 15 to 15 and 6 months, then sentenced to custody (E9) and
    # detained from that day, still on the 16th birthday: a relevant child (reg 3(2)).
    dob = seventeen.date_of_birth
    detained = add_months(birthday(dob, 15), 6)
    care_period(worker, seventeen, birthday(dob, 15), detained, end_reason="E9", legal_status="V2")
    with pytest.raises(RuleBroken) as refused:
        services.open_record(worker, seventeen)
    assert "Not entitled" in str(refused.value)
    with pytest.raises(RuleBroken) as refused:
        services.open_record(worker, seventeen, at_sixteen="detained", detained_at_16_since=birthday(dob, 16) + D(1))
    assert "cannot be after it" in str(refused.value)
    with pytest.raises(RuleBroken) as refused:
        services.open_record(worker, seventeen, at_sixteen="detained")
    assert "Enter the date they were detained" in str(refused.value)
    record = services.open_record(worker, seventeen, at_sixteen="detained", detained_at_16_since=detained)
    found = eligibility.eligibility_category(seventeen, TODAY)
    assert found.category == RELEVANT
    assert found.basis == "reg 3(2)"
    assert found.needs_personal_adviser
    # Clearing it takes the date with it.
    services.record_circumstances(worker, record, at_sixteen="")
    record.refresh_from_db()
    assert record.detained_at_16_since is None
    assert eligibility.eligibility_category(seventeen, TODAY, care_leaver=record).category is None


def test_the_circumstances_page_saves_and_refuses(client, worker, left_through_sgo):
    Involvement.objects.create(
        person=left_through_sgo.person,
        agency=worker.agency,
        team=worker.team,
        kind="Care leavers",
        start_date=TODAY - D(400),
    )
    client.force_login(worker)
    page = reverse("leavingcare:circumstances", args=[left_through_sgo.pk])
    response = client.get(page)
    assert response.status_code == 200
    assert "Qualifying care leaver" in response.content.decode()
    record_page = reverse("leavingcare:record", args=[left_through_sgo.pk])
    assert page in client.get(record_page).content.decode()
    bad = {
        **date_data("home_with_parent_since", TODAY - D(3)),
        **date_data("home_with_parent_until", TODAY - D(9)),
        **date_data("special_guardianship_ended_on", None),
        "at_sixteen": "",
        **date_data("detained_at_16_since", None),
    }
    response = client.post(page, bad)
    assert response.status_code == 400
    assert "cannot be before they began" in response.content.decode()
    good = {**bad, **date_data("home_with_parent_until", TODAY - D(2))}
    response = client.post(page, good)
    assert response.status_code == 302
    assert response["Location"] == record_page
    left_through_sgo.refresh_from_db()
    assert (left_through_sgo.home_with_parent_since, left_through_sgo.home_with_parent_until) == (
        TODAY - D(3),
        TODAY - D(2),
    )
    assert "that arrangement broke down on" in client.get(record_page).content.decode()


@pytest.mark.django_db
def test_the_record_cannot_hold_a_date_of_detention_without_saying_which():
    from django.db import IntegrityError, transaction

    from partners.models import User

    person = record_person(
        None, kind="child", given_names="Ali", family_name="Testleaver", date_of_birth=TODAY - D(6000), sex="M"
    )
    user = User.objects.create_user(username="constraint-check", password="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        CareLeaver.objects.create(person=person, opened_on=TODAY, created_by=user, detained_at_16_since=TODAY)


def test_the_open_page_takes_detention_at_16(client, worker, seventeen):
    dob = seventeen.date_of_birth
    detained = add_months(birthday(dob, 15), 6)
    care_period(worker, seventeen, birthday(dob, 15), detained, end_reason="E9", legal_status="V2")
    Involvement.objects.create(
        person=seventeen, agency=worker.agency, team=worker.team, kind="Care leavers", start_date=TODAY - D(400)
    )
    client.force_login(worker)
    body = client.get(reverse("leavingcare:for-person", args=[seventeen.pk])).content.decode()
    assert "Not a care leaver" in body
    assert "Open a care leaver record and say so" in body
    page = reverse("leavingcare:open", args=[seventeen.pk])
    assert client.post(page, {}).status_code == 400
    response = client.post(page, {"at_sixteen": "detained", **date_data("detained_at_16_since", detained)})
    record = CareLeaver.objects.get(person=seventeen)
    assert response.status_code == 302
    assert response["Location"] == reverse("leavingcare:record", args=[record.pk])
    assert (record.at_sixteen, record.detained_at_16_since) == ("detained", detained)
    assert "Relevant child" in client.get(response["Location"]).content.decode()
