"""Checks shared by the browser tests."""

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# What the browser reports for an element no stylesheet has styled.
UNSTYLED_BACKGROUND = "rgba(0, 0, 0, 0)"


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
