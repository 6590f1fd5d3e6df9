"""Sessions end after 30 idle minutes and when the browser closes; "Sign out of all other
sessions" ends every other session of the user at once."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from partners.models import User
from partners.testing import verified_login

pytestmark = pytest.mark.usefixtures("otp_on")


def test_idle_expiry_settings(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False  # partners.auth.SlidingSessionMiddleware saves it
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_each_request_pushes_the_expiry_30_minutes_on_and_an_idle_session_ends(client, user):
    worker = user()
    verified_login(client, worker)
    response = client.get("/account/")
    assert response.status_code == 200
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    session = Session.objects.get(session_key=client.session.session_key)
    assert abs((session.expire_date - timezone.now()) - datetime.timedelta(minutes=30)) < datetime.timedelta(seconds=30)

    # 31 minutes without a request.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_a_session_in_use_is_saved_at_most_once_a_minute(client, user):
    from partners.auth import SlidingSessionMiddleware

    worker = user()
    verified_login(client, worker)
    client.get("/")
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=20))
    # Within the minute: the session is not written again, so its expiry stays where it was.
    assert client.get("/account/").status_code == 200
    expiry = Session.objects.get(pk=key).expire_date
    assert expiry - timezone.now() < datetime.timedelta(minutes=21)

    # Refreshed more than a minute ago: this request pushes the expiry 30 minutes on.
    session = client.session
    session[SlidingSessionMiddleware.KEY] -= 61
    session.save()
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=20))
    assert client.get("/account/").status_code == 200
    expiry = Session.objects.get(pk=key).expire_date
    assert abs((expiry - timezone.now()) - datetime.timedelta(minutes=30)) < datetime.timedelta(seconds=30)


def test_the_account_page_shows_who_the_user_is(client, user):
    worker = user(first_name="Priya", last_name="Shah", job_title="Senior social worker")
    verified_login(client, worker)
    html = client.get("/account/").content.decode()
    assert '<h1 class="govuk-heading-l">Your account</h1>' in html
    for text in (
        "Priya Shah",
        worker.username,
        "Social worker",
        "Senior social worker",
        str(worker.agency),
        str(worker.team),
        "Set up",
        "Sign out of all other sessions",
    ):
        assert text in html, text


def test_sign_out_of_all_other_sessions_keeps_this_one(user):
    worker = user()
    here, elsewhere, third = Client(), Client(), Client()
    for client in (here, elsewhere, third):
        verified_login(client, worker)
        assert client.get("/account/").status_code == 200

    response = here.post("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert "You have signed out of all your other sessions" in here.get("/account/").content.decode()
    assert here.get("/account/").status_code == 200

    for client in (elsewhere, third):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
        assert client.get("/account/")["Location"].startswith("/sign-in/")  # the session is gone

    worker.refresh_from_db()
    assert worker.session_generation == 1
    assert AuditEvent.objects.filter(
        user=worker, action="sign_out", summary="Signed out of all other sessions"
    ).exists()
    assert (
        AuditEvent.objects.filter(
            user=worker, action="sign_out", summary="Session ended: signed out of all other sessions"
        ).count()
        == 2
    )

    # Signing in again afterwards works as usual.
    verified_login(elsewhere, worker)
    assert elsewhere.get("/account/").status_code == 200
    assert here.get("/account/").status_code == 200


def test_a_session_from_the_sign_in_page_remembers_the_generation(client, user, sign_in, settings):
    settings.OTP_REQUIRED = False
    worker = user()
    User.objects.filter(pk=worker.pk).update(session_generation=7)
    sign_in(client, worker)
    assert client.session["session_generation"] == 7
    assert client.get("/account/").status_code == 200


def test_the_api_refuses_a_session_that_was_signed_out_elsewhere(user):
    worker = user()
    here, elsewhere = Client(), Client()
    verified_login(here, worker)
    verified_login(elsewhere, worker)
    here.post("/account/")
    response = elsewhere.get("/api/v1/people/?q=Smith")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_session_replayed_after_signing_out_gets_nothing(user):
    """Someone who copied a session cookie cannot use it once its owner has signed out."""
    from django.conf import settings as django_settings
    from django.test import Client

    from partners.testing import verified_login

    owner = Client()
    verified_login(owner, user())
    stolen = owner.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert owner.get("/account/").status_code == 200
    owner.post("/sign-out/")

    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = stolen
    page = replay.get("/")
    assert page.status_code == 302
    assert page["Location"].startswith("/sign-in/")
    api = replay.get("/api/v1/people/1/")
    assert api.status_code == 401
    assert api["Content-Type"].startswith("application/problem+json")


def test_the_approvals_link_shows_for_a_designated_officer_only(client, user):
    """Whether the user holds a designation is read with the user (partners.backends), not by a
    query of the page's own."""
    from childrenincare.testing import designate

    officer, worker = user(User.Role.HEAD_OF_SERVICE, team=None), user(User.Role.SOCIAL_WORKER)
    designate(officer)
    verified_login(client, officer)
    assert ">Approvals</a>" in client.get("/more/").content.decode()
    client = Client()
    verified_login(client, worker)
    assert ">Approvals</a>" not in client.get("/more/").content.decode()
