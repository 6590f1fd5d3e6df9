"""Multi-agency training: courses, the sessions delivered and who came, by agency. Each step is
one transaction that checks everything before it writes (kernel.rules.RuleBroken with messages
by field) and audits the change: a session with its attendance is saved whole or not at all.

The attendance of a session cannot be more than its places (keep it simple: an error, not a
warning to confirm)."""

import datetime
from collections.abc import Collection, Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from audit import services as audit
from kernel.rules import Errors, check_date
from partners.models import Agency, User

from .models import TrainingAttendance, TrainingCourse, TrainingSession, TrainingTopic

CONFIDENCE_LOW, CONFIDENCE_HIGH = Decimal(1), Decimal(5)

#: One row of a session's attendance: the agency and how many came from it (None where blank).
Row = tuple[Agency | None, int | None]


def _required(errors: Errors, field: str, value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, message)
    return value


@transaction.atomic
def add_course(user: User, *, title: str, topic: TrainingTopic | None, description: str = "") -> TrainingCourse:
    errors = Errors()
    title = _required(errors, "title", title, "Enter the course's title")
    if topic is None or not topic.active:
        errors.add("topic", "Select the course's topic")
    errors.raise_if_any()
    assert topic is not None
    course = TrainingCourse.objects.create(
        title=title, topic=topic, description=(description or "").strip(), recorded_by=user
    )
    audit.record_creation(user, course, summary=f"Added the training course {title}")
    return course


def _check_rows(errors: Errors, rows: Sequence[Row], *, field: str = "attendance", already: Collection[int] = ()):
    """The rows given (blank rows skipped), each an agency with a number of 1 or more, no agency
    twice; the error of row n goes to `field`_n."""
    kept: list[tuple[Agency, int]] = []
    seen = set(already)
    for number, (agency, attended) in enumerate(rows, start=1):
        if agency is None and attended in (None, 0):
            continue
        key = f"{field}_{number}"
        if agency is None:
            errors.add(key, f"Row {number}: select the agency the attendees came from")
        elif attended is None or attended < 1:
            errors.add(key, f"Row {number}: enter how many came from {agency.name}, a whole number of 1 or more")
        elif agency.pk in seen:
            errors.add(key, f"Row {number}: {agency.name} is already counted: give each agency once")
        else:
            seen.add(agency.pk)
            kept.append((agency, attended))
    return kept


def _check_confidence(errors: Errors, field: str, value: Decimal | None, label: str) -> None:
    if value is not None and not CONFIDENCE_LOW <= value <= CONFIDENCE_HIGH:
        errors.add(field, f"The average confidence {label} must be between 1 and 5")


def _over_places(errors: Errors, field: str, total: int, places: int) -> None:
    if total > places:
        errors.add(
            field,
            f"{total} attended but the session had {places} places: attendance cannot be more than the places",
        )


@transaction.atomic
def record_session(
    user: User,
    course: TrainingCourse,
    *,
    held_on: datetime.date | None,
    mode: str,
    places: int | None,
    attendance: Sequence[Row] = (),
    confidence_before: Decimal | None = None,
    confidence_after: Decimal | None = None,
    token: str = "",
) -> TrainingSession:
    """A session of a course delivered, with the attendance by agency: all of it is saved, or none.
    The same page sent twice (its `token`) keeps one session: the second answers the first."""
    token = (token or "").strip()
    if token:
        earlier = TrainingSession.objects.filter(form_token=token).first()
        if earlier is not None:
            return earlier
    errors = Errors()
    check_date(errors, "held_on", held_on, label="date of the session")
    if mode not in TrainingSession.Mode.values:
        errors.add("mode", "Select how the session was delivered")
    if places is None or places < 1:
        errors.add("places", "Enter the number of places, a whole number of 1 or more")
    _check_confidence(errors, "confidence_before", confidence_before, "before")
    _check_confidence(errors, "confidence_after", confidence_after, "after")
    kept = _check_rows(errors, attendance)
    if places:
        _over_places(errors, "attendance", sum(n for _, n in kept), places)
    errors.raise_if_any()
    assert places is not None
    assert held_on is not None
    try:
        with transaction.atomic():
            session = TrainingSession.objects.create(
                course=course,
                held_on=held_on,
                mode=mode,
                places=places,
                confidence_before=confidence_before,
                confidence_after=confidence_after,
                form_token=token or None,
                recorded_by=user,
            )
    except IntegrityError:  # the same page sent twice at once: the other one was kept
        earlier = TrainingSession.objects.filter(form_token=token).first() if token else None
        if earlier is None:
            raise
        return earlier
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(session=session, agency=agency, attended=attended) for agency, attended in kept]
    )
    audit.record_creation(
        user,
        session,
        summary=f"Recorded a session of {course.title}, attended by {sum(n for _, n in kept)}",
    )
    return session


@transaction.atomic
def record_attendance(user: User, session: TrainingSession, *, attendance: Sequence[Row]) -> list[TrainingAttendance]:
    """Add agencies' attendance to a session already recorded: all the rows, or none. An agency
    already counted is refused (its number is kept as it was), and the whole cannot pass the
    places."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    existing = list(session.attendance.all())
    errors = Errors()
    kept = _check_rows(errors, attendance, already={a.agency_id for a in existing})
    if not kept and not errors:
        errors.add("attendance_1", "Enter the attendance of at least one agency")
    total = sum(a.attended for a in existing) + sum(n for _, n in kept)
    _over_places(errors, "attendance", total, session.places)
    errors.raise_if_any()
    made = TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(session=session, agency=agency, attended=attended) for agency, attended in kept]
    )
    audit.record(
        user,
        "update",
        obj=session,
        summary=f"Recorded the attendance at {session}: {sum(n for _, n in kept)} more",
        detail={"attendance": {agency.name: attended for agency, attended in kept}},
    )
    return made


def total_attended(session: TrainingSession) -> int:
    return session.attendance.aggregate(n=Sum("attended"))["n"] or 0
