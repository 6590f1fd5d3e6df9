"""Reads of early help: a child's early help and the open one, the lead practitioner now, what a
lead leads, the family plan and assessment in progress or done, the referrals a step-up led to
and the children's due dates. Writes (and who may see or change early help) are in services."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet

from familyhelp.models import (
    EarlyHelpAssessment,
    EarlyHelpChild,
    EarlyHelpEpisode,
    FamilyPlan,
    FamilyPlanOutcome,
    LeadPractitioner,
)
from frontdoor.models import Contact, ContactDecision, Referral
from kernel.models import Deadline
from partners.models import User
from people.models import Person


def current_lead(episode: EarlyHelpEpisode) -> LeadPractitioner | None:
    """The lead practitioner now (None between leads)."""
    return (
        LeadPractitioner.objects.filter(episode=episode, end_date__isnull=True)
        .select_related("user", "agency")
        .order_by("-start_date", "-id")
        .first()
    )


def open_episode_of(person: Person) -> EarlyHelpEpisode | None:
    """The child's early help not closed, or None."""
    return EarlyHelpEpisode.objects.filter(children__person=person, closure_date__isnull=True).first()


def episodes_of(person: Person) -> QuerySet[EarlyHelpEpisode]:
    """The child's early help, latest first."""
    return EarlyHelpEpisode.objects.filter(children__person=person).order_by("-start_date", "-id")


def led_by(user: User) -> QuerySet[EarlyHelpEpisode]:
    """The open early help this user leads now, oldest first."""
    return (
        EarlyHelpEpisode.objects.filter(closure_date__isnull=True, leads__user=user, leads__end_date__isnull=True)
        .distinct()
        .order_by("start_date", "id")
    )


def open_plan(episode: EarlyHelpEpisode) -> FamilyPlan | None:
    """The family plan not ended, or None."""
    return FamilyPlan.objects.filter(episode=episode, end_date__isnull=True).first()


def assessment_in_progress(episode: EarlyHelpEpisode) -> EarlyHelpAssessment | None:
    """The early help assessment not completed yet, or None."""
    return EarlyHelpAssessment.objects.filter(episode=episode, completed_date__isnull=True).first()


def completed_assessment(episode: EarlyHelpEpisode) -> EarlyHelpAssessment | None:
    """The latest completed early help assessment, or None."""
    return (
        EarlyHelpAssessment.objects.filter(episode=episode, completed_date__isnull=False)
        .order_by("-completed_date", "-id")
        .first()
    )


def linked_referrals(episode: EarlyHelpEpisode) -> QuerySet[Referral]:
    """The referrals the front door opened from the contact that stepped this early help up."""
    if episode.step_up_contact_id is None:
        return Referral.objects.none()
    return Referral.objects.filter(contact_id=episode.step_up_contact_id).select_related("person")


def child_due_dates(episode: EarlyHelpEpisode) -> QuerySet[Deadline]:
    """The open due dates of the episode's children (assessment, plan reviews)."""
    rows = list(EarlyHelpChild.objects.filter(episode=episode).values_list("pk", flat=True))
    return (
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(EarlyHelpChild),
            subject_id__in=rows,
            status=Deadline.Status.OPEN,
        )
        .select_related("person")
        .order_by("due_date", "id")
    )


# --- The pages ----------------------------------------------------------------------------


def children_of(episode: EarlyHelpEpisode) -> list[EarlyHelpChild]:
    """The episode's children, in the order they joined it."""
    return list(EarlyHelpChild.objects.filter(episode=episode).order_by("id"))


def latest_assessment(episode: EarlyHelpEpisode) -> EarlyHelpAssessment | None:
    """The episode's latest early help assessment, with the organisation completing it."""
    return episode.assessments.select_related("organisation").order_by("-start_date", "-id").first()


def decision_of(contact: Contact) -> ContactDecision | None:
    """The front door's decision on the contact, or None."""
    return ContactDecision.objects.filter(contact=contact).first()


def started_from_contact(contact: Contact) -> bool:
    """Whether early help was started from this contact already."""
    return EarlyHelpEpisode.objects.filter(contact=contact).exists()


def stepped_down_from(referral: Referral) -> bool:
    """Whether early help was started already from this Family Help episode (stepped down)."""
    return EarlyHelpEpisode.objects.filter(stepped_down_from=referral).exists()


def leads_of(episode: EarlyHelpEpisode) -> list[LeadPractitioner]:
    """The episode's lead practitioners, latest first."""
    return list(episode.leads.select_related("user", "agency").order_by("-start_date", "-id"))


def assessments_of(episode: EarlyHelpEpisode) -> list[EarlyHelpAssessment]:
    """The episode's early help assessments, latest first."""
    return list(episode.assessments.select_related("organisation", "assessor").order_by("-start_date", "-id"))


def plans_of(episode: EarlyHelpEpisode) -> list[FamilyPlan]:
    """The episode's family plans, latest first, with their outcomes and reviews."""
    return list(
        episode.plans.prefetch_related(
            Prefetch("outcomes", queryset=FamilyPlanOutcome.objects.order_by("id")), "reviews__recorded_by"
        ).order_by("-start_date", "-id")
    )
