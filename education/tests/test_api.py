"""The deregistration notice API: scope education:notify, idempotent retries (the same key and
body answer the first notice again; another body is 422), a URN not on the list refused, a
notice about a child with no record kept unmatched, and a relevant child sent to the consent
workflow."""

import json

import pytest

from education.models import ConsentNotification, ConsentRequest, DeregistrationNotice
from partners.tokens import issue_token

from .conftest import IN_FORCE, TODAY, plan

pytestmark = pytest.mark.django_db
URL = "/api/v1/deregistration-notices/"


@pytest.fixture
def token(school):
    return issue_token(school, "School information system", ["education:notify"])[1]


def _post(client, token, body, key="notice-1"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def _body(**overrides):
    body = {
        "urn": "999001",
        "given_names": "Alex",
        "family_name": "Testchild",
        "date_of_birth": "2016-04-01",
        "removal_date": TODAY().isoformat(),
        "reason": "home_education",
    }
    return {**body, **overrides}


def test_a_token_without_the_scope_is_refused(client, school, school_list):
    other = issue_token(school, "Other", ["contacts:create"])[1]
    assert _post(client, other, _body()).status_code == 403
    assert not DeregistrationNotice.objects.exists()


def test_the_idempotency_key_is_needed(client, token, school_list):
    response = _post(client, token, _body(), key=None)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]


def test_a_urn_not_on_the_list_is_refused(client, token, school_list):
    response = _post(client, token, _body(urn="999999"))
    assert response.status_code == 400
    assert "not on the authority's school list" in response.json()["errors"]["urn"][0]
    assert not DeregistrationNotice.objects.exists()


def test_a_child_with_no_record_is_kept_unmatched_and_a_retry_makes_no_second(client, token, school_list):
    body = _body(given_names="Nobody", family_name="Known")
    first = _post(client, token, body)
    assert first.status_code == 201
    assert first.json() == {
        "id": DeregistrationNotice.objects.get().pk,
        "status": "unmatched",
        "matched": False,
        "consent_needed": None,
    }
    again = _post(client, token, body)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert DeregistrationNotice.objects.count() == 1
    changed = _post(client, token, {**body, "details": "Changed"})
    assert changed.status_code == 422
    assert DeregistrationNotice.objects.count() == 1


@IN_FORCE
def test_a_relevant_child_goes_to_the_consent_workflow(client, token, worker, pupil, episode):
    plan(episode, TODAY().replace(day=1) if TODAY().day > 1 else TODAY())
    response = _post(client, token, _body())
    assert response.status_code == 201
    assert response.json()["status"] == "consent_requested"
    assert response.json()["consent_needed"] is True
    request = ConsentRequest.objects.get(person=pupil)
    assert request.source == ConsentRequest.Source.SCHOOL_NOTICE
    assert ConsentNotification.objects.filter(request=request, to="social_worker", user=worker).exists()


def test_before_commencement_a_matched_notice_is_kept_with_why(client, token, pupil):
    response = _post(client, token, _body())
    assert response.status_code == 201
    notice = DeregistrationNotice.objects.get()
    assert notice.person == pupil
    assert notice.status == "matched"
    assert "not in force" in notice.note
    assert not ConsentRequest.objects.exists()
