"""Account administration (partners.accounts): resetting a password
or an authenticator app, making accounts, and the one-time set-up links through which an
authenticator app is set up. A password alone never leads to setting one up."""

import datetime
import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from partners.accounts import services as accounts
from partners.models import SetUpLink, User
from partners.testing import follow_set_up_link, set_up_link_for, totp_code_for, totp_device_for, verified_login
from testing import builders

pytestmark = pytest.mark.usefixtures("otp_on")

R = User.Role
SET_UP = "/sign-in/two-factor/set-up/"
CODE = "/sign-in/two-factor/"
NOT_SET_UP = "/sign-in/not-set-up/"
CHANGE = "/account/password/"
NEW_PASSWORD = "a-brand-new-synthetic-passphrase"


@pytest.fixture
def admin(user):
    return user(R.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def user_admin(user):
    return user(R.USER_ADMINISTRATOR)


def summaries(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("summary", flat=True))


def html_of(response):
    return response.content.decode()


def shown(pattern, response):
    found = re.search(pattern, html_of(response))
    assert found, html_of(response)
    return found.group(1)


def set_up_with_code(client, account):
    client.get(SET_UP)
    return client.post(SET_UP, {"code": totp_code_for(account)})


# --- Without a set-up link, no set-up -----------------------------------------------------------


def test_a_password_alone_never_reaches_the_set_up_page(client, user, sign_in):
    worker = user()
    response = sign_in(client, worker)
    assert response.status_code == 302
    assert response["Location"] == NOT_SET_UP
    page = client.get(NOT_SET_UP)
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">Your account is not set up yet</h1>' in html_of(page)
    assert "Ask your administrator for a new set-up link." in html_of(page)
    # Not signed in at all: the set-up page and every other page send them to sign in.
    assert client.get(SET_UP)["Location"].startswith("/sign-in/")
    assert client.get("/")["Location"].startswith("/sign-in/")
    assert not TOTPDevice.objects.filter(user=worker).exists()
    event = AuditEvent.objects.filter(action="sign_in").latest("id")
    assert event.summary == "Sign-in refused: no authenticator app set up and no set-up link"
    assert event.user is None
    assert event.object_id == str(worker.pk)


def test_a_half_signed_in_session_without_a_link_is_signed_out_from_the_set_up_page(client, user):
    worker = user()
    client.force_login(worker)  # as if signed in with the password by some other way
    assert client.get("/")["Location"] == SET_UP
    response = client.get(SET_UP)
    assert response["Location"] == NOT_SET_UP
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert client.get("/")["Location"].startswith("/sign-in/")
    assert summaries(user=worker)[-1] == "Two-factor set-up refused: no set-up link"


def test_the_development_setting_allows_set_up_at_the_first_sign_in_but_not_in_production(
    client, user, sign_in, settings
):
    settings.SET_UP_AT_FIRST_SIGN_IN = True
    worker = user()
    assert sign_in(client, worker)["Location"] == SET_UP
    assert set_up_with_code(client, worker)["Location"] == "/"
    settings.PRODUCTION = True
    other = user()
    assert sign_in(client.__class__(), other)["Location"] == NOT_SET_UP


def test_the_development_setting_is_ignored_in_production():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "SAFEGUARDING_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "safeguarding.example.org",
        "AUDIT_HASH_KEY": "y" * 40,
        "SAFEGUARDING_SET_UP_AT_FIRST_SIGN_IN": "1",
    }
    script = (
        "import json, safeguarding.settings as s; print(json.dumps([s.SET_UP_AT_FIRST_SIGN_IN, s.SET_UP_LINK_HOURS]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [False, 72]


# --- The set-up link ----------------------------------------------------------------------------


def test_a_set_up_link_leads_to_the_set_up_page_and_works_once(client, user, sign_in):
    worker = user()
    link_path = set_up_link_for(worker)
    page = client.get(link_path)
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">Set up your account</h1>' in html_of(page)
    assert summaries(action="sign_in")[-1] == "Followed a set-up link"

    response = client.post(
        link_path, {"username": worker.username, "password": worker.password_for_tests}, REMOTE_ADDR="10.0.0.1"
    )
    assert response["Location"] == SET_UP
    assert "QR code to scan with your authenticator app" in html_of(client.get(SET_UP))
    assert set_up_with_code(client, worker)["Location"] == "/"
    assert TOTPDevice.objects.get(user=worker).confirmed
    link = SetUpLink.objects.get(user=worker)
    assert link.used_at is not None
    assert link.status == "Used"

    # Used: it does not work again, in this browser or another.
    again = client.__class__().get(link_path)
    assert again.status_code == 410
    assert "This link has been used already" in html_of(again)
    assert summaries(action="sign_in")[-1] == "Set-up link refused: used"


def test_only_the_links_digest_is_stored(user):
    worker = user()
    link, token = accounts.issue_set_up_link(worker, SetUpLink.Reason.NEW_ACCOUNT)
    assert link.digest == hashlib.sha256(token.encode()).hexdigest()
    assert not SetUpLink.objects.filter(digest__contains=token).exists()
    assert len(token) >= 40
    assert link.expires_at - link.created_at == datetime.timedelta(hours=72)


def test_a_link_expires(client, user, sign_in, settings):
    settings.SET_UP_LINK_HOURS = 2
    worker = user()
    link_path = set_up_link_for(worker)
    link = SetUpLink.objects.get(user=worker)
    assert link.expires_at - link.created_at == datetime.timedelta(hours=2)
    SetUpLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(link_path)
    assert response.status_code == 410
    assert "This link has expired" in html_of(response)
    assert "Ask your administrator for a new set-up link." in html_of(response)
    assert sign_in(client, worker)["Location"] == NOT_SET_UP


def test_a_link_that_expires_after_it_was_followed_no_longer_opens_the_set_up_page(client, user, sign_in):
    worker = user()
    follow_set_up_link(client, worker)
    SetUpLink.objects.filter(user=worker).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert sign_in(client, worker)["Location"] == NOT_SET_UP


def test_a_link_used_in_another_browser_meanwhile_cannot_finish_the_set_up(client, user, sign_in):
    worker = user()
    follow_set_up_link(client, worker)
    assert sign_in(client, worker)["Location"] == SET_UP
    client.get(SET_UP)
    SetUpLink.objects.filter(user=worker).update(used_at=timezone.now())
    response = client.post(SET_UP, {"code": totp_code_for(worker)})
    assert response["Location"] == NOT_SET_UP
    assert not TOTPDevice.objects.filter(user=worker, confirmed=True).exists()


def test_a_newer_link_replaces_the_older_one(client, user):
    worker = user()
    older = set_up_link_for(worker)
    set_up_link_for(worker)
    response = client.get(older)
    assert response.status_code == 410
    assert "A newer set-up link has been made" in html_of(response)


def test_an_unknown_link_and_a_switched_off_account(client, user):
    assert client.get("/set-up/not-a-real-token/").status_code == 404
    worker = user()
    path = set_up_link_for(worker)
    User.objects.filter(pk=worker.pk).update(is_active=False)
    assert client.get(path).status_code == 410


def test_someone_elses_link_does_not_open_the_set_up_page(client, user, sign_in):
    worker, other = user(), user()
    follow_set_up_link(client, other)
    assert sign_in(client, worker)["Location"] == NOT_SET_UP


def test_a_signed_in_user_following_a_link_goes_on_to_the_service(client, user):
    worker = user()
    verified_login(client, worker)
    path = set_up_link_for(user())
    assert client.get(path)["Location"] == "/"
    assert SetUpLink.objects.get().used_at is None


# --- Reused two-factor codes ------------------------------------------------------------------


def test_a_code_used_twice_says_it_has_been_used(client, user, sign_in):
    worker = user()
    totp_device_for(worker)
    sign_in(client, worker)
    code = totp_code_for(worker)
    assert client.post(CODE, {"code": code})["Location"] == "/"
    client.post("/sign-out/")
    sign_in(client, worker)
    response = client.post(CODE, {"code": code})
    html = html_of(response)
    assert "That code has been used. Wait for a new code" in html
    assert "govuk-error-summary" in html
    assert "<title>Error: " in html


# --- Resetting a password ---------------------------------------------------------------------


def test_an_administrator_resets_a_password(client, user, admin, sign_in):
    worker = user()
    generation = worker.session_generation
    verified_login(client, admin)
    detail = client.get(f"/accounts/{worker.pk}/")
    assert detail.status_code == 200
    assert "Reset password" in html_of(detail)
    page = client.get(f"/accounts/{worker.pk}/reset-password/")
    assert '<h1 class="govuk-heading-l">Reset the password</h1>' in html_of(page)

    missing = client.post(f"/accounts/{worker.pk}/reset-password/", {})
    assert missing.status_code == 200
    assert "govuk-error-summary" in html_of(missing)
    assert "Select why you are resetting it" in html_of(missing)
    assert html_of(missing).count("<title>Error: ") == 1
    worker.refresh_from_db()
    assert not worker.must_change_password

    done = client.post(f"/accounts/{worker.pk}/reset-password/", {"reason": "forgotten"})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    password = shown(r'<code id="temporary-password">([^<]+)</code>', done)
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    worker.refresh_from_db()
    assert worker.must_change_password
    assert worker.check_password(password)
    assert not worker.check_password(worker.password_for_tests)
    assert worker.session_generation == generation + 1
    event = AuditEvent.objects.filter(summary=f"Reset the password of {worker.username}").get()
    assert event.user == admin
    assert event.object_type == "partners.user"
    assert event.object_id == str(worker.pk)
    assert event.reason == "They have forgotten their password"
    assert worker.first_name not in event.summary + str(event.detail)


def test_after_a_password_reset_the_user_must_change_it_and_reaches_nothing_else(client, user, admin, sign_in):
    worker = user(first_name="Robin", last_name="Ashdown")
    totp_device_for(worker)
    password = accounts.reset_password(admin, worker)
    assert sign_in(client, worker, password=password)["Location"] == CODE
    assert client.post(CODE, {"code": totp_code_for(worker)})["Location"] == "/"
    for path in ["/", "/account/", "/search/?q=Smith", "/accounts/"]:
        assert client.get(path)["Location"] == CHANGE, path
    api = client.get("/api/v1/people/?q=Smith")
    assert api.status_code == 403
    assert api["Content-Type"] == "application/problem+json"
    page = client.get(CHANGE)
    assert '<h1 class="govuk-heading-l">Change your password</h1>' in html_of(page)
    assert "Your password was reset by an administrator" in html_of(page)

    weak = client.post(CHANGE, {"old_password": password, "new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200
    assert "govuk-error-summary" in html_of(weak)
    assert "<title>Error: " in html_of(weak)
    wrong = client.post(
        CHANGE, {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert "Your current password is not correct" in html_of(wrong)
    done = client.post(CHANGE, {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/"
    worker.refresh_from_db()
    assert not worker.must_change_password
    assert worker.check_password(NEW_PASSWORD)
    assert client.get("/account/").status_code == 200  # this session carries on
    assert summaries(user=worker)[-1] == "Changed their password after a reset"


def test_a_password_reset_ends_the_users_sessions(client, user, admin):
    worker = user()
    verified_login(client, worker)
    assert client.get("/account/").status_code == 200
    accounts.reset_password(admin, worker)
    assert client.get("/")["Location"].startswith("/sign-in/")


def test_anyone_can_change_their_own_password_from_their_account(client, user):
    worker = user()
    verified_login(client, worker)
    assert "Change your password" in html_of(client.get("/account/"))
    mismatch = client.post(
        CHANGE,
        {"old_password": worker.password_for_tests, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert "The new passwords do not match" in html_of(mismatch)
    done = client.post(
        CHANGE,
        {"old_password": worker.password_for_tests, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == "/account/"
    assert summaries(user=worker)[-1] == "Changed their password"


# --- Resetting an authenticator app -------------------------------------------------------------


def test_a_user_administrator_resets_an_authenticator_app(client, user, user_admin, sign_in):
    worker = user()
    totp_device_for(worker)
    theirs = client.__class__()
    verified_login(theirs, worker)
    verified_login(client, user_admin)

    done = client.post(f"/accounts/{worker.pk}/reset-authenticator/", {"reason": "lost"})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    link_url = shown(r'<code id="set-up-link">([^<]+)</code>', done)
    assert link_url.startswith("http://testserver/set-up/")
    assert not TOTPDevice.objects.filter(user=worker).exists()
    # Signed out everywhere.
    assert theirs.get("/")["Location"].startswith("/sign-in/")
    assert summaries(user=user_admin, action="update") == [f"Reset the authenticator app of {worker.username}"]
    assert AuditEvent.objects.get(summary=f"Reset the authenticator app of {worker.username}").reason == (
        "They have lost their phone or changed it"
    )

    # The password alone does not let them set up again (or anyone who knows it).
    fresh = client.__class__()
    assert sign_in(fresh, worker)["Location"] == NOT_SET_UP
    # The link and the password do.
    assert fresh.get(link_url.removeprefix("http://testserver")).status_code == 200
    assert sign_in(fresh, worker)["Location"] == SET_UP
    assert set_up_with_code(fresh, worker)["Location"] == "/"


# --- Whose accounts -------------------------------------------------------------------------


def test_other_roles_have_no_account_pages(client, user):
    worker = user()
    verified_login(client, user(R.TEAM_MANAGER))
    for path in [
        "/accounts/",
        "/accounts/new/",
        f"/accounts/{worker.pk}/",
        f"/accounts/{worker.pk}/reset-password/",
        f"/accounts/{worker.pk}/reset-authenticator/",
    ]:
        assert client.get(path).status_code == 403, path
    assert client.post(f"/accounts/{worker.pk}/reset-password/", {"reason": "forgotten"}).status_code == 403
    worker.refresh_from_db()
    assert not worker.must_change_password


@pytest.mark.parametrize("target", ["self", "administrator", "user_administrator", "staff", "superuser"])
def test_a_user_administrator_cannot_reset_their_own_or_an_administrators_account(client, user, user_admin, target):
    account = {
        "self": lambda: user_admin,
        "administrator": lambda: user(R.ADMINISTRATOR, is_staff=True),
        "user_administrator": lambda: user(R.USER_ADMINISTRATOR),
        "staff": lambda: user(R.SOCIAL_WORKER, is_staff=True),
        "superuser": lambda: user(R.SOCIAL_WORKER, is_superuser=True),
    }[target]()
    totp_device_for(account)
    verified_login(client, user_admin)
    assert client.get(f"/accounts/{account.pk}/").status_code == 200
    assert "Reset password" not in html_of(client.get(f"/accounts/{account.pk}/"))
    for action, data in [("reset-password", {"reason": "forgotten"}), ("reset-authenticator", {"reason": "lost"})]:
        assert client.get(f"/accounts/{account.pk}/{action}/").status_code == 403
        refused = client.post(f"/accounts/{account.pk}/{action}/", data)
        assert refused.status_code == 403
        assert "You cannot change this account" in html_of(refused)
    account.refresh_from_db()
    assert not account.must_change_password
    assert TOTPDevice.objects.filter(user=account).exists()
    with pytest.raises(PermissionError):
        accounts.reset_password(user_admin, account)


def test_an_administrator_can_reset_a_user_administrator_but_only_a_superuser_a_superuser(client, user, admin):
    helper, root = user(R.USER_ADMINISTRATOR), user(R.ADMINISTRATOR, is_staff=True, is_superuser=True)
    assert accounts.may_manage(admin, helper)
    assert accounts.may_manage(admin, user(R.ADMINISTRATOR, is_staff=True))
    assert not accounts.may_manage(admin, root)
    assert not accounts.may_manage(admin, admin)
    assert accounts.may_manage(root, user(R.SOCIAL_WORKER, is_superuser=True))
    verified_login(client, admin)
    assert client.post(f"/accounts/{root.pk}/reset-password/", {"reason": "forgotten"}).status_code == 403
    assert client.post(f"/accounts/{helper.pk}/reset-password/", {"reason": "forgotten"}).status_code == 200


def test_an_api_tokens_service_user_is_not_reset(client, admin):
    from partners.tokens import issue_token

    api_token, _ = issue_token(builders.police(), "Police system", ["people:read"])
    verified_login(client, admin)
    assert (
        client.post(f"/accounts/{api_token.service_user_id}/reset-password/", {"reason": "forgotten"}).status_code
        == 403
    )


# --- Making accounts and the list -----------------------------------------------------------------


def test_a_user_administrator_creates_an_account_that_sets_up_through_its_link(client, user, user_admin, sign_in):
    team = user_admin.team
    verified_login(client, user_admin)
    form = client.get("/accounts/new/")
    roles = re.findall(r'<option value="([a-z_]+)"', html_of(form))
    assert "social_worker" in roles
    assert "administrator" not in roles
    assert "user_administrator" not in roles

    data = {
        "first_name": "Sam",
        "last_name": "Patel",
        "username": "sam.patel",
        "email": "sam.patel@example.org",
        "role": "social_worker",
        "agency": team.agency_id,
        "team": team.pk,
        "job_title": "Social worker",
    }
    escalating = client.post("/accounts/new/", {**data, "role": "user_administrator"})
    assert escalating.status_code == 200
    assert "govuk-error-summary" in html_of(escalating)
    assert not User.objects.filter(username="sam.patel").exists()

    done = client.post("/accounts/new/", data)
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    password = shown(r'<code id="temporary-password">([^<]+)</code>', done)
    link_path = shown(r'<code id="set-up-link">http://testserver([^<]+)</code>', done)
    account = User.objects.get(username="sam.patel")
    assert account.must_change_password
    assert account.role == R.SOCIAL_WORKER
    assert account.team == team
    assert not account.is_staff
    assert not account.is_superuser
    assert summaries(user=user_admin, action="create") == [
        "Created the account sam.patel",
        "Issued a set-up link for sam.patel, expires in 72 hours",
    ]

    newcomer = client.__class__()
    assert sign_in(newcomer, "sam.patel", password=password)["Location"] == NOT_SET_UP  # the password alone
    newcomer.get(link_path)
    assert sign_in(newcomer, "sam.patel", password=password)["Location"] == SET_UP
    assert set_up_with_code(newcomer, account)["Location"] == "/"
    assert newcomer.get("/")["Location"] == CHANGE
    newcomer.post(CHANGE, {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert newcomer.get("/account/").status_code == 200


def test_the_create_form_says_what_is_wrong(client, admin):
    from partners.models import Team

    police = builders.police()
    police_team = Team.objects.create(agency=police, name="Public Protection Unit")
    verified_login(client, admin)
    empty = client.post("/accounts/new/", {})
    html = html_of(empty)
    assert empty.status_code == 200
    assert "govuk-error-summary" in html
    assert "<title>Error: " in html
    for message in [
        "Enter the person&#x27;s first name",
        "Enter a username",
        "Select a role",
        "Select the person&#x27;s agency",
    ]:
        assert message in html, message
    taken = client.post(
        "/accounts/new/",
        {
            "first_name": "A",
            "last_name": "B",
            "username": admin.username.upper(),
            "role": "social_worker",
            "agency": admin.agency_id,
            "team": police_team.pk,
        },
    )
    assert "There is already an account with that username" in html_of(taken)
    assert "Select a team in the person&#x27;s agency, or no team" in html_of(taken)
    # An administrator may make a user administrator (not a system administrator: that is the admin's).
    roles = re.findall(r'<option value="([a-z_]+)"', html_of(client.get("/accounts/new/")))
    assert "user_administrator" in roles
    assert "administrator" not in roles


def test_the_accounts_list_searches_by_name_or_username(client, user, user_admin):
    user(first_name="Robin", last_name="Ashdown", username="robin.ashdown")
    user(first_name="Jo", last_name="Marsh", username="jo.marsh")
    verified_login(client, user_admin)
    page = client.get("/accounts/")
    assert page.status_code == 200
    assert "robin.ashdown" in html_of(page)
    assert "jo.marsh" in html_of(page)
    assert 'href="/accounts/"' in html_of(page)  # "Accounts" in the navigation
    found = client.get("/accounts/?q=ashd")
    assert "robin.ashdown" in html_of(found)
    assert "jo.marsh" not in html_of(found)
    none = client.get("/accounts/?q=nobody-like-this")
    assert "No accounts match" in html_of(none)


# --- The admin and manage.py --------------------------------------------------------------------


def test_an_account_made_in_the_django_admin_gets_a_set_up_link(client, user):
    root = user(R.ADMINISTRATOR, is_staff=True, is_superuser=True)
    verified_login(client, root)
    response = client.post(
        "/admin/partners/user/add/",
        {
            "username": "new.starter",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "role": "social_worker",
            "usable_password": "true",
        },
        follow=True,
    )
    assert response.status_code == 200
    account = User.objects.get(username="new.starter")
    assert account.must_change_password
    assert SetUpLink.objects.filter(user=account).count() == 1
    assert "Set-up link for new.starter, shown once: http://testserver/set-up/" in html_of(response)


def test_manage_py_issues_a_set_up_link(client, user, sign_in):
    worker = user()
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "issue_set_up_link", worker.username, "--base-url", "https://safeguarding.example.org/", stdout=out, stderr=err
    )
    link = out.getvalue().strip()
    assert re.fullmatch(r"https://safeguarding\.example\.org/set-up/[A-Za-z0-9_-]{40,}/", link)
    assert "works once" in err.getvalue()
    assert client.get(link.removeprefix("https://safeguarding.example.org")).status_code == 200
    assert sign_in(client, worker)["Location"] == SET_UP

    totp_device_for(user(username="has.app"))
    with pytest.raises(CommandError, match="add --reset"):
        call_command("issue_set_up_link", "has.app", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("issue_set_up_link", "has.app", "--reset", stdout=io.StringIO(), stderr=io.StringIO())
    assert not TOTPDevice.objects.filter(user__username="has.app").exists()
    with pytest.raises(CommandError, match="no user"):
        call_command("issue_set_up_link", "nobody", stdout=io.StringIO(), stderr=io.StringIO())
