"""The records API: scope records:submit, idempotent retries, problem details for bad input,
nothing half-loaded."""

import json

import pytest

from linkage.models import PartnerRecord, Submission
from partners.tokens import issue_token
from testing import builders

pytestmark = pytest.mark.django_db
URL = "/api/v1/linkage/records/"


@pytest.fixture
def token(db):
    return issue_token(builders.police(), "Police case system", ["records:submit"])[1]


def _post(client, token, body, key="feed-1"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def _record(record_id="P-1", **fields):
    return {
        "record_id": record_id,
        "given_names": "Alex",
        "family_name": "Testchild",
        "date_of_birth": "2016-04-01",
    } | fields


def test_a_token_without_the_scope_is_refused(client):
    other = issue_token(builders.police("Other Police"), "Other", ["contacts:create"])[1]
    assert _post(client, other, {"records": [_record()]}).status_code == 403
    assert not Submission.objects.exists()


def test_records_are_kept_once_however_often_they_are_sent(client, token):
    body = {"records": [_record("P-1"), _record("P-2", given_names="Sam", nhs_number="9434765918")]}
    first = _post(client, token, body)
    assert first.status_code == 201
    assert first.json() == {"id": Submission.objects.get().pk, "records": 2, "status": "received"}
    again = _post(client, token, body)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert PartnerRecord.objects.count() == 2
    # The mistyped NHS number is kept as supplied: it is checked (and only evidence) when scored.
    assert PartnerRecord.objects.get(agency_record_id="P-2").nhs_number == "9434765918"
    assert _post(client, token, {"records": [_record("P-3")]}).status_code == 422


def test_a_record_with_no_name_refuses_the_lot_with_problem_details(client, token):
    body = {"records": [_record("P-1"), _record("P-2", given_names="", family_name="")]}
    response = _post(client, token, body)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert any("Record 2 has no name" in message for message in response.json()["errors"]["records"])
    assert not PartnerRecord.objects.exists()
    assert not Submission.objects.exists()


def test_a_feed_of_the_wrong_shape_is_refused(client, token):
    assert _post(client, token, {"rows": []}).status_code == 400
    assert _post(client, token, {"records": [{"given_names": "Alex"}]}).status_code == 400
    assert not Submission.objects.exists()
