"""The sector's validators run from the checks pages, on request: their issues shown like the
service's own, with the link to the child's record, and the run audited; where they are not
installed the page says so and offers nothing."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from childrenincare.testing import looked_after
from partners.models import User

D = datetime.date


@pytest.fixture
def analyst(user, la):
    return user(User.Role.ANALYST, agency=la, team=None)


@pytest.mark.parametrize("page", ["returns:ssda903", "returns:cin_census"])
def test_not_installed(client, analyst, page, settings, tmp_path):
    settings.SECTOR_VALIDATORS_DIR = str(tmp_path)
    client.force_login(analyst)
    body = client.get(reverse(page), {"sector": "1"}).content.decode()
    assert "is not installed on this server" in body
    assert not AuditEvent.objects.filter(summary__startswith="Ran the sector").exists()


def test_the_903_validator_from_the_page(client, analyst, worker, child, sector_validators):
    looked_after(worker, child, D(2025, 6, 2), referral_date=D(2025, 5, 1))
    client.force_login(analyst)
    page = client.get(reverse("returns:ssda903"), {"year": 2026})
    assert "Run the sector&#x27;s validator" in page.content.decode() or "Run the sector's validator" in page.content.decode()
    body = client.get(reverse("returns:ssda903"), {"year": 2026, "sector": "1"}).content.decode()
    assert "csc-validator-be-903 0.1.17 found" in body
    event = AuditEvent.objects.get(summary__startswith="Ran the sector")
    assert event.user == analyst and event.detail["kind"] == "903"


def test_the_cin_validator_from_the_page(client, analyst, worker, child, sector_validators):
    from familyhelp.testing import open_episode

    open_episode(worker, child, D(2025, 6, 2))
    client.force_login(analyst)
    body = client.get(reverse("returns:cin_census"), {"year": 2026, "sector": "1"}).content.decode()
    assert "csc-validator-be-cin 0.1.13 found" in body
    # The test child has no ethnicity recorded: the validator's finding links to the record.
    assert reverse("people:detail", args=[child.pk]) in body
