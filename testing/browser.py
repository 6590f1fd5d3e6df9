"""The browser tests' set-up (tests_browser/), registered for the whole suite by the root conftest.

Fixtures:

- ``chromium_path``: Debian's Chromium; without it browser tests are skipped, or fail if
  REQUIRE_BROWSER=1.
- ``browser``: headless Chromium through Playwright's sync API, started for one test.
- ``page``: a fresh page whose relative URLs go to pytest-django's ``live_server`` (the
  database is transactional so the live server sees the test's data); a screenshot of it is
  saved in test-artifacts/ when the test fails. Every page it loads is checked for
  accessibility (see below), with nothing for the test to do.

Accessibility of every visited page: the ``page`` fixture remembers each page load (the main
frame's ``framenavigated`` event) and checks that page before the test's next Playwright action
on the tab (a ``goto``, click, fill...), so before the test can leave it, and the last page at
teardown. The check (``accessibility_problems``) runs axe-core (``node_modules/axe-core``,
from the npm registry, pinned in package.json) with the rules tagged ``AXE_TAGS`` (WCAG 2.0,
2.1 and 2.2 A and AA, and Deque's best practices except ``AXE_RULES_OFF``; two narrow
allowances for GOV.UK Frontend's own patterns are explained at ``_RUN_AXE``), at the page's own
viewport (1,280 px unless the test changed it) and again at 320 CSS px wide, where it also
checks reflow (WCAG 2.2 1.4.10): ``document.documentElement.scrollWidth`` must be at most 320.
A wide data table may scroll inside its own container (``.app-table-container``, which 1.4.10
allows) without widening the page, so the check needs no list of exceptions. Any violation
fails the test, listing each rule id, impact, help text and target selectors, and saves a
screenshot of the page at the width where it was found in test-artifacts/.

Helpers: ``sign_in(page, account)``, ``sign_out(page)``, ``fill_date(page, name, day)``, ``assert_styles_loaded(page)``,
``assert_basic_accessibility(page)``, ``assert_accessible(page)`` (the axe and reflow check, now),
``accessibility_problems(page)`` and ``screenshot(page, name)``.
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

# axe-core, installed from the npm registry by scripts/bootstrap.sh (npm ci; package.json).
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The axe rules run on every page: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and best practice.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Best-practice rules left out, each with the reason (none of them is a WCAG success criterion).
AXE_RULES_OFF: dict[str, str] = {}
# The narrowest width a page must work at without scrolling in two directions (WCAG 1.4.10).
REFLOW_WIDTH = 320


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


def _artifact_name(text):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


class PageChecker:
    """Checks each page a tab loads with ``accessibility_problems``, once, before the test acts on it.

    ``navigated`` (the main frame's ``framenavigated`` event) only notes that a new page is
    showing (a Playwright event handler must not drive the page: it would race the test).
    ``before_action`` runs, in the test's own thread, before each Playwright action on the tab
    (``goto``, a click, a fill: see ``_ACTIONS``): if the page showing has not been checked, it
    is checked then, as the test found it. ``finish`` checks the last page. What is found is
    kept in ``problems``.
    """

    def __init__(self, tab, name) -> None:
        self.tab = tab
        self.name = name
        self.unchecked = False
        self.checked = 0
        self.problems: list[str] = []

    def navigated(self, frame):
        if frame == self.tab.main_frame and frame.url.startswith("http"):
            self.unchecked = True

    def before_action(self):
        if self.unchecked and not self.tab.is_closed():
            self.check()

    def check(self):
        self.unchecked = False
        self.checked += 1
        try:
            self.problems += accessibility_problems(self.tab, screenshot_name=f"axe-{self.name}-{self.checked}")
        except Exception as error:  # a page that cannot be checked is not a page that passed
            self.problems.append(f"{self.tab.url}: could not be checked for accessibility: {error}")

    finish = before_action


# The Playwright actions after which a test may be on a new page: the page showing is checked
# before any of them (``PageChecker.before_action``), so every page is checked before it is left.
_ACTIONS = {
    "Page": (
        "goto",
        "reload",
        "go_back",
        "go_forward",
        "click",
        "dblclick",
        "tap",
        "press",
        "fill",
        "check",
        "uncheck",
        "set_checked",
        "select_option",
        "set_input_files",
        "dispatch_event",
        "type",
        "set_content",
    ),
    "Locator": (
        "click",
        "dblclick",
        "tap",
        "press",
        "press_sequentially",
        "fill",
        "type",
        "check",
        "uncheck",
        "set_checked",
        "select_option",
        "set_input_files",
        "dispatch_event",
        "clear",
    ),
}
_CHECKERS: dict[int, PageChecker] = {}


def _watch_actions():
    """Wrap Playwright's page and locator actions (once) to call the tab's ``PageChecker`` first."""
    import functools

    from playwright import sync_api

    for class_name, actions in _ACTIONS.items():
        cls = getattr(sync_api, class_name)
        for action_name in actions:
            original = getattr(cls, action_name)
            if getattr(original, "_checks_page_first", False):
                continue

            def action(self, *args, __original=original, **kwargs):
                tab = self if isinstance(self, sync_api.Page) else self.page
                checker = _CHECKERS.get(id(tab))
                if checker is not None:
                    checker.before_action()
                return __original(self, *args, **kwargs)

            functools.update_wrapper(action, original)
            action._checks_page_first = True
            setattr(cls, action_name, action)


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser page whose relative URLs go to the live server: ``page.goto("/sign-in/")``.

    Every page it shows is checked with axe-core and for reflow at 320 px before the test moves
    on from it (see the module docstring); the test fails on any problem found. On failure a
    screenshot of the page is saved in test-artifacts/.
    """
    axe_source()  # fail now, not on the first page, when axe-core is missing
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    name = _artifact_name(request.node.nodeid)
    checker = PageChecker(tab, name)
    tab.on("framenavigated", checker.navigated)
    _watch_actions()
    _CHECKERS[id(tab)] = checker
    try:
        yield tab
    finally:
        _CHECKERS.pop(id(tab), None)
    report = getattr(request.node, "report_call", None)
    failed = report is None or report.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            tab.screenshot(path=str(ARTIFACTS / f"failed-{name}.png"), full_page=True)
        except Exception:  # the page may be gone; the test's own error is what matters
            pass
    else:
        checker.finish()
    context.close()
    if checker.problems:
        message = "Accessibility problems on the pages this test visited:\n\n" + "\n\n".join(checker.problems)
        if failed:  # the test's own failure is reported; these go beside it
            request.node.add_report_section("teardown", "accessibility", message)
        else:
            pytest.fail(message, pytrace=False)


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
    # A test may get here as soon as the new page's text shows, before its stylesheet has loaded.
    page.wait_for_load_state("load")
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


def axe_source():
    """axe-core's script, read once. Missing, the browser tests fail: they must not pass unchecked."""
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        if not AXE_SCRIPT.is_file():
            pytest.fail(
                f"{AXE_SCRIPT.relative_to(ROOT)} is missing: run bash scripts/bootstrap.sh (npm ci) to install "
                "axe-core, which checks every page the browser tests visit",
                pytrace=False,
            )
        _AXE_SOURCE = AXE_SCRIPT.read_text(encoding="utf-8")
    return _AXE_SOURCE


_AXE_SOURCE: str | None = None

# Runs axe in the page and returns what a failure message needs of each violation. Two
# narrow adjustments, both for GOV.UK Frontend patterns its team chose on purpose:
# - aria-expanded is allowed on a radio: GOV.UK Frontend's radios script sets it on a radio that
#   reveals a question (conditional reveal), because screen readers announce it; ARIA 1.2 allows
#   it on checkboxes but not yet on radios (alphagov/govuk-frontend#979, w3c/aria#1404).
# - the best-practice rule "region" (all content inside landmarks) is run without GOV.UK back
#   links, which the GOV.UK page template puts before <main>, outside any landmark, on purpose.
_RUN_AXE = """async ([tags, off]) => {
    const radio = axe.utils.getStandards().ariaRoles.radio;
    if (!radio.allowedAttrs.includes('aria-expanded')) {
        axe.configure({standards: {ariaRoles: {radio: {allowedAttrs: [...radio.allowedAttrs, 'aria-expanded']}}}});
    }
    const rules = Object.fromEntries(off.map(id => [id, {enabled: false}]));
    const results = await axe.run(document, {
        runOnly: {type: 'tag', values: tags}, rules: {...rules, region: {enabled: false}}, resultTypes: ['violations'],
    });
    let violations = results.violations;
    if (tags.includes('best-practice') && !off.includes('region')) {
        const region = await axe.run(
            {exclude: [['.govuk-back-link']]},
            {runOnly: {type: 'rule', values: ['region']}, resultTypes: ['violations']},
        );
        violations = violations.concat(region.violations);
    }
    return violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '), summary: n.failureSummary || ''})),
    }));
}"""

# The page's width beyond the viewport, and the outermost elements that stick out past it.
_OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + Array.from(el.classList).slice(0, 3).map(c => '.' + c).join('');
    const path = el => {
        const parts = [];
        for (let e = el; e && e !== document.body; e = e.parentElement) parts.unshift(name(e));
        return parts.join(' > ');
    };
    const wide = el => el.getBoundingClientRect().right > width + 1;
    // Inside a container that scrolls or clips sideways, a wide element does not widen the page.
    const clipped = el => {
        for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
            if (getComputedStyle(e).overflowX !== 'visible') return true;
        }
        return false;
    };
    const culprits = Array.from(document.body.querySelectorAll('*'))
        .filter(el => wide(el) && !(el.parentElement && el.parentElement !== document.body && wide(el.parentElement)))
        .filter(el => !clipped(el))
        .slice(0, 10)
        .map(el => `${path(el)} (${Math.round(el.getBoundingClientRect().right)} px)`);
    return {scrollWidth: document.documentElement.scrollWidth, culprits};
}"""

_SETTLED = """() => new Promise(resolve => {
    const settle = () => requestAnimationFrame(() => requestAnimationFrame(resolve));
    if (document.readyState === 'complete') settle(); else addEventListener('load', settle, {once: true});
})"""


def axe_violations(page):
    """The axe-core violations on the page as it is now (rules ``AXE_TAGS``, less ``AXE_RULES_OFF``)."""
    page.evaluate(_SETTLED)
    if page.evaluate("() => typeof window.axe") == "undefined":
        # Evaluated, not added as a <script>: the service's Content-Security-Policy forbids inline scripts.
        page.evaluate("source => { (0, eval)(source); }", axe_source())
    return page.evaluate(_RUN_AXE, [AXE_TAGS, list(AXE_RULES_OFF)])


def _describe(url, width, violations):
    lines = [f"{url} at {width} px wide: {len(violations)} axe-core violation(s)"]
    for v in violations:
        lines.append(f"  - {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            # axe's own account of what is wrong with the element (the colours and ratio, say).
            why = " ".join(line.strip() for line in node["summary"].splitlines()[1:2])
            lines.append(f"      {node['target']}" + (f"  ({why[:200]})" if why else ""))
        if len(v["nodes"]) > 10:
            lines.append(f"      ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def reflow_problem(page, width=None):
    """Why the page, at its viewport, is wider than ``width`` (by default the viewport's width)
    and so scrolls sideways, or None if it is not (WCAG 1.4.10 at a 320 px viewport)."""
    width = width or (page.viewport_size or {"width": REFLOW_WIDTH})["width"]
    page.evaluate(_SETTLED)
    overflow = page.evaluate(_OVERFLOW)
    if overflow["scrollWidth"] <= width:
        return None
    culprits = "".join(f"\n      {c}" for c in overflow["culprits"])
    return (
        f"{page.url} at {width} px wide: the page is {overflow['scrollWidth']} px wide, so it scrolls sideways "
        f"(WCAG 1.4.10 Reflow; put a wide table in a scrolling .app-table-container). Wider than the page:{culprits}"
    )


def accessibility_problems(page, screenshot_name=None):
    """axe-core at the page's viewport, then axe-core and reflow at 320 px (the viewport is put back).

    Returns one message per problem found; with ``screenshot_name`` a screenshot is saved in
    test-artifacts/ at each width where something was found.
    """
    problems = []
    viewport = page.viewport_size or {"width": 1280, "height": 900}

    def found(message, width):
        problems.append(message)
        if screenshot_name:
            screenshot(page, f"{screenshot_name}-{width}px")

    violations = axe_violations(page)
    if violations:
        found(_describe(page.url, viewport["width"], violations), viewport["width"])
    if viewport["width"] != REFLOW_WIDTH:
        page.set_viewport_size({"width": REFLOW_WIDTH, "height": viewport["height"]})
    try:
        narrow = axe_violations(page)
        reflow = reflow_problem(page, REFLOW_WIDTH)
        if narrow or reflow:
            found("\n".join(filter(None, [narrow and _describe(page.url, REFLOW_WIDTH, narrow), reflow])), REFLOW_WIDTH)
    finally:
        if viewport["width"] != REFLOW_WIDTH:
            page.set_viewport_size(viewport)
    return problems


def assert_accessible(page):
    """The page as it is now passes axe-core at its viewport and at 320 px, and reflows at 320 px.

    The ``page`` fixture already does this for every page load; call it for a state reached
    without one (an htmx swap, a revealed section).
    """
    problems = accessibility_problems(page)
    assert not problems, "\n\n".join(problems)


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
