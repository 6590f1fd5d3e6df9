"""The reads behind the training pages, and `training_figures` for the partnership's yearly report."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet, Sum

from partners.models import Agency

from .models import TrainingAttendance, TrainingCourse, TrainingSession, TrainingTopic


def topics(active_only: bool = True) -> QuerySet[TrainingTopic]:
    found = TrainingTopic.objects.all()
    return found.filter(active=True) if active_only else found


def agencies() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")


def courses() -> QuerySet[TrainingCourse]:
    return TrainingCourse.objects.select_related("topic").annotate(session_count=Count("sessions"))


def course(course_id: int) -> TrainingCourse | None:
    return TrainingCourse.objects.select_related("topic").filter(pk=course_id).first()


def session(session_id: int) -> TrainingSession | None:
    return TrainingSession.objects.select_related("course", "course__topic").filter(pk=session_id).first()


def _in_period(field: str, date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    found = Q()
    if date_from is not None:
        found &= Q(**{f"{field}__gte": date_from})
    if date_to is not None:
        found &= Q(**{f"{field}__lte": date_to})
    return found


def sessions(
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    course: TrainingCourse | None = None,
) -> QuerySet[TrainingSession]:
    found = (
        TrainingSession.objects.filter(_in_period("held_on", date_from, date_to))
        .select_related("course", "course__topic")
        .annotate(attended=Sum("attendance__attended", default=0))
    )
    return found.filter(course=course) if course is not None else found


def attendance_of(session: TrainingSession) -> list[TrainingAttendance]:
    return list(session.attendance.select_related("agency"))


def attendance_by_agency(date_from: datetime.date | None = None, date_to: datetime.date | None = None):
    """(agency name, number attended) for the sessions held in the period, most first."""
    rows = (
        TrainingAttendance.objects.filter(_in_period("session__held_on", date_from, date_to))
        .values("agency__name", "agency_id")
        .annotate(n=Sum("attended"))
        .order_by("-n", "agency__name")
    )
    return [(row["agency__name"], row["n"]) for row in rows]


@dataclass(frozen=True)
class TopicFigures:
    topic: str
    sessions: int
    places: int
    attended: int


@dataclass(frozen=True)
class TrainingFigures:
    """Counts of the training delivered in a period (the yearly report suppresses small numbers
    itself) and the evaluation averages (None where no session in the period was evaluated)."""

    date_from: datetime.date
    date_to: datetime.date
    sessions: int
    places: int
    attended: int
    by_agency: list[tuple[str, int]]
    by_topic: list[TopicFigures]
    evaluated: int
    confidence_before: Decimal | None
    confidence_after: Decimal | None


def _two_places(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def training_figures(date_from: datetime.date, date_to: datetime.date) -> TrainingFigures:
    """The multi-agency training held in a period, for the yearly report: the sessions, their
    places and attendance, attendance by agency and by topic (topics with a session), and the
    average confidence before and after over the sessions evaluated (each session counts once,
    whatever its size)."""
    held = TrainingSession.objects.filter(held_on__gte=date_from, held_on__lte=date_to)
    totals = held.aggregate(n=Count("id"), places=Sum("places", default=0))
    attended = TrainingAttendance.objects.filter(session__in=held).aggregate(n=Sum("attended", default=0))["n"] or 0
    places_by_topic = {
        row["course__topic__name"]: row
        for row in held.values("course__topic__name", "course__topic__order")
        .annotate(sessions=Count("id"), places=Sum("places"))
        .order_by("course__topic__order", "course__topic__name")
    }
    attended_by_topic = dict(
        TrainingAttendance.objects.filter(session__in=held)
        .values("session__course__topic__name")
        .annotate(n=Sum("attended"))
        .values_list("session__course__topic__name", "n")
    )
    by_topic = [
        TopicFigures(name, row["sessions"], row["places"], attended_by_topic.get(name, 0))
        for name, row in places_by_topic.items()
    ]
    evaluation = held.filter(Q(confidence_before__isnull=False) | Q(confidence_after__isnull=False)).aggregate(
        n=Count("id"), before=Avg("confidence_before"), after=Avg("confidence_after")
    )
    return TrainingFigures(
        date_from=date_from,
        date_to=date_to,
        sessions=totals["n"],
        places=totals["places"],
        attended=attended,
        by_agency=attendance_by_agency(date_from, date_to),
        by_topic=by_topic,
        evaluated=evaluation["n"],
        confidence_before=_two_places(evaluation["before"]),
        confidence_after=_two_places(evaluation["after"]),
    )
