"""The API does what its OpenAPI schema says: schemathesis generates requests from the schema
(/api/schema/) and sends them to the service's WSGI application, in the test's own database
transaction, with every default check: no server error; status codes, content types, headers
and bodies as documented; schema-valid data accepted and invalid data refused.

For each operation, schemathesis makes cases that fit the schema (positive) and cases that
break it (negative); each is sent with a valid token that has every scope, with no token, or
with a token the service does not know. Hypothesis is derandomized (the same cases on every
run) with a bounded number of examples per operation and mode, so that the test takes about a
minute and does not flake. The number of cases sent is printed at the end (pytest -s).

(Schemathesis's pytest plugin, `schema.parametrize()`, does not work with pytest 9.2; its
Python API is used directly instead: each operation's Hypothesis strategy, and
`Case.call_and_validate`, which runs the default checks.)
"""

import collections
import time
from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from partners.tokens import issue_token
from people.identifiers import UPN_LETTERS, luhn_check_digit, nhs_check_digit, upn_check_letter
from testing import builders

EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 20}  # per operation
ALL_SCOPES = ["people:read", "contacts:create", "contacts:read"]
UNKNOWN_TOKEN = "sgk_" + "A" * 43  # the shape of a token, issued to nobody
WHO = ["valid", "valid", "valid", "none", "unknown"]

# A contact the schema allows can still break a rule JSON Schema cannot express (an identifier's
# check digit, a time received in the future, a code not in the list on that date, a file whose
# content is not its type, details needed only when immediate_risk is true): the schema
# documents those 400s, so for this operation schema-valid data may also be refused with 400,
# or with 422 when a generated Idempotency-Key was already used for another body.
CONFIG = {
    "operations": [
        {
            "include-operation-id": "contacts_create",
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]
                }
            },
        }
    ],
}


def consistent_identifiers():
    """CI, nine digits and their check digit: what the schema's pattern and format describe."""
    return st.from_regex(r"\A[0-9]{9}\Z").map(lambda nine: f"CI{nine}{luhn_check_digit(nine)}")


def nhs_numbers():
    return (
        st.from_regex(r"\A[0-9]{9}\Z")
        .filter(lambda nine: nhs_check_digit(nine) != 10)
        .map(lambda nine: f"{nine}{nhs_check_digit(nine)}")
    )


def upns():
    letters = "".join(UPN_LETTERS)
    return st.from_regex(rf"\A[0-9]{{11}}[0-9{letters}]\Z").map(
        lambda last_twelve: f"{upn_check_letter(last_twelve)}{last_twelve}"
    )


def recent_times():
    """Times in the last 200 days: a contact received in the future is refused (documented, as a
    400, but beyond JSON Schema), and so, in the other cases, is a date of birth."""
    now = timezone.now().replace(microsecond=0)
    return st.integers(min_value=3600, max_value=200 * 86400).map(
        lambda ago: (now - timedelta(seconds=ago)).isoformat()
    )


def past_dates():
    today = timezone.localdate()
    return st.integers(min_value=1, max_value=18 * 366).map(lambda ago: (today - timedelta(days=ago)).isoformat())


# The schema names the formats of identifiers; generated ones have a valid check digit or letter.
schemathesis.openapi.format("consistent-identifier", consistent_identifiers())
schemathesis.openapi.format("nhs-number", nhs_numbers())
schemathesis.openapi.format("upn", upns())
# Dates and times in the past, so that many generated contacts are accepted and the answer to a
# made contact is checked too (any date or time is still sent in the negative cases).
schemathesis.openapi.format("date-time", recent_times())
schemathesis.openapi.format("date", past_dates())


@pytest.fixture
def wsgi_app(db):
    """The service's WSGI application, answering in the test's transaction: as Django's test
    client does, the database connection is not closed when each request ends."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def attachment_root(settings, tmp_path):
    """Files sent with contacts go to a temporary folder."""
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    return settings.ATTACHMENT_ROOT


@pytest.fixture
def tokens(db):
    agency = builders.police()
    valid = issue_token(agency, "Police case system (schema tests)", ALL_SCOPES)[1]
    return {"valid": valid, "none": None, "unknown": UNKNOWN_TOKEN}


@pytest.fixture
def no_local_constants(monkeypatch):
    """Hypothesis sometimes draws strings and numbers found in the project's own modules (those
    imported so far); which modules those are depends on what else the test run imported, so
    the cases would differ between running this file alone and the whole suite. Without them
    the cases depend only on the schema and the seed. (A private function of the pinned
    Hypothesis; if a later one drops it, nothing is patched.)"""
    from hypothesis.internal.conjecture import providers

    if hasattr(providers, "_get_local_constants") and hasattr(providers, "Constants"):
        monkeypatch.setattr(providers, "_get_local_constants", providers.Constants)


@pytest.mark.single_database
def test_the_api_does_what_its_schema_says(wsgi_app, tokens, subtests, no_local_constants):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, config=schemathesis.Config.from_dict(CONFIG))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} >= {
        "GET /api/v1/people/",
        "GET /api/v1/people/{person_id}/",
        "GET /api/v1/children/{identifier}/",
        "POST /api/v1/contacts/",
        "GET /api/v1/contacts/{contact_id}/",
        "GET /api/v1/contact-submissions/{submission_id}/",
    }
    sent, statuses = collections.Counter(), collections.Counter()
    started = time.monotonic()
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            with subtests.test(operation=operation.label, mode=mode.value):

                @settings(
                    max_examples=examples,
                    derandomize=True,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                    phases=[Phase.explicit, Phase.generate, Phase.shrink],
                )
                @given(case=operation.as_strategy(generation_mode=mode), who=st.sampled_from(WHO))
                def run(case, who):
                    headers = {"Authorization": f"Bearer {tokens[who]}"} if tokens[who] else {}
                    sent[(operation.label, mode.value, who)] += 1
                    response = case.call_and_validate(headers=headers)
                    statuses[(operation.label, response.status_code)] += 1

                run()
    elapsed = time.monotonic() - started
    by_operation = collections.Counter()
    for (label, mode, _), count in sent.items():
        by_operation[f"{label} ({mode})"] += count
    print(
        f"\nschemathesis {schemathesis.__version__}: {sum(sent.values())} cases in {elapsed:.1f}s: "
        + "; ".join(f"{label}: {count}" for label, count in sorted(by_operation.items()))
        + "\nanswers: "
        + "; ".join(f"{label} {status}: {count}" for (label, status), count in sorted(statuses.items()))
    )
    assert all(by_operation[f"{operation.label} ({mode.value})"] for operation in operations for mode in EXAMPLES)


@pytest.mark.single_database
def test_the_answers_about_a_contact_made_match_the_schema(wsgi_app, tokens):
    """The answers fuzzing rarely reaches, each checked against the schema with the default
    checks: a contact made (201), its retry (201), the same key with another body (422), a contact
    acknowledged (202), and the status of each (200)."""
    import base64
    import json

    from frontdoor.tests.synthetic_files import PDF
    from frontdoor.tests.test_api import body

    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    auth = {"Authorization": f"Bearer {tokens['valid']}"}
    create = schema["/api/v1/contacts/"]["POST"]
    contact = body(
        received_at=None, attachments=[{"filename": "letter.pdf", "content_base64": base64.b64encode(PDF).decode()}]
    )

    def send(operation, status, **parts):
        response = operation.Case(**parts).call_and_validate(headers=auth)
        assert response.status_code == status, response.text
        return json.loads(response.text)

    made = send(create, 201, headers={"Idempotency-Key": "schema-1"}, body=contact)
    assert send(create, 201, headers={"Idempotency-Key": "schema-1"}, body=contact) == made
    send(create, 422, headers={"Idempotency-Key": "schema-1"}, body={**contact, "concerns": "Something else."})
    accepted = send(create, 202, headers={"Idempotency-Key": "schema-2", "Prefer": "respond-async"}, body=contact)
    status = send(schema["/api/v1/contacts/{contact_id}/"]["GET"], 200, path_parameters={"contact_id": made["id"]})
    assert status["id"] == made["id"]
    assert status["feedback"] == []
    waiting = send(
        schema["/api/v1/contact-submissions/{submission_id}/"]["GET"],
        200,
        path_parameters={"submission_id": accepted["id"]},
    )
    assert waiting["status"] == "received"
    assert waiting["contact"] is None


# --- What the schema says, case by case --------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/people/not-a-number/",
        "/api/v1/people/-1/",
        "/api/v1/nothing-here/",
        "/api/",
        "/api/v2/contacts/",
        "/api/v1/contacts/1/extra/",
    ],
)
def test_a_path_no_route_matches_under_api_is_answered_with_problem_details(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "There is no such path in this API, or no such record. The API is described at /api/schema/.",
    }


def test_elsewhere_a_missing_page_is_still_the_html_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_failure_under_api_is_answered_with_problem_details_and_says_nothing_of_it(rf):
    from kernel.problems import server_error

    response = server_error(rf.get("/api/v1/people/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert b"Traceback" not in response.content
    assert b"try again later" in response.content.lower()


@pytest.fixture
def reader(client, tokens):
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens['valid']}"}


@pytest.mark.parametrize("query", ["", "?q=", "?q=" + "x" * 201, "?q=a%00b"])
def test_a_search_needs_q_of_1_to_200_characters(client, reader, query):
    response = client.get(f"/api/v1/people/{query}", **reader)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "q" in response.json()["errors"]


def test_a_search_of_spaces_only_finds_nobody(client, reader):
    response = client.get("/api/v1/people/?q=%20%20", **reader)
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(
    ("identifier", "says"),
    [
        ("CI123", "CI followed by 10 numbers"),
        ("ci0000000018", "CI followed by 10 numbers"),  # the path holds the identifier as the schema spells it
        ("CI0000000019", "the last digit does not match"),
    ],
)
def test_a_child_is_looked_up_by_a_well_formed_consistent_identifier(client, reader, identifier, says):
    response = client.get(f"/api/v1/children/{identifier}/", **reader)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert says in response.json()["errors"]["identifier"][0]


def test_the_schema_describes_the_checks_the_api_makes(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    search = schema["paths"]["/api/v1/people/"]["get"]
    [q] = [p for p in search["parameters"] if p["name"] == "q"]
    assert q["required"]
    assert q["schema"]["minLength"] == 1
    assert q["schema"]["maxLength"] == 200
    child = schema["paths"]["/api/v1/children/{identifier}/"]["get"]
    [identifier] = child["parameters"]
    assert identifier["schema"]["pattern"] == "^CI[0-9]{10}$"
    assert "400" in child["responses"]
    create = schema["paths"]["/api/v1/contacts/"]["post"]
    [key] = [p for p in create["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["required"]
    assert key["schema"]["minLength"] == 1
    assert key["schema"]["maxLength"] == 200
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {status: answer for status, answer in operation["responses"].items() if status >= "400"}
            assert {"401", "403"} <= set(errors), (method, path)
            for answer in errors.values():
                assert list(answer["content"]) == ["application/problem+json"], (method, path)
                assert answer["content"]["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }
    contact = schema["components"]["schemas"]["ContactIn"]
    assert contact["properties"]["children"]["minItems"] == 1
    source = contact["properties"]["source"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]  # today's referral-source codes
    assert {"3A", "6"} <= set(schema["components"]["schemas"][source]["enum"])
