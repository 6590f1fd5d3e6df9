"""The education pages: the child's education page, a school registration, and consent to home
educate from the request to the decision, through the GOV.UK error summary; the access rules
(case_work to read, case_change to change, the child's record for both) and the audit of every
view; before commencement the consent pages say the duty is not in force."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from education import services
from education.models import ConsentRequest, SchoolRegistration
from partners.models import User
from testing.pages import date_data, problem, refused, saved, text, viewed

from .conftest import IN_FORCE, TODAY, plan

DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def relevant(pupil, episode):
    """The pupil, on a child protection plan: a relevant child."""
    plan(episode, TODAY() - 60 * DAY)
    return pupil


def _request(worker, child):
    return services.receive_consent_request(
        worker,
        child,
        source="parent",
        received_on=TODAY() - 5 * DAY,
        requested_by="Pat Testparent",
        urn="999001",
    )


def test_the_education_page_shows_the_schools_and_why_a_child_is_relevant(signed_in, worker, relevant):
    response = signed_in.get(reverse("education:person", args=[relevant.pk]))
    body = text(response)
    assert response.status_code == 200
    assert "Testbrook Primary School" in body
    assert "is a relevant child" in body
    assert "On a child protection plan since" in body
    assert viewed(worker, "Viewed the child's education")


def test_a_child_the_user_may_not_see_is_a_404(client, user, relevant):
    stranger = user(User.Role.SOCIAL_WORKER, agency=None, team=None)
    client.force_login(stranger)
    assert client.get(reverse("education:person", args=[relevant.pk])).status_code == 404


def test_a_partner_practitioner_reads_but_may_not_change(client, dsl, relevant, worker):
    client.force_login(dsl)
    assert client.get(reverse("education:registration", args=[relevant.pk])).status_code == 403
    post = client.post(reverse("education:registration", args=[relevant.pk]), {"urn": "999002"})
    assert post.status_code == 403
    assert SchoolRegistration.objects.count() == 1


def test_recording_a_registration_with_a_urn_not_on_the_list(signed_in, episode, child, school_list):
    url = reverse("education:registration", args=[child.pk])
    data = {"urn": "999999", "source": "school", "under_authority_arrangements": "no"}
    data.update(date_data("start_date", TODAY() - 10 * DAY))
    refused(signed_in.post(url, data), "URN 999999 is not on the authority&#x27;s school list")
    data["urn"] = "999003"
    data.update(date_data("end_date", TODAY() - 20 * DAY))
    assert "must be on or after the date they joined" in problem(signed_in.post(url, data))
    data.update(date_data("end_date", None))
    saved(signed_in.post(url, data), reverse("education:person", args=[child.pk]))
    assert SchoolRegistration.objects.get().school.urn == "999003"


def test_before_commencement_the_consent_page_says_it_is_not_in_force(signed_in, relevant):
    url = reverse("education:consent_request", args=[relevant.pk])
    with override_settings(S434A_COMMENCEMENT=None):
        body = text(signed_in.get(url))
        assert "is not in force yet" in body
        assert "Record the request" not in body
        data = {"source": "parent", "requested_by": "Pat", "urn": "999001", **date_data("received_on", TODAY())}
        assert signed_in.post(url, data).status_code == 200
    assert not ConsentRequest.objects.exists()


@IN_FORCE
def test_the_consent_workflow_through_the_pages(signed_in, client, worker, manager, relevant):
    url = reverse("education:consent_request", args=[relevant.pk])
    data = {"source": "parent", "requested_by": "Pat Testparent", "urn": "999002"}
    data.update(date_data("received_on", TODAY() - 5 * DAY))
    refused(signed_in.post(url, data), "is not on the roll of Testbrook Academy")
    data["urn"] = "999001"
    response = signed_in.post(url, data)
    consent = ConsentRequest.objects.get()
    saved(response, reverse("education:consent", args=[consent.pk]))
    page = text(signed_in.get(reverse("education:consent", args=[consent.pk])))
    assert "condition B" in page
    assert "The allocated social worker" in page
    assert viewed(worker, "Viewed a request for consent to home educate")

    decision_url = reverse("education:decision", args=[consent.pk])
    decision = {"decision": "refused", "decision_maker": manager.pk, "reasons": "Not safe now"}
    decision.update(date_data("decided_on", TODAY()))
    refused(signed_in.post(decision_url, decision), "Record the best-interests analysis before the decision")

    information = {"kind": "child_view", "given_by": "The child", "summary": "Wants to stay at school"}
    information.update(date_data("gathered_on", TODAY() - 2 * DAY))
    saved(
        signed_in.post(reverse("education:information", args=[consent.pk]), information),
        page_url := reverse("education:consent", args=[consent.pk]),
    )
    analysis = {"analysis": "School is protective"}
    analysis.update(date_data("completed_on", TODAY() - DAY))
    saved(signed_in.post(reverse("education:best_interests", args=[consent.pk]), analysis), page_url)
    client.force_login(manager)
    saved(client.post(decision_url, decision), page_url)
    consent.refresh_from_db()
    assert consent.status == "refused"
    page = text(client.get(page_url))
    assert "The parent may ask again from" in page
    assert "Wants to stay at school" in page
    # Closed: the steps say so and show no form.
    assert "This request is closed" in text(client.get(decision_url))


@IN_FORCE
def test_a_request_page_of_a_child_the_user_may_not_see_is_a_404(client, user, worker, relevant):
    consent = _request(worker, relevant)
    client.force_login(user(User.Role.SOCIAL_WORKER, agency=None, team=None))
    assert client.get(reverse("education:consent", args=[consent.pk])).status_code == 404
    assert client.get(reverse("education:decision", args=[consent.pk])).status_code == 404
