"""API tokens for partner systems: stored only as a digest, refused with a 401 problem when
unknown, altered, revoked or expired, limited to their scopes, and running as a service user
of their agency so that the ordinary access rules apply."""

import datetime
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEvent
from partners.models import ApiToken, User
from partners.tokens import TOKEN_PATTERN, issue_token, revoke_token
from testing import builders

pytestmark = pytest.mark.urls("partners.tests.urls")


@pytest.fixture
def police(db):
    return builders.police()


@pytest.fixture
def issued(police):
    """(ApiToken, token) with the people:read scope."""
    return issue_token(police, "Police case system", ["people:read"])


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"] == "about:blank"
    return body


def assert_401(response):
    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    return body


def refusals():
    return list(AuditEvent.objects.filter(summary="Refused API token").order_by("id"))


def test_a_token_is_stored_only_as_its_digest(issued, police):
    api_token, token = issued
    assert TOKEN_PATTERN.fullmatch(token)
    assert token.startswith("sgk_")
    assert len(token) == 47
    assert api_token.prefix == token[:8]
    assert api_token.digest == hashlib.sha256(token.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=api_token.pk).values().get()
    assert token not in repr(stored)
    service = api_token.service_user
    assert service.username == f"api-{api_token.prefix}"
    assert service.role == User.Role.PARTNER_PRACTITIONER
    assert service.agency == police
    assert not service.has_usable_password()
    issued_event = AuditEvent.objects.get(action="create", object_type="partners.apitoken")
    assert token not in issued_event.summary + repr(issued_event.detail)
    assert api_token.prefix in issued_event.summary


def test_a_valid_token_reaches_the_view_as_its_service_user(client, issued, settings):
    settings.OTP_REQUIRED = True  # token requests have no session: the two-factor step does not apply
    api_token, token = issued
    response = client.get("/api/test/whoami/", **bearer(token))
    assert response.status_code == 200
    assert response.json() == {"username": api_token.service_user.username, "token": api_token.prefix}
    api_token.refresh_from_db()
    assert api_token.last_used_at is not None
    assert "sessionid" not in response.cookies


def test_the_people_api_applies_the_ordinary_access_rules_to_the_tokens_agency(client, issued, police):
    from people.models import Involvement
    from people.services import record_person

    _, token = issued
    shared = record_person(
        None, kind="child", given_names="Ellis", family_name="Marsh", date_of_birth=datetime.date(2016, 2, 9)
    )
    other = record_person(
        None, kind="child", given_names="Rory", family_name="Marsh", date_of_birth=datetime.date(2019, 5, 3)
    )
    Involvement.objects.create(
        person=shared, agency=police, kind="Police protection", start_date=datetime.date(2024, 1, 1)
    )

    for url in (f"/api/v1/people/{shared.pk}/", f"/api/test/people/{shared.pk}/"):
        response = client.get(url, **bearer(token))
        assert response.status_code == 200, response.content
        assert response.json()["family_name"] == "Marsh"
    assert_problem(client.get(f"/api/v1/people/{other.pk}/", **bearer(token)), 404)
    viewed = AuditEvent.objects.filter(action="view", person_id=shared.pk).first()
    assert viewed.username.startswith("api-sgk_")
    assert viewed.agency == "Testshire Police"


def test_without_a_token_or_session_the_api_answers_401_problem_details(client, db):
    body = assert_401(client.get("/api/v1/people/1/"))
    assert body["title"] == "Not signed in"
    assert_401(client.get("/api/test/whoami/"))


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Bearer sgk_" + "A" * 43, "unknown token"),
        ("Bearer not-a-token", "not a token of this service"),
        ("Bearer", "malformed Authorization header"),
        ("Bearer sgk_one sgk_two", "malformed Authorization header"),
    ],
)
def test_unknown_and_malformed_tokens_are_refused_and_audited(client, issued, header, reason):
    response = client.get("/api/test/whoami/", HTTP_AUTHORIZATION=header)
    body = assert_401(response)
    assert body["detail"] == "The API token is not valid."
    (event,) = refusals()
    assert event.user is None
    assert event.action == "sign_in"
    assert event.detail["reason"] == reason
    assert event.detail["path"] == "/api/test/whoami/"
    secret = header.split(" ", 1)[-1]
    if reason == "unknown token":
        assert event.detail["prefix"] == secret[:8]
    else:
        assert "prefix" not in event.detail
    assert secret not in repr(event.detail) + event.summary


def test_an_altered_token_is_refused_and_audited_by_its_prefix_only(client, issued):
    api_token, token = issued
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert_401(client.get("/api/test/whoami/", **bearer(tampered)))
    (event,) = refusals()
    assert event.detail == {
        "reason": "altered or mistyped token",
        "prefix": api_token.prefix,
        "path": "/api/test/whoami/",
    }
    assert token not in repr(event.detail)
    assert tampered not in repr(event.detail)


def test_a_revoked_token_is_refused(client, issued):
    api_token, token = issued
    assert client.get("/api/test/whoami/", **bearer(token)).status_code == 200
    revoke_token(api_token)
    body = assert_401(client.get("/api/test/whoami/", **bearer(token)))
    assert body["detail"] == "This API token has been revoked."
    assert refusals()[0].detail["reason"] == "revoked"
    assert refusals()[0].object_id == str(api_token.pk)
    assert not User.objects.get(pk=api_token.service_user_id).is_active


def test_an_expired_token_is_refused(client, police):
    api_token, token = issue_token(
        police, "Old system", ["people:read"], expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert client.get("/api/test/whoami/", **bearer(token)).status_code == 200
    ApiToken.objects.filter(pk=api_token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    body = assert_401(client.get("/api/test/whoami/", **bearer(token)))
    assert body["detail"] == "This API token has expired."
    assert refusals()[0].detail["reason"] == "expired"


def test_a_token_without_the_scope_gets_403(client, issued, police):
    _, read_only = issued
    body = assert_problem(client.post("/api/test/contacts/", {}, **bearer(read_only)), 403)
    assert body["detail"] == "This API token does not allow contacts:create."
    _, writer = issue_token(police, "Police referrals", ["contacts:create"])
    assert client.post("/api/test/contacts/", {}, **bearer(writer)).status_code == 201
    assert_problem(client.get("/api/test/whoami/", **bearer(writer)), 403)


def test_views_that_declare_no_scope_refuse_tokens_but_not_sessions(client, issued, user):
    _, token = issued
    assert_problem(client.get("/api/test/undeclared/", **bearer(token)), 403)
    client.force_login(user())
    assert client.get("/api/test/undeclared/").status_code == 200


def test_signed_in_people_pass_the_scope_check_with_their_session(client, user):
    worker = user()
    client.force_login(worker)
    assert client.get("/api/test/whoami/").json() == {"username": worker.username, "token": None}


def test_a_token_does_not_open_the_pages(client, issued):
    _, token = issued
    response = client.get("/", **bearer(token))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_the_service_user_cannot_sign_in_with_a_password(client, issued):
    api_token, _ = issued
    response = client.post("/sign-in/", {"username": api_token.service_user.username, "password": ""})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


# --- Management commands and the admin --------------------------------------------------------


def test_issue_and_revoke_with_the_management_commands(client, police):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "issue_api_token",
        "--agency-id",
        str(police.pk),
        "--name",
        "Police case system",
        "--scope",
        "people:read",
        "--scope",
        "contacts:create",
        "--expires-days",
        "90",
        stdout=out,
        stderr=err,
    )
    token = out.getvalue().strip()
    assert TOKEN_PATTERN.fullmatch(token)
    assert "cannot be shown again" in err.getvalue()
    assert token not in err.getvalue()
    api_token = ApiToken.objects.get(prefix=token[:8])
    assert api_token.scopes == ["people:read", "contacts:create"]
    assert datetime.timedelta(days=89) < api_token.expires_at - timezone.now() <= datetime.timedelta(days=90)
    assert client.get("/api/test/whoami/", **bearer(token)).status_code == 200

    out = io.StringIO()
    call_command("revoke_api_token", api_token.prefix, stdout=out)
    assert f"Revoked API token {api_token.prefix}" in out.getvalue()
    assert_401(client.get("/api/test/whoami/", **bearer(token)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency-id", "999999", "--name", "X", "--scope", "people:read"], "There is no agency"),
        (["--name", "X", "--scope", "people read"], "Scopes are operations like people:read"),
        (["--name", "X", "--scope", "people:read", "--expires-days", "0"], "--expires-days must be 1 or more"),
    ],
)
def test_issue_refuses_bad_arguments(police, args, message):
    if "--agency-id" not in args:
        args = ["--agency-id", str(police.pk), *args]
    with pytest.raises(CommandError, match=message):
        call_command("issue_api_token", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_revoke_an_unknown_prefix(db):
    with pytest.raises(CommandError, match="There is no API token"):
        call_command("revoke_api_token", "sgk_zzzz", stdout=io.StringIO())


def test_the_admin_lists_tokens_shows_the_digest_read_only_and_revokes(client, issued, user):
    api_token, token = issued
    admin = user(User.Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/partners/apitoken/")
    assert listing.status_code == 200
    assert api_token.prefix in listing.content.decode()
    assert token not in listing.content.decode()
    change = client.get(f"/admin/partners/apitoken/{api_token.pk}/change/").content.decode()
    assert api_token.digest in change
    assert 'name="digest"' not in change
    assert client.get("/admin/partners/apitoken/add/").status_code == 403

    response = client.post("/admin/partners/apitoken/", {"action": "revoke", "_selected_action": [api_token.pk]})
    assert response.status_code == 302
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None
    assert AuditEvent.objects.filter(
        user=admin, action="update", summary=f"Revoked API token {api_token.prefix}"
    ).exists()
    assert_401(client.get("/api/test/whoami/", **bearer(token)))
