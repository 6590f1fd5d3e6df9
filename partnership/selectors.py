"""The reads behind the partnership's pages. Children named in an incident come with whether the
user may be named them (people.access.shown) and how much of their record they may open
(people.access.levels): the business unit and the scrutineer may open none, so they see a name
only; a head of service sees a link to the record."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from partners.access import RECORD_READERS
from partners.models import Agency, User
from people.access import GRANTEE_ROLES, Level, levels, shown

from .models import (
    Arrangements,
    IncidentChild,
    InformationRequest,
    PracticeReview,
    RapidReview,
    Recommendation,
    ReviewAccess,
    SeriousIncident,
)


def published_arrangements() -> Arrangements | None:
    return Arrangements.objects.filter(status=Arrangements.Status.PUBLISHED).first()


def arrangements_version(arrangements_id: int) -> Arrangements | None:
    """A published or superseded version (a draft is not public)."""
    return Arrangements.objects.exclude(status=Arrangements.Status.DRAFT).filter(pk=arrangements_id).first()


def other_versions(arrangements: Arrangements | None) -> list[Arrangements]:
    found = Arrangements.objects.exclude(status=Arrangements.Status.DRAFT)
    if arrangements is not None:
        found = found.exclude(pk=arrangements.pk)
    return list(found)


def members(arrangements: Arrangements) -> list:
    return list(arrangements.members.select_related("agency"))


def incidents() -> QuerySet[SeriousIncident]:
    return SeriousIncident.objects.select_related("rapid_review").annotate(
        open_requests=Count("requests", filter=Q(requests__status=InformationRequest.Status.REQUESTED))
    )


def incident(incident_id: int) -> SeriousIncident | None:
    return SeriousIncident.objects.filter(pk=incident_id).first()


@dataclass(frozen=True)
class ChildNamed:
    """A child in an incident as the user may see them: named (or withheld), and linked to the
    record only for a user who may open it."""

    person_id: int
    name: str
    withheld: bool
    may_open: bool


def children_of(user: User, incident: SeriousIncident) -> list[ChildNamed]:
    links = list(IncidentChild.objects.filter(incident=incident).select_related("person"))
    people = [link.person for link in links]
    visible = shown(user, people)
    opened = levels(user, people)
    return [
        ChildNamed(
            person_id=person.pk,
            name=person.full_name if visible[person.pk] else "",
            withheld=not visible[person.pk],
            may_open=visible[person.pk] and opened[person.pk] == Level.FULL,
        )
        for person in people
    ]


def requests_of(incident: SeriousIncident) -> list[InformationRequest]:
    return list(incident.requests.select_related("agency"))


def requests_for_agency(user: User) -> QuerySet[InformationRequest]:
    """The open requests addressed to the user's agency."""
    if user.agency_id is None:
        return InformationRequest.objects.none()
    return (
        InformationRequest.objects.filter(agency_id=user.agency_id, status=InformationRequest.Status.REQUESTED)
        .select_related("incident", "agency")
        .order_by("due_on", "id")
    )


def information_request(request_id: int) -> InformationRequest | None:
    return InformationRequest.objects.select_related("incident", "agency").filter(pk=request_id).first()


def reviews() -> QuerySet[PracticeReview]:
    return PracticeReview.objects.select_related("incident").annotate(
        recommendation_count=Count("recommendations", distinct=True),
        complete_count=Count(
            "recommendations", filter=Q(recommendations__status=Recommendation.Status.COMPLETE), distinct=True
        ),
    )


def review(review_id: int) -> PracticeReview | None:
    return PracticeReview.objects.select_related("incident").filter(pk=review_id).first()


def recommendations_of(review: PracticeReview) -> list[Recommendation]:
    return list(review.recommendations.select_related("owner"))


def recommendation(recommendation_id: int) -> Recommendation | None:
    return Recommendation.objects.select_related("review", "owner").filter(pk=recommendation_id).first()


@dataclass(frozen=True)
class Tracker:
    """Every recommendation with whether it is overdue, and the counts by status."""

    rows: list[tuple[Recommendation, bool]]
    total: int
    complete: int
    in_progress: int
    not_started: int
    overdue: int


def tracker(today: datetime.date | None = None, owner: Agency | None = None) -> Tracker:
    today = today or timezone.localdate()
    found = Recommendation.objects.select_related("review", "owner").order_by("due_on", "review_id", "number")
    if owner is not None:
        found = found.filter(owner=owner)
    rows = [(r, r.status != Recommendation.Status.COMPLETE and r.due_on < today) for r in found]
    by_status = [r.status for r, _ in rows]
    return Tracker(
        rows=rows,
        total=len(rows),
        complete=by_status.count(Recommendation.Status.COMPLETE),
        in_progress=by_status.count(Recommendation.Status.IN_PROGRESS),
        not_started=by_status.count(Recommendation.Status.NOT_STARTED),
        overdue=sum(1 for _, late in rows if late),
    )


def agencies() -> QuerySet[Agency]:
    """The agencies a request or a recommendation may name."""
    return Agency.objects.order_by("name")


def rapid_review_of(incident: SeriousIncident) -> RapidReview | None:
    return RapidReview.objects.filter(incident=incident).first()


def practice_reviews_of(incident: SeriousIncident) -> list[PracticeReview]:
    return list(incident.practice_reviews.all())


def granted_review_children(user: User, today: datetime.date | None = None) -> QuerySet[IncidentChild]:
    """The children (rows with a `person`) of the local reviews that give this user their full
    record today (or on `today`) (ReviewAccess, from its first day to its last, unless ended):
    registered with people.access as a time-limited grant."""
    today = today or timezone.localdate()
    return IncidentChild.objects.filter(
        incident__practice_reviews__access__user=user,
        incident__practice_reviews__access__access_from__lte=today,
        incident__practice_reviews__access__access_to__gte=today,
        incident__practice_reviews__access__ended_on__isnull=True,
    )


def review_access(review: PracticeReview) -> list[ReviewAccess]:
    return list(review.access.select_related("user", "granted_by").order_by("-access_to", "-id"))


def review_access_grant(access_id: int) -> ReviewAccess | None:
    return ReviewAccess.objects.select_related("review").filter(pk=access_id).first()


def grantees() -> QuerySet[User]:
    """Who may be given a review's access: active accounts of the roles that may be granted a
    record (the partnership's readers and those who read children's records)."""
    return User.objects.filter(is_active=True, role__in=GRANTEE_ROLES | RECORD_READERS).order_by(
        "last_name", "first_name"
    )
