"""Reads of Family Help: the referrals waiting for allocation, what a child in need plan may start
from, whether a plan is open and what followed a referral, and what the child's case page and a
plan's page show. Writes are in familyhelp.services."""

import datetime
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from frontdoor.models import Referral
from kernel.models import Deadline
from partners.models import User
from people.access import shown_filter
from people.models import Involvement, Person
from people.services import RECORDED_INVOLVEMENT

from .models import Allocation, Assessment, AssessmentFactor, ChildInNeedPlan, PlanOutcome, Visit

# The closure of a referral that led to no further action: "RC7 services ceased for any other
# reason, including the child no longer being in need". Not RC8 or RC9, which say an assessment
# was done (8825Q), while a referral with no further action has none (8831).
NO_FURTHER_ACTION_REASON = "RC7"


def waiting_for_allocation(user: User) -> QuerySet[Referral]:
    """Open episodes with no current allocation that this user's team holds (the front door
    that referred them, or a team given the referral), oldest referral first; every open one
    for a head of service. Restricted children the user is not named on are left out."""
    allocated = Allocation.objects.filter(episode=OuterRef("pk"), end_date__isnull=True)
    found = Referral.objects.filter(closure_date__isnull=True).exclude(Exists(allocated))
    if getattr(user, "role", None) != User.Role.HEAD_OF_SERVICE:
        if user.team_id:
            today = timezone.localdate()
            # Having recorded the child by hand (people.services.RECORDED_INVOLVEMENT) is not holding
            # their referral.
            held = (
                Involvement.objects.filter(person=OuterRef("person_id"), team_id=user.team_id)
                .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
                .exclude(kind=RECORDED_INVOLVEMENT)
            )
            found = found.filter(Exists(held))
        else:
            found = found.none()
    found = found.filter(shown_filter(user, "person"))  # a restricted child only for its named users
    return found.select_related("person").order_by("referral_date", "id")


def is_open_plan(model: Any, episode: Referral) -> bool:
    """Whether the episode has a plan of this kind (child in need, child protection) not ended."""
    return model.objects.filter(episode=episode, end_date__isnull=True).exists()


def further_action(episode: Referral) -> str:
    """What followed the referral, by name ("" when nothing did). The DfE's CIN census rules say
    what a referral with no further action (ReferralNFA 1) cannot have: an assessment, a section 47
    enquiry or an initial conference (8831), a child in need plan (4000), a child protection plan
    (8832). A strategy discussion, a period of care and pre-proceedings are further action too."""
    for name, found in (
        ("an assessment", episode.assessments),
        ("a strategy discussion", episode.strategy_discussions),
        ("a section 47 enquiry", episode.section47_enquiries),
        ("a conference", episode.conferences),
        ("a child in need plan", episode.cin_plans),
        ("a child protection plan", episode.cp_plans),
        ("a period of care", episode.periods_of_care),
        ("pre-proceedings", episode.pre_proceedings),
    ):
        if found.exists():
            return name
    return ""


def led_to_no_further_action(episode: Referral, reason: str) -> bool:
    """A referral with no further action (CIN census ReferralNFA): closed RC7 with nothing after
    the referral (further_action)."""
    return reason == NO_FURTHER_ACTION_REASON and not further_action(episode)


def plan_basis(episode: Referral) -> datetime.date | None:
    """The date a child in need plan may start from: an authorised assessment, or a
    conference that decided no child protection plan (or ended one). None if neither."""
    dates = list(
        episode.assessments.filter(status=Assessment.Status.AUTHORISED).values_list("authorised_date", flat=True)
    )
    dates += list(
        episode.conferences.filter(decision__in=["no_plan", "end"]).values_list("conference__held_on", flat=True)
    )
    dates += list(episode.cp_plans.filter(end_date__isnull=False).values_list("end_date", flat=True))
    return min(cast(list[datetime.date], dates)) if dates else None


# --- The child's case page ----------------------------------------------------------------


def episodes_of(person: Person) -> list[Referral]:
    """The child's child in need episodes, latest referral first."""
    return list(Referral.objects.filter(person=person).order_by("-referral_date", "-id"))


def met_late(person: Person) -> list[Deadline]:
    """The child's due dates met late, latest first."""
    return list(
        Deadline.objects.filter(person=person, status=Deadline.Status.MET, late=True).order_by("-done_on", "-id")
    )


def assessments_of(episode: Referral) -> list[Assessment]:
    """The episode's assessments, with their workers and factors."""
    return list(
        episode.assessments.select_related("worker", "authorised_by").prefetch_related(
            Prefetch("factors", queryset=AssessmentFactor.objects.order_by("id"))
        )
    )


def cin_plans_of(episode: Referral) -> list[ChildInNeedPlan]:
    """The episode's child in need plans, with their outcomes."""
    return list(episode.cin_plans.prefetch_related(Prefetch("outcomes", queryset=PlanOutcome.objects.order_by("id"))))


def latest_visits(episode: Referral, count: int) -> list[Visit]:
    """The episode's latest visits (the model's order), with who made them."""
    return list(episode.visits.select_related("visited_by")[:count])


def strategy_discussions_of(episode: Referral) -> list[Model]:
    """The episode's links to strategy discussions (childprotection.StrategyDiscussionChild), latest first."""
    return list(episode.strategy_discussions.all().select_related("discussion").order_by("-discussion__held_at", "-id"))


def enquiries_of(episode: Referral) -> list[Model]:
    """The episode's section 47 enquiries, latest first."""
    return list(episode.section47_enquiries.order_by("-start_date", "-id"))


def conferences_of(episode: Referral) -> list[Model]:
    """The episode's links to child protection conferences (childprotection.ConferenceChild), latest first."""
    return list(episode.conferences.all().select_related("conference").order_by("-conference__held_on", "-id"))


def cp_plans_of(episode: Referral) -> list[Model]:
    """The episode's child protection plans, latest first."""
    return list(episode.cp_plans.order_by("-start_date", "-id"))


def on_child_protection_plan(episode: Referral) -> bool:
    """Whether the episode's child protection plan has not ended."""
    return episode.cp_plans.filter(end_date__isnull=True).exists()


def open_period_of_care(episode: Referral) -> Model | None:
    """The episode's period of care that has not ended, or None."""
    return episode.periods_of_care.filter(end_date__isnull=True).first()


def periods_of_care(person: Person) -> list[Model]:
    """The child's periods of care, latest first."""
    return list(person.periods_of_care.order_by("-start_date"))


def open_assessment_dues(episodes: list[Referral], rule_slug: str) -> dict[int, Deadline]:
    """{episode id: its open assessment due date} for the episodes, in one query."""
    found = Deadline.objects.filter(episode__in=episodes, rule_slug=rule_slug, status=Deadline.Status.OPEN)
    return {d.episode_id: d for d in found if d.episode_id is not None}  # all of them: found by episode


# --- A child in need plan -----------------------------------------------------------------


def plan_deadlines(plan: ChildInNeedPlan) -> list[Deadline]:
    """The plan's due dates (reviews, visits), soonest first."""
    subject_type = ContentType.objects.get_for_model(ChildInNeedPlan)
    return list(Deadline.objects.filter(subject_type=subject_type, subject_id=plan.pk).order_by("due_date", "id"))


def plan_visits(plan: ChildInNeedPlan, count: int) -> list[Visit]:
    """The child in need visits made while the plan was open (the latest `count`)."""
    visits = plan.episode.visits.filter(kind=Visit.Kind.CHILD_IN_NEED, visit_date__gte=plan.start_date)
    if plan.end_date:
        visits = visits.filter(visit_date__lte=plan.end_date)
    return list(visits.select_related("visited_by")[:count])
