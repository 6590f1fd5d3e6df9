"""The demo authority's early help (demo/early_help.py): episodes from the contacts decided
"early help" with consent and from Family Help closures RC9, with lead practitioners from the
authority, schools and health, assessments mostly within the local timescale (some in
progress), family plans and reviews, closures (needs met, stepped up and linked to the later
referral, consent withdrawn), due dates that point at the records, and the same early help
from the same seed.

One small authority is made for the whole module (committed, and removed at the end)."""

import datetime as dt
from collections import Counter

import pytest

from familyhelp.early_help import selectors as early_help_selectors
from familyhelp.early_help import services as early_help
from familyhelp.models import (
    EarlyHelpAssessment,
    EarlyHelpChild,
    EarlyHelpEpisode,
    FamilyPlan,
    FamilyPlanReview,
    LeadPractitioner,
)
from frontdoor.models import Contact, ContactDecision, ContactPerson, Referral
from kernel.models import Deadline
from people.models import Involvement
from returns.annex_a import selectors as annex_a
from testing.demo import (
    demo_authority,
    generate,
    name_keys,  # noqa: F401 - an autouse fixture
    remove,
)

TODAY = dt.date(2025, 11, 14)  # a Friday
CHILDREN = 4000
SEED = 13


authority = demo_authority(children=CHILDREN, seed=SEED, today=TODAY)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("authority")]


def test_episodes_come_from_consented_early_help_contacts_and_rc9_closures():
    episodes = list(EarlyHelpEpisode.objects.all())
    assert len(episodes) > 40
    routes = Counter(e.route for e in episodes)
    assert routes["contact"] > 0
    assert routes["step_down"] > 0
    for episode in episodes:
        assert episode.start_date <= TODAY
        assert episode.consent_given_on <= episode.start_date
        if episode.route == "contact":
            decision = ContactDecision.objects.get(contact_id=episode.contact_id)
            assert decision.outcome == "early_help"
            assert decision.contact.consent == Contact.Consent.GIVEN
            children = set(
                ContactPerson.objects.filter(contact_id=episode.contact_id).values_list("person_id", flat=True)
            )
            assert set(episode.children.values_list("person_id", flat=True)) <= children
        elif episode.route == "step_down":
            assert episode.stepped_down_from.closure_reason == "RC9"
            assert episode.start_date > episode.stepped_down_from.closure_date
        assert episode.person_id in set(episode.children.values_list("person_id", flat=True))


def test_a_child_has_one_early_help_at_a_time():
    spans = {}
    for row in EarlyHelpChild.objects.select_related("episode").order_by("episode__start_date"):
        end = row.episode.closure_date or TODAY
        previous = spans.get(row.person_id)
        if previous is not None:
            assert row.episode.start_date > previous
        spans[row.person_id] = end


def test_lead_practitioners_from_the_authority_schools_and_health_with_access():
    kinds = Counter(LeadPractitioner.objects.values_list("agency__kind", flat=True))
    assert kinds["local_authority"] > 0
    assert kinds["school"] > 0
    assert kinds["health_provider"] + kinds["voluntary"] > 0
    for lead in LeadPractitioner.objects.select_related("episode")[:200]:
        for person_id in lead.episode.children.values_list("person_id", flat=True):
            assert Involvement.objects.filter(
                person_id=person_id, worker_id=lead.user_id, kind=early_help.INVOLVEMENT_KIND, end_date=lead.end_date
            ).exists()
    led = {lead.user.username for lead in LeadPractitioner.objects.filter(end_date__isnull=True).select_related("user")}
    assert {"family.help", "school.dsl"} <= led


def test_assessments_mostly_within_the_local_timescale_some_in_progress():
    done = Deadline.objects.filter(rule_slug=early_help.ASSESSMENT_RULE, status=Deadline.Status.MET)
    late = done.filter(late=True)
    assert done.exists()
    assert 0 < late.count() < done.count() / 2
    assert all(d.late_reason for d in late)
    assert EarlyHelpAssessment.objects.filter(completed_date__isnull=True).exists()
    for assessment in EarlyHelpAssessment.objects.select_related("episode"):
        assert assessment.start_date >= assessment.episode.start_date
        if assessment.completed_date:
            assert assessment.start_date <= assessment.completed_date <= TODAY
            assert assessment.needs
            assert assessment.family_views
        assert assessment.organisation_id == assessment.episode.leads.first().agency_id


def test_plans_follow_assessments_and_reviews_meet_their_due_dates():
    assert FamilyPlan.objects.exists()
    assert FamilyPlanReview.objects.exists()
    for plan in FamilyPlan.objects.select_related("episode"):
        completed = plan.episode.assessments.filter(completed_date__isnull=False).first()
        assert completed is not None
        assert plan.start_date >= completed.completed_date
        assert plan.outcomes.count() >= 2
    open_episodes = EarlyHelpEpisode.objects.filter(closure_date__isnull=True)
    closed_ids = EarlyHelpEpisode.objects.filter(closure_date__isnull=False).values_list("pk", flat=True)
    rows = EarlyHelpChild.objects.filter(episode_id__in=closed_ids).values_list("pk", flat=True)
    assert not Deadline.objects.filter(
        subject_type__model="earlyhelpchild", subject_id__in=list(rows), status=Deadline.Status.OPEN
    ).exists()
    assert Deadline.objects.filter(rule_slug=early_help.REVIEW_RULE, status=Deadline.Status.OPEN).exists()
    assert open_episodes.exists()


def test_closures_include_needs_met_step_up_linked_and_consent_withdrawn():
    reasons = Counter(EarlyHelpEpisode.objects.exclude(closure_reason="").values_list("closure_reason", flat=True))
    assert reasons["needs_met"] > 0
    assert reasons["consent_withdrawn"] > 0
    assert reasons["step_up"] > 0
    for episode in EarlyHelpEpisode.objects.filter(closure_reason="step_up"):
        referrals = list(early_help_selectors.linked_referrals(episode))
        assert referrals
        assert referrals[0].referral_date == episode.closure_date
        assert {r.person_id for r in referrals} & set(episode.children.values_list("person_id", flat=True))
    for episode in EarlyHelpEpisode.objects.filter(closure_reason="consent_withdrawn"):
        assert episode.consent_withdrawn_on == episode.closure_date


def test_annex_a_list_2_is_built_from_them():
    rows = annex_a.build(TODAY)["List 2"]
    assert rows
    assert all(list(row) == annex_a.HEADERS["List 2"] for row in rows)
    assert any(row["Assessment completion date"] is None for row in rows)
    assert Referral.objects.exists()


def snapshot():
    from people.models import Person

    at = {pk: i for i, pk in enumerate(Person.objects.order_by("pk").values_list("pk", flat=True))}
    return {
        "episodes": sorted(
            (at[p], *rest)
            for p, *rest in EarlyHelpEpisode.objects.values_list(
                "person_id", "route", "start_date", "closure_date", "closure_reason", "consent_given_by"
            )
        ),
        "assessments": sorted(
            (at[p], *rest)
            for p, *rest in EarlyHelpAssessment.objects.values_list(
                "episode__person_id", "start_date", "completed_date", "organisation__name", "late_reason"
            )
        ),
        "leads": sorted(
            (at[p], *rest)
            for p, *rest in LeadPractitioner.objects.values_list(
                "episode__person_id", "user__username", "start_date", "end_date"
            )
        ),
        "reviews": sorted(
            (at[p], *rest)
            for p, *rest in FamilyPlanReview.objects.values_list(
                "plan__episode__person_id", "review_date", "decision", "late_reason"
            )
        ),
    }


def test_the_same_seed_makes_the_same_early_help():
    first = snapshot()
    assert first["episodes"]
    remove()
    generate(CHILDREN, SEED, TODAY)
    second = snapshot()
    for part in first:
        assert first[part] == second[part], part
