"""The education tests share Family Help's fixtures (a local authority, its social worker and
manager, a child born 1 April 2016, a school and its DSL; all synthetic), with the authority's
school list, and builders of the child protection and care history the s434A rules read."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from education import services
from education.models import SchoolRegistration
from testing import builders

TODAY = datetime.date.today
IN_FORCE = override_settings(S434A_COMMENCEMENT="2026-04-29")
SCHOOLS = [
    {"urn": "999001", "name": "Testbrook Primary School", "phase": "primary"},
    {"urn": "999002", "name": "Testbrook Academy", "phase": "secondary"},
    {
        "urn": "999003",
        "name": "Testvale Special School",
        "phase": "all_through",
        "special": True,
        "maintained_by_authority": True,
    },
    {"urn": "999004", "name": "Testhill Independent Special School", "phase": "all_through", "special": True},
]


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


@pytest.fixture
def school_list(db):
    services.load_school_list(SCHOOLS)


@pytest.fixture
def in_force():
    with IN_FORCE:
        yield


@pytest.fixture
def episode(worker, manager, team, child):
    """The child's open child in need episode, allocated to the worker."""
    return builders.allocated_episode(worker, manager, child, days_ago(400))


@pytest.fixture
def pupil(child, worker, school_list):
    """The child on Testbrook Primary School's roll since September 2021."""
    services.record_school_registration(
        worker, child, urn="999001", start_date=datetime.date(2021, 9, 1), source=SchoolRegistration.Source.SCHOOL
    )
    return child


def plan(episode, start, end=None):
    from childprotection.models import ChildProtectionPlan

    return ChildProtectionPlan.objects.create(
        person=episode.person,
        episode=episode,
        start_date=start,
        end_date=end,
        initial_category="NEG",
        latest_category="NEG",
    )


def enquiry(episode, chair, start, closed=None):
    from childprotection.models import Section47Enquiry, StrategyDiscussion

    discussion = StrategyDiscussion.objects.create(
        held_at=timezone.make_aware(datetime.datetime.combine(start, datetime.time(10))),
        information_shared="Synthetic",
        police_decision="none",
        chair=chair,
        recorded_by=chair,
    )
    return Section47Enquiry.objects.create(
        person=episode.person,
        episode=episode,
        strategy_discussion=discussion,
        start_date=start,
        initial_conference_target=start + datetime.timedelta(days=21),
        outcome="nfa" if closed else "",
        outcome_date=closed,
    )


def left_care(episode, start, end, reason, by):
    from childrenincare.models import PeriodOfCare

    return PeriodOfCare.objects.create(
        person=episode.person,
        episode=episode,
        start_date=start,
        end_date=end,
        end_reason=reason,
        category_of_need="N1",
        created_by=by,
    )
