"""Page-test helpers for the Django test client, shared by every app's page tests.

    from testing.pages import date_data, refused, saved, viewed

    def test_a_bad_date_is_refused(signed_in, period):
        body = refused(signed_in.post(url, date_data("held_on", tomorrow)), "cannot be in the future")

Also ``problem`` (the error summary's text), ``text`` (the page), ``audited(**filters)`` and
``viewed(user, summary)`` (audit events written). ``signed_in`` (a fixture, registered by the
root conftest) is the test client signed in as the ``worker`` fixture.
"""

from html import unescape

import pytest

PROBLEM = "There is a problem"


@pytest.fixture
def signed_in(client, worker):
    """The test client, signed in as ``worker``."""
    client.force_login(worker)
    return client


def date_data(name, day):
    """The three fields of a GOV.UK date input called ``name``, holding ``day`` (empty for None)."""
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def text(response):
    return response.content.decode()


def refused(response, message):
    """The POST was refused: 400, the GOV.UK error summary, and ``message`` on the page. Returns the page."""
    body = text(response)
    assert response.status_code == 400, body[:3000]
    assert PROBLEM in body
    assert "govuk-error-summary" in body
    assert message in body, body[:6000]
    return body


def problem(response):
    """The error summary's text (it is at the top of the page), after checking the POST was refused."""
    page = text(response)
    assert response.status_code == 400, response.status_code
    assert PROBLEM in page
    start = page.index("govuk-error-summary")
    return unescape(" ".join(page[start : page.index("</ul>", start)].split()))


def saved(response, location):
    """The POST was saved: a redirect to ``location``."""
    assert response.status_code == 302, text(response)[:4000]
    assert response["Location"] == location


def audited(**filters):
    """Whether an audit event matching ``filters`` was written: ``audited(action="denied", user=other)``."""
    from audit.models import AuditEvent

    return AuditEvent.objects.filter(**filters).exists()


def viewed(user, summary):
    """Whether ``user``'s view of a page was audited with ``summary``."""
    return audited(user=user, action="view", summary=summary)
