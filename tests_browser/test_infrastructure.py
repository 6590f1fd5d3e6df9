"""The browser-test machinery itself: Chromium starts, and the live server serves the
compiled GOV.UK Frontend stylesheet, which the browser applies. Needs no page of the service."""

import pytest

from testing.browser import UNSTYLED_BACKGROUND

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
