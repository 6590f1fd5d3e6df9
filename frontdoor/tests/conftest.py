"""Fixtures for the front door's tests: a MASH team, the example threshold document published,
and a helper to receive a contact about a child (the shared ``child`` of testing.fixtures)."""

import datetime

import pytest
from django.utils import timezone

from frontdoor import services
from frontdoor.models import Contact, ContactPerson
from partners.models import User
from testing import builders


@pytest.fixture
def local_authority(db):
    return builders.local_authority()


@pytest.fixture
def mash_team(local_authority):
    return builders.team(local_authority, "Testshire MASH", function="MASH")


@pytest.fixture
def mash_worker(user, mash_team):
    return user(User.Role.MASH_PRACTITIONER, team=mash_team)


@pytest.fixture
def school(db):
    return builders.school("Testshire Primary School", urn="100001")


@pytest.fixture
def school_user(user, school):
    return user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None, first_name="Dana", last_name="Lead")


@pytest.fixture
def threshold(mash_worker):
    return services.load_threshold_document(mash_worker)


@pytest.fixture
def receive(mash_worker):
    """receive(child, **fields): a contact about a child, from the police by phone by default."""

    def make(*children, user=None, **fields):
        fields.setdefault("channel", Contact.Channel.PHONE)
        fields.setdefault("source", "6")
        fields.setdefault("concerns", "Police attended a domestic incident; the child was present.")
        fields.setdefault("consent", Contact.Consent.NOT_NEEDED)
        fields.setdefault("referrer_name", "PC Test Officer")
        people = fields.pop("people", None) or [
            services.PersonDetails(
                role=ContactPerson.Role.SUBJECT if i == 0 else ContactPerson.Role.CHILD_IN_HOUSEHOLD, person=c
            )
            for i, c in enumerate(children)
        ]
        return services.receive_contact(user or mash_worker, people=people, **fields)

    return make


# The partner API: files sent with contacts go to a temporary folder, and the school's case
# system has a token allowed to send contacts.


@pytest.fixture
def api_attachment_root(settings, tmp_path):
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    return settings.ATTACHMENT_ROOT


@pytest.fixture
def token(school, threshold, mash_team):
    """A token of the school's case system, allowed to send contacts."""
    from partners.tokens import issue_token

    return issue_token(school, "School information system", ["contacts:create"])[1]


def at(year, month, day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))
