"""A school's deregistration notice: the service's refusals (a URN not on the list, an agency
that is not the URN's school, a child leaving the roll before they were born), and the school
staff's web form: the GOV.UK error summary, nothing half-saved, a double submission kept once,
a relevant child sent to the consent workflow (the allocated social worker told), and a clear
page for a partner whose agency is not a school."""

import datetime

import pytest
from django.urls import reverse

from education import services
from education.models import ConsentNotification, ConsentRequest, DeregistrationNotice
from kernel.rules import RuleBroken
from partners.models import User
from testing import builders
from testing.pages import date_data, problem, text, viewed

from .conftest import IN_FORCE, TODAY, plan

pytestmark = pytest.mark.django_db
URL = "/education/school-notices/new/"


def _notice(user, agency, **overrides):
    data = {
        "agency": agency,
        "key": "k1",
        "digest": "d",
        "urn": "999001",
        "given_names": "Alex",
        "family_name": "Testchild",
        "date_of_birth": datetime.date(2016, 4, 1),
        "removal_date": TODAY(),
        "reason": "home_education",
    }
    return services.receive_deregistration_notice(user, **{**data, **overrides})


def test_a_urn_not_on_the_list_is_refused(dsl, school, school_list):
    with pytest.raises(RuleBroken) as refused:
        _notice(dsl, school, urn="999999")
    assert "not on the authority's school list" in refused.value.errors["urn"][0]
    assert not DeregistrationNotice.objects.exists()


def test_an_agency_that_is_not_the_urns_school_is_refused(dsl, school_list):
    police = builders.police()
    other_school = builders.school("Testbrook Academy", urn="999002")
    for agency in (police, other_school):
        with pytest.raises(RuleBroken) as refused:
            _notice(dsl, agency)
        assert "gives notice only about its own roll" in refused.value.errors["urn"][0]
    assert not DeregistrationNotice.objects.exists()


def test_a_child_cannot_leave_the_roll_before_being_born(dsl, school, school_list):
    with pytest.raises(RuleBroken) as refused:
        _notice(dsl, school, removal_date=datetime.date(2016, 3, 31))
    assert "removal_date" in refused.value.errors
    # The day of birth itself is the boundary: not before it.
    assert _notice(dsl, school, removal_date=datetime.date(2016, 4, 1)).pk


def _form(**overrides):
    data = {
        "given_names": "Alex",
        "family_name": "Testchild",
        **date_data("date_of_birth", datetime.date(2016, 4, 1)),
        "upn": "",
        **date_data("removal_date", TODAY()),
        "reason": "home_education",
        "details": "",
        "token": "a" * 32,
    }
    return {**data, **overrides}


def test_the_form_shows_the_error_summary_and_saves_nothing(client, dsl, school, school_list):
    client.force_login(dsl)
    page = client.get(URL)
    assert page.status_code == 200
    assert 'name="token"' in text(page)
    assert viewed(dsl, "Viewed the page: a school's deregistration notice")
    response = client.post(URL, _form(given_names="", reason="", **date_data("removal_date", None)))
    summary = problem(response)
    assert "Enter the pupil's given names" in summary
    assert "Select why the pupil is leaving your roll" in summary
    assert "Enter the date the pupil leaves" in summary
    # A rule of the service (the date of birth in the future) comes back through the summary too.
    future = TODAY() + datetime.timedelta(days=3)
    response = client.post(URL, _form(**date_data("date_of_birth", future)))
    assert "The date of birth cannot be in the future" in problem(response)
    assert not DeregistrationNotice.objects.exists()


def test_a_double_submission_keeps_one_notice(client, dsl, school, school_list):
    client.force_login(dsl)
    first = client.post(URL, _form(given_names="Nobody", family_name="Known"))
    assert first.status_code == 302
    notice = DeregistrationNotice.objects.get()
    assert first["Location"] == reverse("education:notice_sent", args=[notice.pk])
    again = client.post(URL, _form(given_names="Nobody", family_name="Known"))
    assert again["Location"] == first["Location"]
    assert DeregistrationNotice.objects.count() == 1
    assert notice.channel == "web"
    assert notice.status == "unmatched"
    assert notice.agency == school
    assert notice.school.urn == "999001"
    sent = client.get(first["Location"])
    body = text(sent)
    assert "Notice sent" in body
    assert f"DN{notice.pk:06d}" in body
    assert "education team will find the child" in body
    # Another page (another token) is another notice.
    client.post(URL, _form(given_names="Nobody", family_name="Known", token="b" * 32))
    assert DeregistrationNotice.objects.count() == 2


@IN_FORCE
def test_a_relevant_pupil_goes_to_the_consent_workflow_and_the_worker_is_told(
    client, dsl, school, worker, pupil, episode
):
    plan(episode, TODAY() - datetime.timedelta(days=30))
    client.force_login(dsl)
    response = client.post(URL, _form())
    notice = DeregistrationNotice.objects.get()
    assert notice.status == "consent_requested"
    request = ConsentRequest.objects.get(person=pupil)
    assert request.source == ConsentRequest.Source.SCHOOL_NOTICE
    assert ConsentNotification.objects.filter(request=request, to="social_worker", user=worker).exists()
    body = text(client.get(response["Location"]))
    assert "consent is needed before this pupil is removed" in body


def test_another_schools_notice_is_a_404(client, user, dsl, school, school_list):
    notice = _notice(dsl, school, given_names="Nobody")
    other = user(User.Role.PARTNER_PRACTITIONER, agency=builders.school("Testbrook Academy", urn="999002"))
    client.force_login(other)
    assert client.get(reverse("education:notice_sent", args=[notice.pk])).status_code == 404


def test_a_partner_whose_agency_is_not_a_school_is_told_so(client, user, school_list):
    police_officer = user(User.Role.PARTNER_PRACTITIONER)
    client.force_login(police_officer)
    for url in (URL, "/education/pupils/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "is not a school on the list" in text(response)
    assert client.post(URL, _form()).status_code == 200
    assert not DeregistrationNotice.objects.exists()


def test_a_school_whose_urn_is_not_on_the_list_is_told_so(client, dsl, school):
    client.force_login(dsl)  # no school list loaded
    assert "is not a school on the list" in text(client.get(URL))


def test_local_authority_staff_may_not_use_the_school_form(client, worker, school_list):
    client.force_login(worker)
    assert client.get(URL).status_code == 403
