"""Fixtures shared by every app's tests and by the browser tests (tests_browser/).

- ``user``: a factory for users of a role, in an agency and team made for the test.
- ``page``: a Playwright page (sync API) in Debian's Chromium, pointed at pytest-django's
  ``live_server``; the database is transactional so the live server sees the test's data.
  When /usr/bin/chromium is absent, browser tests are skipped, or fail if REQUIRE_BROWSER=1.

Every transactional test (``transactional_db``, ``live_server``, ``django_db(transaction=True)``,
``TransactionTestCase``) gets serialized rollback: the database is emptied after such a test,
and this puts back what the migrations loaded (code lists, content types) for the next one.
"""

import itertools
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread, and Django refuses ORM calls
# from a thread with a running loop unless told this is deliberate. Set before any ORM use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Serve the live server on IPv4 loopback, where the browser looks first.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

ROOT = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_PASSWORD = "a-test-password-for-synthetic-users"


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
    checkout's var/ (the audit tests give each test a file of its own)."""
    from django.conf import settings

    settings.OTP_REQUIRED = False
    settings.AUDIT_ANCHOR = ""


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


# --- Users ------------------------------------------------------------------------------

_DEFAULT = object()


@pytest.fixture
def user(db):
    """Make users: ``user()``, ``user(User.Role.TEAM_MANAGER)``, ``user("iro", team=other_team)``.

    Without ``agency``, users share one local authority made for the test (a partner
    practitioner gets a police force instead); without ``team`` they join that agency's team
    (pass ``team=None`` for no team). Every user has the password ``user.password_for_tests``.
    Other fields (``first_name``, ``job_title``, ``is_staff``...) pass through.
    """
    from partners.models import Agency, Team, User

    numbers = itertools.count(1)
    agencies = {}
    teams = {}

    def default_agency(kind):
        if kind not in agencies:
            if kind == Agency.Kind.LOCAL_AUTHORITY:
                agencies[kind] = Agency.objects.create(name="Testshire County Council", kind=kind, la_code="999")
            else:
                agencies[kind] = Agency.objects.create(name=f"Testshire {Agency.Kind(kind).label}", kind=kind)
        return agencies[kind]

    def default_team(agency):
        if agency.pk not in teams:
            teams[agency.pk] = Team.objects.create(
                agency=agency, name=f"{agency.name} test team", function="Assessment"
            )
        return teams[agency.pk]

    def make(
        role=User.Role.SOCIAL_WORKER, *, agency=None, team=_DEFAULT, username=None, password=DEFAULT_PASSWORD, **fields
    ):
        role = User.Role(role)
        if agency is None:
            if team not in (_DEFAULT, None):
                agency = team.agency
            else:
                kind = Agency.Kind.POLICE if role == User.Role.PARTNER_PRACTITIONER else Agency.Kind.LOCAL_AUTHORITY
                agency = default_agency(kind)
        if team is _DEFAULT:
            team = default_team(agency)
        n = next(numbers)
        username = username or f"{role.value}-{n}"
        fields.setdefault("first_name", "Test")
        fields.setdefault("last_name", f"User {n}")
        made = User.objects.create_user(
            username=username, password=password, role=role, agency=agency, team=team, **fields
        )
        made.password_for_tests = password
        return made

    return make


# --- Browser tests ----------------------------------------------------------------------


def _browser_unavailable(reason):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and REQUIRE_BROWSER=1 (install Debian's chromium package)", pytrace=False)
    pytest.skip(f"{reason}: browser tests need Debian's chromium package (apt-get install chromium)")


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium; the browser tests skip without it (or fail, if REQUIRE_BROWSER=1)."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _browser_unavailable(f"{CHROMIUM} is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - playwright is pinned in requirements.txt
        _browser_unavailable("the playwright Python package is not installed")
    return str(CHROMIUM)


@pytest.fixture
def browser(chromium_path):
    """Headless Chromium, started for one test. Never downloads a browser.

    Started per test, not per session, on purpose: while Playwright's sync API is running, the
    thread has a running asyncio event loop, which makes Django hand out different database
    connections (and would leave that loop visible to every later test in the session).
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            # Close the connections the test opened while the loop ran, before it stops and
            # they become unreachable (an open one would stop PostgreSQL dropping the test database).
            connections.close_all()
            chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Let fixtures see whether the test itself failed (for a screenshot on failure).
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser page whose relative URLs go to the live server: ``page.goto("/sign-in/")``.

    On failure a screenshot of the page is saved in test-artifacts/.
    """
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.nodeid)
        try:
            tab.screenshot(path=str(ARTIFACTS / f"failed-{name}.png"), full_page=True)
        except Exception:  # the page may be gone; the test's own error is what matters
            pass
    context.close()


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
