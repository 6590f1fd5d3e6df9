"""Builders for the sharing tests: a child on a child protection plan (through the services),
a health agency's practitioner and token."""

import datetime

import pytest
from django.utils import timezone

from partners.models import Agency, User
from testing import builders
from testing.builders import MINIMUM_ATTENDEES

TODAY = datetime.date.today
VALID_NHS = "9434765919"  # a made-up number with a valid Modulus 11 check digit
OTHER_VALID_NHS = "4010232137"


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def on_a_plan(worker, manager, chair, child, days_ago=30):
    """The child's episode, allocated to `worker`, through a strategy discussion and a section 47
    enquiry to an initial conference that puts them on a plan (the services' own rules)."""
    from childprotection import services
    from childprotection.models import Section47Enquiry

    start = TODAY() - datetime.timedelta(days=days_ago)
    episode = builders.allocated_episode(worker, manager, child, start)
    services.hold_strategy_discussion(
        worker,
        held_at=at(start + datetime.timedelta(days=1)),
        children=[(episode, "s47", "")],
        attendees=MINIMUM_ATTENDEES,
        information_shared="What the agencies knew",
        police_decision="investigation",
        chair=manager,
        late_reason="Test",
    )
    enquiry = Section47Enquiry.objects.get(episode=episode, outcome="")
    day = start + datetime.timedelta(days=5)
    services.record_enquiry_outcome(worker, enquiry, outcome="icpc", outcome_date=day, findings="Found")
    services.hold_conference(
        worker,
        kind="initial",
        held_on=day + datetime.timedelta(days=2),
        chair=chair,
        children=[
            {
                "episode": episode,
                "decision": "plan",
                "category": "NEG",
                "reasons": "Significant harm",
                "late_reason": "x",
            }
        ],
    )
    return episode


def give_nhs_number(person, number=VALID_NHS):
    from people.models import Identifier

    return Identifier.objects.create(person=person, id_type=Identifier.Type.NHS, value=number)


@pytest.fixture
def hospital(db):
    return builders.agency(Agency.Kind.HEALTH_PROVIDER, name="St Elsewhere NHS Trust")


@pytest.fixture
def nurse(user, hospital):
    return user(User.Role.PARTNER_PRACTITIONER, agency=hospital, team=None, job_title="Emergency department nurse")
