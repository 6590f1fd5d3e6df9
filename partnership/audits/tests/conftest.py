"""Hand-built records for the audits' tests: children on child protection plans and children
missing, made straight in the tables (the rule reads the tables, not the steps that made them)."""

import datetime

import pytest
from django.utils import timezone

from childprotection.models import ChildProtectionPlan
from exploitation.models import MissingEpisode
from familyhelp.testing import open_episode
from partners.models import Agency, User
from partnership.audits import services
from testing import builders

R = User.Role
SAMPLE_DATE = datetime.date(2026, 10, 15)


@pytest.fixture
def officer(user):
    return user(R.PARTNERSHIP_OFFICER)


@pytest.fixture
def episode(user, child):
    """A referral the hand-built plans hang from (the rule reads the plan, not its episode)."""
    return open_episode(user(), child, datetime.date(2023, 1, 5))


@pytest.fixture
def on_plan(episode):
    def make(name, start, category="NEG", end=None):
        person = builders.child(given_names=name, family_name="Sampled", date_of_birth=datetime.date(2014, 3, 3))
        ChildProtectionPlan.objects.create(
            person=person,
            episode=episode,
            start_date=start,
            initial_category=category,
            latest_category=category,
            end_date=end,
        )
        return person

    return make


@pytest.fixture
def missing(user):
    recorder = user()

    def make(name, days_before):
        person = builders.child(given_names=name, family_name="Missing", date_of_birth=datetime.date(2010, 6, 6))
        for days in days_before:
            start = timezone.make_aware(
                datetime.datetime.combine(SAMPLE_DATE - datetime.timedelta(days=days), datetime.time(21, 0))
            )
            MissingEpisode.objects.create(
                person=person,
                kind="M",
                missing_from="home",
                started_at=start,
                ended_at=start + datetime.timedelta(hours=5),
                recorded_by=recorder,
            )
        return person

    return make


@pytest.fixture
def health(db):
    return builders.agency(Agency.Kind.HEALTH_PROVIDER, "Testshire Community Health")


@pytest.fixture
def plan(officer, health):
    """Plan an audit of the neglect rule: the officer as auditor unless told."""

    def make(
        auditors=None,
        *,
        size=5,
        access_from=None,
        access_to=None,
        rule="neglect-plan-12-months",
        seed=7,
        questions=(("Was the plan's focus on the child's lived experience?", []),),
    ):
        today = datetime.date.today()
        return services.plan_audit(
            officer,
            theme="Neglect",
            sample_rule=rule,
            sample_size=size,
            sample_date=SAMPLE_DATE,
            auditors=auditors if auditors is not None else [officer],
            agencies=[officer.agency, health],
            questions=list(questions),
            access_from=access_from or today - datetime.timedelta(days=5),
            access_to=access_to or today + datetime.timedelta(days=20),
            seed=seed,
        )

    return make
