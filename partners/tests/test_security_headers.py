"""A strict Content-Security-Policy and the other protective headers on every page; secure
cookies and HSTS in production; CSRF checks on the sign-in form."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from partners.testing import follow_set_up_link, verified_login

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def policy(response):
    header = response["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize("path", ["/sign-in/", "/health/"])
def test_signed_out_pages_have_the_strict_policy_and_protective_headers(db, client, path):
    response = client.get(path)
    assert policy(response) == EXPECTED_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_signed_in_pages_and_the_two_factor_set_up_have_no_inline_script_or_style(client, user, settings):
    settings.OTP_REQUIRED = True
    worker = user()
    follow_set_up_link(client, worker)
    client.force_login(worker)
    set_up = client.get("/sign-in/two-factor/set-up/")
    verified_login(client, worker)
    pages = [set_up, client.get("/", follow=True), client.get("/account/")]
    for response in pages:
        assert response.status_code == 200
        assert policy(response) == EXPECTED_POLICY
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
        assert not re.search(r"<style\b|\sstyle=", html), "inline style"
        assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_api_responses_carry_the_policy_too(client, user):
    client.force_login(user())
    response = client.get("/api/v1/people/?q=Smith")
    assert policy(response) == EXPECTED_POLICY


def test_hsts_is_sent_over_https_when_configured(db, settings):
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client = Client()
    assert client.get("/health/", secure=True)["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/health/")


def test_production_settings_turn_on_hsts_secure_cookies_and_https():
    env = {
        **os.environ,
        "SAFEGUARDING_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "safeguarding.example.org",
        "AUDIT_HASH_KEY": "y" * 40,
        "SAFEGUARDING_OTP_REQUIRED": "0",
    }  # ignored in production: two-factor stays on
    script = (
        "import json, safeguarding.settings as s; print(json.dumps({name: getattr(s, name) for name in "
        "['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        " 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_HTTPONLY', 'DEBUG', 'OTP_REQUIRED', 'SESSION_COOKIE_AGE']}))"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    values = json.loads(out.stdout)
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SESSION_COOKIE_SECURE"]
    assert values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SESSION_COOKIE_HTTPONLY"]
    assert not values["DEBUG"]
    assert values["OTP_REQUIRED"] is True
    assert values["SESSION_COOKIE_AGE"] == 1800


def test_the_sign_in_form_needs_its_csrf_token(db, user):
    worker = user()
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/sign-in/", {"username": worker.username, "password": worker.password_for_tests})
    assert refused.status_code == 403
    page = client.get("/sign-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    accepted = client.post(
        "/sign-in/", {"username": worker.username, "password": worker.password_for_tests, "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
