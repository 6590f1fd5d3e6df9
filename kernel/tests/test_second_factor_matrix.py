"""Every route, asked for by a session that has given its password but not its two-factor
code, with and without the headers, cookies and parameters an attacker would try.

Only the two-factor pages, sign-out, static files and the health check answer such a
session. Everything else sends it to the two-factor step (pages) or answers 401 (the API).
The single exception is an API request that carries a *valid* API token: there the token, not
the session, is who asks. A bearer header on a page, or a token that is not valid, changes
nothing (issue 17, findings 1 and 2).
"""

from django.contrib.auth import SESSION_KEY

from kernel.tests.test_access_matrix import concrete, site_routes, world  # noqa: F401 (world is a fixture)
from partners.models import SESSION_GENERATION_KEY, User
from partners.tokens import issue_token

R = User.Role
# Roles whose own rules reach the most routes: if the second factor held for them, the route
# rules were never what stopped the others.
ROLES = [R.HEAD_OF_SERVICE, R.SOCIAL_WORKER, R.PARTNER_PRACTITIONER, R.ADMINISTRATOR]
OPEN = {"/sign-in/two-factor/", "/sign-in/two-factor/set-up/", "/sign-out/", "/health/"}

# What an attacker adds to a password-only session, hoping one of them stands in for the code.
ATTEMPTS = {
    "nothing": {},
    "a bearer header of any value": {"HTTP_AUTHORIZATION": "Bearer x"},
    "a bearer header shaped like a token": {"HTTP_AUTHORIZATION": "Bearer sgk_" + "A" * 43},
    "a lower-case bearer and a basic header": {"HTTP_AUTHORIZATION": "bearer x, Basic eDp4"},
    "proxy and verification headers": {
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "127.0.0.1",
        "HTTP_X_OTP_VERIFIED": "1",
        "HTTP_X_REQUESTED_WITH": "XMLHttpRequest",
        "HTTP_HX_REQUEST": "true",
    },
}


def _stopped(response, url):
    """Did the second-factor check stop this request before any view ran?"""
    if url.startswith("/api/"):
        return response.status_code == 401
    return response.status_code == 302 and response["Location"].startswith("/sign-in/two-factor/")


def _password_only(client, account):
    """Signed in with the password, not yet the code (as /sign-in/ leaves it)."""
    client.force_login(account)
    session = client.session
    session[SESSION_GENERATION_KEY] = account.session_generation
    session.save()


def _urls(world):
    urls = []
    for pattern, view, _ in site_routes():  # noqa: B007
        url = concrete(pattern, world)
        if url not in OPEN:
            urls.append(url)
    return urls + ["/admin/", "/admin/partners/user/", "/no-such-page/", "/api/v1/no-such-route/"]


def test_no_header_cookie_or_parameter_stands_in_for_the_second_factor(client, world, settings):
    settings.OTP_REQUIRED = True
    wrong = []
    for role in ROLES:  # one world for the roles: building it is most of the cost
        account = world["users"][role]
        _password_only(client, account)
        client.cookies["otp_device_id"] = "otp_totp.totpdevice/1"  # a cookie named like the session key
        for url in _urls(world):
            for attempt, headers in ATTEMPTS.items():
                for query in ("", "?otp_verified=1&verified=true"):
                    response = client.get(url + query, **headers)
                    if not _stopped(response, url):
                        wrong.append(f"{role}: GET {url}{query} with {attempt}: {response.status_code}")
            response = client.post(url, {"reason": "Second factor matrix"}, HTTP_AUTHORIZATION="Bearer x")
            if not _stopped(response, url):
                wrong.append(f"{role}: POST {url} with a bearer header: {response.status_code}")
        assert client.session.get(SESSION_KEY) == str(account.pk), "the session was not the one being tested"
    assert not wrong, "\n".join(wrong)


def test_a_valid_api_token_on_a_page_does_not_stand_in_for_the_second_factor(client, world, settings):
    """A real token is for the API; on a page it is just a header."""
    settings.OTP_REQUIRED = True
    account = world["users"][R.SOCIAL_WORKER]
    _, token = issue_token(account.agency, "Matrix partner system", ["people:read", "contacts:create", "contacts:read"])
    _password_only(client, account)
    child = world["child"]
    for url in [f"/people/{child.pk}/", "/search/?q=Matrix", f"/people/{child.pk}/break-glass/", "/"]:
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert _stopped(response, url), (url, response.status_code)
    response = client.post(f"/people/{child.pk}/break-glass/", {"reason": "x"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert _stopped(response, "/people/")


def test_a_valid_api_token_on_the_api_is_answered_as_the_token_not_the_session(client, world, settings):
    settings.OTP_REQUIRED = True
    account = world["users"][R.HEAD_OF_SERVICE]
    _, token = issue_token(world["users"][R.PARTNER_PRACTITIONER].agency, "Matrix partner system", ["people:read"])
    _password_only(client, account)
    child = world["child"]
    # The head of service may see every child; the token's agency only those it works with.
    # The matrix world involves every role's agency with the child, so the token may see them.
    assert client.get(f"/api/v1/people/{child.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    # The same request without the token is the half-signed-in session, and is stopped.
    assert client.get(f"/api/v1/people/{child.pk}/").status_code == 401
    # A token without the scope is refused as the token, not let through as the session.
    _, narrow = issue_token(account.agency, "Matrix narrow system", ["contacts:read"])
    assert client.get(f"/api/v1/people/{child.pk}/", HTTP_AUTHORIZATION=f"Bearer {narrow}").status_code == 403


def test_a_bearer_header_does_not_keep_a_session_alive_after_sign_out_everywhere(client, world, settings):
    """Finding 2: "Sign out of all other sessions" ends this session whatever the request carries."""
    account = world["users"][R.SOCIAL_WORKER]
    client.force_login(account)
    session = client.session
    session[SESSION_GENERATION_KEY] = account.session_generation
    session.save()
    assert client.get("/account/").status_code == 200
    User.objects.filter(pk=account.pk).update(session_generation=account.session_generation + 1)
    response = client.get(f"/people/{world['child'].pk}/", HTTP_AUTHORIZATION="Bearer x")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert SESSION_KEY not in client.session
    # Signed out for good: the next request, with or without the header, is signed out too.
    assert client.get("/", HTTP_AUTHORIZATION="Bearer x")["Location"].startswith("/sign-in/")


def test_an_ended_session_with_a_valid_api_token_is_answered_as_the_token(client, world):
    account = world["users"][R.SOCIAL_WORKER]
    _, token = issue_token(account.agency, "Matrix partner system", ["people:read"])
    client.force_login(account)
    User.objects.filter(pk=account.pk).update(session_generation=account.session_generation + 1)
    response = client.get(f"/api/v1/people/{world['child'].pk}/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session, "the ended session was still signed out"
