"""The browser-test machinery itself: Chromium starts, and the live server serves the
compiled GOV.UK Frontend stylesheet, which the browser applies; the accessibility checks the
``page`` fixture runs on every page (axe-core, and reflow at 320 px) find what they are meant
to, so they cannot pass silently. Needs no page of the service."""

import pytest
from playwright.sync_api import expect

from testing import browser as browser_module
from testing.browser import UNSTYLED_BACKGROUND, accessibility_problems, assert_accessible, reflow_problem

pytestmark = pytest.mark.browser

MINIMAL_PAGE = """<!DOCTYPE html>
<html lang="en" class="govuk-template"><head><title>Style check</title>
<link rel="stylesheet" href="/static/css/app.css"></head>
<body class="govuk-template__body">
<header class="govuk-header" id="header"><div class="govuk-header__container govuk-width-container">Header</div></header>
<main class="govuk-main-wrapper" id="main-content"><h1 class="govuk-heading-xl">Style check</h1></main>
</body></html>"""  # noqa: E501


def test_live_server_serves_compiled_assets(page):
    css = page.request.get("/static/css/app.css")
    assert css.status == 200
    assert css.headers["content-type"].startswith("text/css")
    assert ".govuk-header" in css.text()
    assert ".moj-" in css.text()
    for script in ("govuk-frontend.min.js", "moj-frontend.min.js", "htmx.min.js"):
        assert page.request.get(f"/static/js/{script}").status == 200, script


def test_browser_applies_the_stylesheet(page, live_server):
    # The live server answers /static/ but has no page of its own to hang this on, so route one.
    page.route(
        f"{live_server.url}/style-check",
        lambda route: route.fulfill(status=200, content_type="text/html", body=MINIMAL_PAGE),
    )
    page.goto("/style-check")
    header = page.eval_on_selector(".govuk-header", "el => getComputedStyle(el).backgroundColor")
    assert header != UNSTYLED_BACKGROUND
    heading_font = page.eval_on_selector("h1", "el => getComputedStyle(el).fontFamily")
    assert "arial" in heading_font.lower() or "GDS Transport" in heading_font


# --- The accessibility checks the page fixture runs on every page --------------------------------
# The pages below are broken on purpose, so they are shown in a context of their own rather than
# in the ``page`` fixture (which would fail this test for them at teardown, as it should).

BROKEN_PAGE = """<!DOCTYPE html>
<html lang="en" class="govuk-template"><head><title>Broken on purpose</title>
<link rel="stylesheet" href="/static/css/app.css"></head>
<body class="govuk-template__body">
<header class="govuk-header"><div class="govuk-header__container govuk-width-container">Header</div></header>
<main class="govuk-main-wrapper" id="main-content"><h1 class="govuk-heading-xl">Broken on purpose</h1>
<p style="color: #bbbbbb; background: #ffffff">Pale grey text on white.</p>
<img src="/static/assets/images/favicon.ico">
<input type="text" id="unlabelled">
<fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend">Is it a radio?</legend>
<input type="radio" name="r" id="r1" aria-controls="nothing-here"><label for="r1">No</label></fieldset>
</main></body></html>"""

WIDE_PAGE = """<!DOCTYPE html>
<html lang="en" class="govuk-template"><head><title>Too wide</title>
<link rel="stylesheet" href="/static/css/app.css"></head>
<body class="govuk-template__body">
<header class="govuk-header"><div class="govuk-header__container govuk-width-container">Header</div></header>
<div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-xl">Too wide</h1>
<div class="too-wide" style="width: 600px">A block 600 pixels wide.</div>
</main></div></body></html>"""

# The same wide content in the service's scrolling table container, which 1.4.10 allows.
SCROLLING_TABLE_PAGE = WIDE_PAGE.replace(
    '<div class="too-wide" style="width: 600px">A block 600 pixels wide.</div>',
    '<div class="app-table-container" tabindex="0" role="region" aria-label="Wide table">'
    '<table class="govuk-table" style="width: 600px"><caption class="govuk-table__caption">Wide table</caption>'
    '<tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Column</th></tr>'
    '<tr class="govuk-table__row"><td class="govuk-table__cell">A cell</td></tr></table></div>',
)


@pytest.fixture
def bare_page(browser, live_server):
    """A page of its own, not checked by the ``page`` fixture, serving the HTML it is given."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()

    def show(html):
        # Through the live server's origin, so the stylesheet loads as on a real page.
        tab.route(f"{live_server.url}/check", lambda route: route.fulfill(content_type="text/html", body=html))
        tab.goto("/check")
        return tab

    yield show
    context.close()


def test_axe_finds_violations_and_names_the_rule_and_the_element(bare_page):
    tab = bare_page(BROKEN_PAGE)
    problems = accessibility_problems(tab)
    # At 1,280 px and again at 320 px, the viewport put back afterwards.
    assert len(problems) == 2
    assert "at 1280 px wide" in problems[0]
    assert "at 320 px wide" in problems[1]
    assert tab.viewport_size == {"width": 1280, "height": 900}
    for rule, target in [
        ("color-contrast (serious)", "p"),
        ("image-alt (critical)", "img"),
        ("label (critical)", "#unlabelled"),
        ("aria-valid-attr-value (critical)", "#r1"),
    ]:
        assert rule in problems[0]
        assert f"\n      {target}  (" in problems[0], "each element is named, with axe's account of what is wrong"
    assert "Element has insufficient color contrast" in problems[0]
    with pytest.raises(AssertionError, match="color-contrast"):
        assert_accessible(tab)


def test_axe_passes_a_page_that_is_fine(bare_page):
    assert accessibility_problems(bare_page(MINIMAL_PAGE)) == []


def test_the_320_pixel_check_finds_a_page_that_scrolls_sideways(bare_page):
    tab = bare_page(WIDE_PAGE)
    problem = reflow_problem(tab)
    assert problem is None, "at 1,280 px the page fits"
    problems = accessibility_problems(tab)
    assert len(problems) == 1
    assert "at 320 px wide: the page is" in problems[0]
    assert "div.too-wide" in problems[0]
    # A wide table scrolling inside its container does not widen the page.
    assert accessibility_problems(bare_page(SCROLLING_TABLE_PAGE)) == []


def test_a_scrolling_table_is_a_focusable_region_only_while_it_scrolls(page, live_server):
    """The {% table %} tag's container, made keyboard-scrollable by init.mjs while it scrolls."""
    from django.template import Context, Template

    table = Template(
        "{% load gds_tables %}{% table 'Due dates, soonest first' %}{% head 'Child' 'Due' 'Kind' 'Team' %}"
        "{% row %}{% cell %}A child with a long name{% endcell %}{% cell %}1 January 2027{% endcell %}"
        "{% cell %}Child and family assessment{% endcell %}{% cell %}Assessment team north{% endcell %}"
        "{% endrow %}{% endtable %}"
    ).render(Context())
    html = MINIMAL_PAGE.replace("</h1>", f"</h1>{table}").replace(
        "</body>", '<script type="module" src="/static/js/init.mjs"></script></body>'
    )
    page.route(f"{live_server.url}/table-check", lambda route: route.fulfill(content_type="text/html", body=html))
    page.goto("/table-check")
    container = page.locator(".app-table-container")
    expect(container).not_to_have_attribute("tabindex", "0")
    page.set_viewport_size({"width": 320, "height": 900})
    expect(container).to_have_attribute("tabindex", "0")
    expect(container).to_have_attribute("role", "region")
    expect(container).to_have_attribute("aria-label", "Due dates, soonest first (scrolls sideways)")
    assert reflow_problem(page) is None
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(container).not_to_have_attribute("tabindex", "0")
    expect(container).not_to_have_attribute("role", "region")


def test_the_page_fixture_checks_every_page_it_shows(page, live_server):
    """Each page load is checked once, before the test's next action on the tab."""
    checker = browser_module._CHECKERS[id(page)]
    page.route(
        f"{live_server.url}/style-check", lambda route: route.fulfill(content_type="text/html", body=MINIMAL_PAGE)
    )
    page.goto("/style-check")
    assert checker.unchecked
    assert checker.checked == 0
    page.goto("/style-check")  # the first page is checked before this navigation leaves it
    assert checker.checked == 1
    assert checker.unchecked
    page.locator("h1").click()
    assert checker.checked == 2
    assert not checker.unchecked
    assert checker.problems == []
