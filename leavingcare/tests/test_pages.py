"""The care leaver pages through the Django test client: each renders and is audited, each
form saves and returns to the record, bad input is 400 with the GOV.UK error summary and
nothing saved, someone with no reason to see the young person gets the audited 404, and
someone who may read but not change gets 403 on the forms."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from leavingcare import services
from leavingcare.eligibility import birthday
from leavingcare.models import BirthdayContact, CareLeaver, KeepingInTouchContact, PathwayPlanReview, PersonalAdviser
from leavingcare.testing import care_period
from partners.models import Team, User
from people.models import Involvement
from testing.pages import date_data, refused, saved

TODAY = datetime.date.today
D = datetime.timedelta
FORMS = ["personal-adviser", "pathway-plan", "contact", "birthday-contact"]


def url(name, record):
    return reverse(f"leavingcare:{name}", args=[record.pk])


@pytest.fixture
def history(worker, young_person):
    dob = young_person.date_of_birth
    care_period(worker, young_person, birthday(dob, 13), birthday(dob, 18), end_reason="E17")
    Involvement.objects.create(
        person=young_person, agency=worker.agency, team=worker.team, kind="Care leavers", start_date=TODAY() - D(400)
    )
    return young_person


@pytest.fixture
def record(worker, history):
    return services.open_record(worker, history)


def test_the_record_shows_eligibility_why_and_the_birthdays(signed_in, worker, record):
    response = signed_in.get(url("record", record))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Former relevant young person" in body
    assert "the day before the 18th birthday" in body
    assert "No personal adviser" in body
    assert "Not recorded" in body
    assert AuditEvent.objects.filter(
        action="view", user=worker, person_id=record.person_id, summary="Viewed the care leaver record"
    ).exists()


def test_the_person_page_links_to_the_record(signed_in, record):
    body = signed_in.get(reverse("people:detail", args=[record.person_id])).content.decode()
    assert reverse("leavingcare:record", args=[record.pk]) in body


@pytest.mark.parametrize("name", FORMS)
def test_every_form_renders_and_is_audited(signed_in, worker, record, name):
    response = signed_in.get(url(name, record))
    assert response.status_code == 200
    assert record.person.full_name in response.content.decode()
    assert AuditEvent.objects.filter(
        action="view", user=worker, person_id=record.person_id, summary__startswith="Viewed the page"
    ).exists()


def test_without_a_record_the_eligibility_and_opening_it(signed_in, history):
    response = signed_in.get(reverse("leavingcare:for-person", args=[history.pk]))
    assert response.status_code == 200
    assert "Open a care leaver record" in response.content.decode()
    saved_response = signed_in.post(reverse("leavingcare:open", args=[history.pk]), {})
    found = CareLeaver.objects.get(person=history)
    saved(saved_response, url("record", found))
    assert signed_in.get(reverse("leavingcare:for-person", args=[history.pk]))["Location"] == url("record", found)


def test_opening_a_record_for_someone_not_entitled_is_400(signed_in, worker, young_person):
    Involvement.objects.create(
        person=young_person, agency=worker.agency, team=worker.team, kind="Test", start_date=TODAY()
    )
    refused(signed_in.post(reverse("leavingcare:open", args=[young_person.pk]), {}), "Not entitled")
    assert not CareLeaver.objects.exists()


def test_appoints_a_personal_adviser(signed_in, worker, record):
    saved(
        signed_in.post(url("personal-adviser", record), {"adviser": str(worker.pk), **date_data("on", TODAY())}),
        url("record", record),
    )
    assert PersonalAdviser.objects.get().adviser == worker


def test_a_bad_adviser_is_400_and_nothing_saved(signed_in, record, police_officer):
    refused(
        signed_in.post(
            url("personal-adviser", record), {"adviser": str(police_officer.pk), **date_data("on", TODAY())}
        ),
        "cannot be a personal adviser",
    )
    refused(
        signed_in.post(url("personal-adviser", record), {"adviser": "", "on_0": "31", "on_1": "2", "on_2": "2025"}),
        "must be a real date",
    )
    assert not PersonalAdviser.objects.exists()


def test_records_the_pathway_plan_and_the_next_review_shows(signed_in, record):
    saved(
        signed_in.post(
            url("pathway-plan", record),
            {
                "kind": "plan",
                **date_data("held_on", TODAY() - D(10)),
                "young_person_took_part": "yes",
                "summary": "Agreed",
            },
        ),
        url("record", record),
    )
    assert PathwayPlanReview.objects.get().summary == "Agreed"
    body = signed_in.get(url("record", record)).content.decode()
    assert "Next review due" in body
    assert "On track" in body


def test_a_pathway_plan_in_the_future_is_400_with_what_was_typed(signed_in, record):
    later = TODAY() + D(30)
    body = refused(
        signed_in.post(
            url("pathway-plan", record), {"kind": "plan", **date_data("held_on", later), "summary": "Kept text"}
        ),
        "cannot be in the future",
    )
    assert "Kept text" in body
    assert not PathwayPlanReview.objects.exists()


def test_records_a_contact_and_refuses_a_missing_answer(signed_in, record):
    refused(
        signed_in.post(url("contact", record), {**date_data("contact_on", TODAY()), "method": "phone"}),
        "Select whether the young person was in touch",
    )
    assert not KeepingInTouchContact.objects.exists()
    saved(
        signed_in.post(
            url("contact", record),
            {**date_data("contact_on", TODAY()), "method": "phone", "in_touch": "yes", "notes": "Fine"},
        ),
        url("record", record),
    )
    assert KeepingInTouchContact.objects.get().in_touch


def test_records_the_birthday_contact_and_shows_it(signed_in, record):
    day = birthday(record.person.date_of_birth, 19)
    data = {
        "birthday_age": "19",
        "in_touch": "YES",
        **date_data("contact_on", day),
        "activity": "F5",
        "accommodation_type": "U",
        "accommodation_suitable": "yes",
    }
    saved(signed_in.post(url("birthday-contact", record), data), url("record", record))
    assert BirthdayContact.objects.get().accommodation == "U1"
    body = signed_in.get(url("record", record)).content.decode()
    assert "Independent living, for example a flat or tenancy: suitable" in body
    form = signed_in.get(url("birthday-contact", record) + "?age=19").content.decode()
    assert 'value="U" checked' in form or "checked" in form


def test_a_birthday_contact_outside_the_window_is_400(signed_in, record):
    day = birthday(record.person.date_of_birth, 19) - D(120)
    refused(
        signed_in.post(
            url("birthday-contact", record),
            {
                "birthday_age": "19",
                "in_touch": "YES",
                **date_data("contact_on", day),
                "activity": "F5",
                "accommodation_type": "U",
                "accommodation_suitable": "yes",
            },
        ),
        "3 months before to 1 month after",
    )
    assert not BirthdayContact.objects.exists()


def test_another_teams_worker_gets_the_audited_404(client, la, user, record):
    other = user(User.Role.SOCIAL_WORKER, team=Team.objects.create(agency=la, name="Other team"))
    client.force_login(other)
    for name in ["record", *FORMS]:
        assert client.get(url(name, record)).status_code == 404
    assert client.get(reverse("leavingcare:for-person", args=[record.person_id])).status_code == 404
    assert (
        client.post(
            url("contact", record), {**date_data("contact_on", TODAY()), "method": "phone", "in_touch": "yes"}
        ).status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="denied", user=other).count() >= len(FORMS) + 1
    assert not KeepingInTouchContact.objects.exists()


def test_a_record_that_does_not_exist_is_a_404(signed_in):
    assert signed_in.get(reverse("leavingcare:record", args=[999999])).status_code == 404


def test_a_partner_reads_but_cannot_change(client, police_officer, record):
    Involvement.objects.create(person=record.person, agency=police_officer.agency, kind="Police", start_date=TODAY())
    client.force_login(police_officer)
    assert client.get(url("record", record)).status_code == 200
    for name in FORMS:
        assert client.get(url(name, record)).status_code == 403
    assert client.post(url("contact", record), {}).status_code == 403


def test_an_analyst_and_a_signed_out_visitor_see_nothing(client, user, record):
    assert client.get(url("record", record)).status_code == 302
    client.force_login(user(User.Role.ANALYST))
    assert client.get(url("record", record)).status_code == 403
