"""The suite's set-up. The shared fixtures and helpers live in the ``testing`` package and are
registered here for every app's tests and the browser tests (tests_browser/):

- testing.fixtures: ``user`` (a factory for users of a role) and the test world (``la``,
  ``team``, ``worker``, ``manager``, ``chair``, ``police_officer``, ``child``, ``sibling``,
  ``fh_lead``, ``school``, ``dsl``), made with the builders of testing.builders;
- testing.pages: ``signed_in`` (the test client signed in as ``worker``);
- testing.browser: ``page``, a Playwright page (sync API) in Debian's Chromium, pointed at
  pytest-django's ``live_server``; the database is transactional so the live server sees the
  test's data. When /usr/bin/chromium is absent, browser tests are skipped, or fail if
  REQUIRE_BROWSER=1.

A generated demo authority is a module's own fixture, made by ``testing.demo.demo_authority``.

Every transactional test (``transactional_db``, ``live_server``, ``django_db(transaction=True)``,
``TransactionTestCase``) gets serialized rollback: the database is emptied after such a test,
and this puts back what the migrations loaded (code lists, content types) for the next one.
"""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread, and Django refuses ORM calls
# from a thread with a running loop unless told this is deliberate. Set before any ORM use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Serve the live server on IPv4 loopback, where the browser looks first.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

pytest_plugins = ["testing.fixtures", "testing.pages", "testing.browser"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Test SQLite in a file rather than in memory.

    An in-memory database has to share one connection between the test and the live server's
    request threads; a file lets each thread have its own connection, as in production (WAL).
    """
    from django.conf import settings

    for alias, db in settings.DATABASES.items():
        if db["ENGINE"] == "django.db.backends.sqlite3":
            db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / f"test_{alias}.sqlite3")


def pytest_configure(config):
    """Two-factor codes are off for tests, so ``client.force_login(user)`` and the browser tests'
    password sign-in reach pages. The tests of two-factor sign-in (partners/tests,
    tests_browser/test_two_factor.py) turn it on with the ``settings`` fixture; partners.testing
    has ``verified_login`` and ``totp_code_for`` for them.

    The audit chain's anchor is off: a test database's chain must never be anchored in the
    checkout's var/ (the audit tests give each test a file of its own).

    Passwords are hashed with a fast hasher, as Django's documentation advises for tests: the
    service's own (PBKDF2, a million rounds, about a third of a second a password here) made
    every test user and every sign-in by password cost that much, a large part of the suite's
    time. partners/tests/test_password_hashing.py checks the service's own hasher, with the
    settings it runs with (``PRODUCTION_PASSWORD_HASHERS``)."""
    from django.conf import settings

    settings.OTP_REQUIRED = False
    settings.AUDIT_ANCHOR = ""
    settings.PRODUCTION_PASSWORD_HASHERS = list(settings.PASSWORD_HASHERS)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Run once, on PostgreSQL (CI leaves them out of the SQLite run; see pytest.ini's marker):
# - the walks over every page for every role (the access matrices, the second-factor matrix, the
#   restricted child and the key facts on every page). They ask every route as every role; the
#   queries behind each page are the apps' own, which the apps' tests run on both databases.
SITE_WALKS = {
    "kernel/tests/test_access_matrix.py",
    "kernel/tests/test_second_factor_matrix.py",
    "familyhelp/tests/test_early_help_matrix.py",
    "leavingcare/tests/test_access.py",
    "people/tests/test_restricted_everywhere.py",
    "people/tests/test_key_facts_everywhere.py",
}
# - the demo's areas made twice from one seed, to compare. Whether the same seed makes the same
#   authority on each database (the ids start again from 1 differently) is
#   demo/tests/test_generate_authority.py's, which runs on both.
SAME_SEED_TWICE = {
    "demo/tests/test_pre_proceedings_demo.py::test_the_same_seed_makes_the_same_pre_proceedings",
    "demo/tests/test_care.py::test_the_same_seed_makes_the_same_care_histories",
    "familyhelp/tests/test_early_help_demo.py::test_the_same_seed_makes_the_same_early_help",
}


def pytest_collection_modifyitems(items):
    """Give every transactional test serialized rollback (see the module docstring).

    All of them or none: a transactional test without it empties the database and lets Django
    recreate content types under new ids, which the next serialized restore then collides with.
    """
    from django.test import TestCase, TransactionTestCase
    from pytest_django.fixtures import validate_django_db

    for item in items:
        if item.get_closest_marker("browser"):
            # A journey in the browser checks pages, not the database: CI runs it once (on PostgreSQL).
            item.add_marker(pytest.mark.single_database)
        path, _, name = item.nodeid.partition("::")
        if path in SITE_WALKS or f"{path}::{name.split('[')[0]}" in SAME_SEED_TWICE:
            item.add_marker(pytest.mark.single_database)
        cls = getattr(item, "cls", None)
        if cls is not None and issubclass(cls, TransactionTestCase):
            if not issubclass(cls, TestCase):
                cls.serialized_rollback = True
            continue
        fixtures = getattr(item, "fixturenames", ())
        marker = item.get_closest_marker("django_db")
        transaction, reset_sequences, databases, serialized, available_apps = (
            validate_django_db(marker) if marker else (False, False, None, False, None)
        )
        if serialized or not (
            transaction or reset_sequences or "transactional_db" in fixtures or "live_server" in fixtures
        ):
            continue
        item.add_marker(
            pytest.mark.django_db(
                transaction=True,
                reset_sequences=reset_sequences,
                databases=databases,
                serialized_rollback=True,
                available_apps=available_apps,
            ),
            append=False,
        )


# --- The audit trail's append-only guard ----------------------------------------------------


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The migrations install triggers that refuse to change or remove audit rows. Browser
    tests empty the whole database after each test, which those triggers would refuse, so
    the test database runs without them; audit/tests puts them back to prove they work."""
    from django.db import connections

    from audit import guard

    with django_db_blocker.unblock():
        for connection in connections.all():
            guard.remove(connection)


@pytest.fixture(autouse=True)
def _fresh_rule_caches():
    """Each test reads timescale rules and the front-door team afresh: what one test made is not cached for the next."""
    from frontdoor import services as front_door
    from kernel import timescales

    timescales.clear_cache()
    front_door.clear_cache()
    yield
    timescales.clear_cache()
    front_door.clear_cache()
