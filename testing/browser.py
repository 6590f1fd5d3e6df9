"""The browser tests' set-up (tests_browser/), registered for the whole suite by the root conftest.

Fixtures:

- ``chromium_path``: Debian's Chromium; without it browser tests are skipped, or fail if
  REQUIRE_BROWSER=1.
- ``browser``: headless Chromium through Playwright's sync API, started for one test.
- ``page``: a fresh page whose relative URLs go to pytest-django's ``live_server`` (the
  database is transactional so the live server sees the test's data); a screenshot of it is
  saved in test-artifacts/ when the test fails.

Helpers: ``sign_in(page, account)``, ``sign_out(page)``, ``fill_date(page, name, day)``, ``assert_styles_loaded(page)``,
``assert_basic_accessibility(page)`` and ``screenshot(page, name)``.
"""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
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

# What the browser reports for an element no stylesheet has styled.
UNSTYLED_BACKGROUND = "rgba(0, 0, 0, 0)"


# --- Fixtures ---------------------------------------------------------------------------


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


# --- Signing in and out -----------------------------------------------------------------


def sign_in(page, account, start="/sign-in/", check_page=True):
    """Sign in with the account's password (``account.password_for_tests``), from ``start``.

    With ``check_page`` the sign-in page is first checked for its styles and basic accessibility.
    """
    page.goto(start)
    if check_page:
        assert_styles_loaded(page)
        assert_basic_accessibility(page)
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill(account.password_for_tests)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    from playwright.sync_api import expect

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/"))


# --- Forms ----------------------------------------------------------------------------


def fill_date(page, name, day):
    """Type ``day`` into the three fields of the GOV.UK date input called ``name``."""
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


# --- Checks -----------------------------------------------------------------------------


def assert_styles_loaded(page):
    """The compiled GOV.UK / MOJ Frontend stylesheet is served and applied to this page.

    Unstyled, Chromium shows a transparent header and its default serif font; styled, the
    header (GOV.UK or MOJ) has its colour and the h1 is in the service's sans-serif font.
    """
    css = page.request.get("/static/css/app.css")
    assert css.status == 200, f"/static/css/app.css answered {css.status}"
    assert css.headers.get("content-type", "").startswith("text/css")
    assert ".govuk-header" in css.text()
    styles = page.evaluate("""() => {
        const header = document.querySelector('header');
        return {
            header: header && getComputedStyle(header).backgroundColor,
            font: getComputedStyle(document.querySelector('h1') || document.body).fontFamily,
        };
    }""")
    assert styles["header"] is not None, "the page has no <header>"
    assert styles["header"] != UNSTYLED_BACKGROUND, "the header is unstyled: is app.css linked from the page?"
    assert "arial" in styles["font"].lower() or "GDS Transport" in styles["font"], (
        f"the page is not in the service's font ({styles['font']}): is app.css linked from the page?"
    )


def assert_basic_accessibility(page):
    """A few checks any page of the service must pass (not a substitute for an axe audit).

    English language declared, a title, exactly one h1, a skip link to the main content that
    exists, every form field labelled and every image with alternative text.
    """
    assert page.get_attribute("html", "lang") == "en", '<html> must have lang="en"'
    assert page.title().strip(), "the page must have a <title>"
    h1s = page.locator("h1")
    assert h1s.count() == 1, f"the page must have exactly one h1, found {h1s.count()}"

    skip = page.locator("a.govuk-skip-link").first
    assert skip.count() == 1, "the page must start with a GOV.UK skip link"
    target = skip.get_attribute("href") or ""
    assert target.startswith("#") and len(target) > 1, f"the skip link must point into the page, not {target!r}"  # noqa: PT018
    assert page.locator(f"[id='{target[1:]}']").count() == 1, f"the skip link's target {target} is missing"

    unlabelled = page.eval_on_selector_all(
        "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea",
        """fields => fields
            .filter(f => !(f.labels && f.labels.length) && !f.getAttribute('aria-label')
                         && !f.getAttribute('aria-labelledby'))
            .map(f => f.outerHTML)""",
    )
    assert not unlabelled, f"form fields without a label: {unlabelled}"

    no_alt = page.eval_on_selector_all("img:not([alt])", "imgs => imgs.map(i => i.outerHTML)")
    assert not no_alt, f"images without alt text: {no_alt}"


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
