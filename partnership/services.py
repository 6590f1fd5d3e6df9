"""The safeguarding partnership's steps, each one transaction that checks everything before it
writes (kernel.rules.RuleBroken with messages by field), audits the change and, where a child is
named, adds to the child's chronology.

Serious incidents (Children Act 2004 s16C; Working Together to Safeguard Children 2023 chapter 5;
process specification 2.20): "the local authority must notify the Child Safeguarding Practice
Review Panel within 5 working days of becoming aware" of a serious incident; the safeguarding
partners then carry out a rapid review, within 15 working days of the notification [U], and
decide whether a local child safeguarding practice review is appropriate, or a national one may
be, and send it to the Panel, which responds. Each due date is counted once, when it is issued,
by the timescale rule in force (kernel.timescales, over the England and Wales bank holidays), and
stored with its explanation; a step taken after it needs the reason (the late-reason pattern of
kernel.deadlines).
"""

import datetime
import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit import services as audit
from chronology.services import record_event
from kernel import timescales
from kernel.rules import Errors, RuleBroken, check_date, long_date
from partners.models import Agency, User
from people.access import shown
from people.models import Identifier, Person

from .models import (
    Arrangements,
    IncidentChild,
    InformationRequest,
    Member,
    PracticeReview,
    RapidReview,
    Recommendation,
    ReviewAccess,
    SeriousIncident,
)

NOTIFICATION = "serious-incident-notification"
RAPID_REVIEW = "rapid-review"
PUBLICATION = "practice-review-publication"
# The identifiers a child in an incident may be given by (people.Identifier types).
CHILD_IDENTIFIERS = (Identifier.Type.NHS, Identifier.Type.LA_CHILD_ID, Identifier.Type.CONSISTENT)


def late_message(rule_name: str, due: datetime.date) -> str:
    """What a step done late without its reason is told (as kernel.deadlines.late_message)."""
    return f"{rule_name} was due by {long_date(due)}: give the reason it is late"


def _late(errors: Errors, field: str, rule_name: str, due: datetime.date | None, on: datetime.date | None, why: str):
    """An error when done after its due date with no reason; the reason to keep otherwise."""
    if due is None or on is None or on <= due:
        return ""
    if not why.strip():
        errors.add(field, late_message(rule_name, due))
    return why.strip()


def _required(errors: Errors, field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, message)
    return value


# --- The arrangements ----------------------------------------------------------------------


@transaction.atomic
def draft_arrangements(user: User, copy_from: Arrangements | None = None, title: str = "") -> Arrangements:
    """A new draft version of the arrangements, copied from another (its members) or empty."""
    number = (Arrangements.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    draft = Arrangements.objects.create(
        title=title or (copy_from.title if copy_from else "Local safeguarding arrangements"),
        version=number,
        area=copy_from.area if copy_from else "",
        summary=copy_from.summary if copy_from else "",
        created_by=user,
    )
    if copy_from is not None:
        for member in copy_from.members.all():
            member.pk, member.arrangements = None, draft
            member.save(force_insert=True)
    audit.record_creation(user, draft, summary=f"Drafted the safeguarding arrangements, version {number}")
    return draft


@transaction.atomic
def publish_arrangements(
    user: User, arrangements: Arrangements, effective_from: datetime.date | None = None
) -> Arrangements:
    """Publish a draft: it replaces the published version from `effective_from` (today by
    default). The arrangements must name the three lead safeguarding partners (the local
    authority, the integrated care board and the chief officer of police), and the education
    and childcare relevant agencies (Children's Wellbeing and Schools Act 2026 s2)."""
    errors = Errors()
    if arrangements.status != Arrangements.Status.DRAFT:
        raise RuleBroken("Only a draft can be published")
    members = list(arrangements.members.all())
    leads = {m.partner for m in members if m.part == m.Part.LEAD_PARTNER}
    missing = [label for value, label in Member.Partner.choices if value not in leads]
    if missing:
        errors.add("__all__", "Name the lead safeguarding partner of: " + ", ".join(m.lower() for m in missing))
    sectors = {m.sector for m in members if m.part == m.Part.RELEVANT_AGENCY}
    for sector, label in (("education", "an education"), ("childcare", "a childcare")):
        if sector not in sectors:
            errors.add("__all__", f"Name {label} relevant agency: they must be in the arrangements")
    for member in members:
        if member.date_to and member.date_to < member.date_from:
            errors.add("__all__", f"{member}: the end date cannot be before the start date")
        if not member.agency_id and not member.organisation.strip():
            errors.add("__all__", f"{member.get_part_display()}: name the agency or organisation")
    errors.raise_if_any()
    effective_from = effective_from or timezone.localdate()
    previous = Arrangements.objects.select_for_update().filter(status=Arrangements.Status.PUBLISHED).first()
    if previous is not None:
        previous.status = Arrangements.Status.SUPERSEDED
        previous.effective_to = effective_from - datetime.timedelta(days=1)
        previous.save(update_fields=["status", "effective_to"])
        audit.record_change(
            user, previous, {"status": ("published", "superseded")}, summary="Superseded the safeguarding arrangements"
        )
    arrangements.status, arrangements.effective_from = Arrangements.Status.PUBLISHED, effective_from
    arrangements.published_by, arrangements.published_at = user, timezone.now()
    arrangements.save(update_fields=["status", "effective_from", "published_by", "published_at"])
    audit.record_change(
        user,
        arrangements,
        {"status": ("draft", "published")},
        summary=f"Published the safeguarding arrangements, version {arrangements.version}",
    )
    return arrangements


# --- Serious incidents ---------------------------------------------------------------------


def _identifier_values(text: str) -> list[str]:
    """The identifiers typed, one a line (or separated by commas), spaces taken out."""
    return [re.sub(r"\s+", "", part) for part in re.split(r"[\n,;]+", text or "") if part.strip()]


def children_named(user: User, identifiers: str, errors: Errors) -> list[Person]:
    """The children the identifiers name (NHS number, local authority child ID or consistent
    identifier), each of whom the user may be shown (people.access.shown). A child not found
    and a child the user may not be named are the same error, which reveals nothing."""
    values = _identifier_values(identifiers)
    if not values:
        errors.add("children", "Enter the NHS number or local authority child ID of each child")
        return []
    found: dict[str, Person] = {}
    rows = Identifier.objects.filter(value__in=values, id_type__in=CHILD_IDENTIFIERS, person__kind=Person.Kind.CHILD)
    for row in rows.select_related("person__merged_into"):
        # A record merged into another keeps its identifiers: the survivor is the child.
        found.setdefault(row.value, row.person.merged_into or row.person)
    visible = shown(user, list(found.values()))
    children: list[Person] = []
    for value in values:
        person = found.get(value)
        if person is None or not visible[person.pk]:
            errors.add("children", f"No child you may name has the identifier {value}")
        elif person not in children:
            children.append(person)
    return children


def _next_reference() -> str:
    year = timezone.localdate().year
    count = SeriousIncident.objects.filter(reference__startswith=f"SI-{year}-").count() + 1
    return f"SI-{year}-{count:03d}"


@transaction.atomic
def record_serious_incident(
    user: User,
    *,
    children: str,
    became_aware_on: datetime.date | None,
    harm: str,
    summary: str,
    incident_on: datetime.date | None = None,
) -> SeriousIncident:
    """A serious incident the local authority has become aware of: a child abused or neglected
    (known or suspected) who died or was seriously harmed (Children Act 2004 s16C(1)). Issues the
    due date of the notification to the Panel: 5 working days from becoming aware."""
    errors = Errors()
    named = children_named(user, children, errors)
    check_date(errors, "became_aware_on", became_aware_on, label="date the local authority became aware")
    check_date(errors, "incident_on", incident_on, label="date of the incident", required=False)
    if incident_on and became_aware_on and incident_on > became_aware_on:
        errors.add("incident_on", "The date of the incident cannot be after the date the local authority became aware")
    if harm not in SeriousIncident.Harm.values:
        errors.add("harm", "Select whether the child died or was seriously harmed")
    summary = _required(errors, "summary", summary, "Enter what happened")
    errors.raise_if_any()
    assert became_aware_on is not None
    due = timescales.due(NOTIFICATION, became_aware_on)
    incident = SeriousIncident.objects.create(
        reference=_next_reference(),
        became_aware_on=became_aware_on,
        incident_on=incident_on,
        harm=harm,
        summary=summary,
        notification_due=due.due_date,
        notification_due_explanation=due.explanation[:600],
        recorded_by=user,
    )
    IncidentChild.objects.bulk_create(IncidentChild(incident=incident, person=child) for child in named)
    for child in named:
        audit.record_creation(user, incident, person=child, summary=f"Recorded serious incident {incident.reference}")
        record_event(
            child,
            "serious-incident",
            timezone.make_aware(datetime.datetime.combine(became_aware_on, datetime.time(12))),
            "Serious incident recorded by the safeguarding partnership",
            detail=f"Reference {incident.reference}",
            source=incident,
            recorded_by=user,
        )
    return incident


def _lock(incident: SeriousIncident) -> SeriousIncident:
    return SeriousIncident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def notify_panel(
    user: User,
    incident: SeriousIncident,
    *,
    notified_on: datetime.date | None,
    notified_by: str,
    late_reason: str = "",
) -> SeriousIncident:
    """Record the notification to the Child Safeguarding Practice Review Panel, due within 5
    working days of the local authority becoming aware (s16C(1)); after that, with the reason.
    Issues the due date of the rapid review: 15 working days from the notification [U]."""
    incident = _lock(incident)
    errors = Errors()
    if incident.notified_on is not None:
        raise RuleBroken("The notification to the Panel has already been recorded")
    check_date(
        errors,
        "notified_on",
        notified_on,
        label="date the Panel was notified",
        not_before=incident.became_aware_on,
        not_before_label="the date the local authority became aware",
    )
    notified_by = _required(errors, "notified_by", notified_by, "Enter who notified the Panel")
    reason = _late(
        errors,
        "late_reason",
        timescales.rule_for(NOTIFICATION, incident.became_aware_on).name,
        incident.notification_due,
        notified_on,
        late_reason,
    )
    errors.raise_if_any()
    assert notified_on is not None
    due = timescales.due(RAPID_REVIEW, notified_on)
    incident.notified_on, incident.notified_by, incident.notification_late_reason = notified_on, notified_by, reason
    incident.rapid_review_due, incident.rapid_review_due_explanation = due.due_date, due.explanation[:600]
    incident.save(
        update_fields=[
            "notified_on",
            "notified_by",
            "notification_late_reason",
            "rapid_review_due",
            "rapid_review_due_explanation",
        ]
    )
    audit.record_change(
        user,
        incident,
        {"notified_on": (None, notified_on)},
        summary=f"Recorded the notification of serious incident {incident.reference} to the Panel",
    )
    return incident


@transaction.atomic
def request_information(
    user: User,
    incident: SeriousIncident,
    *,
    agency: Agency | None,
    question: str,
    due_on: datetime.date | None,
    requested_on: datetime.date | None = None,
) -> InformationRequest:
    """Ask an agency (police, health, education...) what it knew of the child and family, for
    the rapid review, by a date."""
    errors = Errors()
    requested_on = requested_on or timezone.localdate()
    if agency is None:
        errors.add("agency", "Select the agency to ask")
    question = _required(errors, "question", question, "Enter what the agency is asked")
    if due_on is None:
        errors.add("due_on", "Enter the date the answer is due")
    elif due_on < requested_on:
        errors.add("due_on", "The date the answer is due cannot be before the request")
    errors.raise_if_any()
    assert due_on is not None
    assert agency is not None
    request = InformationRequest.objects.create(
        incident=incident,
        agency=agency,
        question=question,
        requested_on=requested_on,
        due_on=due_on,
        requested_by=user,
    )
    audit.record_creation(
        user, request, summary=f"Asked {agency.name} for information on serious incident {incident.reference}"
    )
    return request


def may_answer(user: User, request: InformationRequest) -> bool:
    """A request is answered by practitioners of the agency asked, or recorded by the business
    unit when the answer came another way."""
    if user.role == User.Role.PARTNERSHIP_OFFICER:
        return True
    return user.role == User.Role.PARTNER_PRACTITIONER and user.agency_id == request.agency_id


@transaction.atomic
def answer_information_request(
    user: User,
    request: InformationRequest,
    *,
    status: str,
    answer: str = "",
    answered_on: datetime.date | None = None,
) -> InformationRequest:
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if not may_answer(user, request):
        raise PermissionError("This request was not asked of your agency")
    if request.status != InformationRequest.Status.REQUESTED:
        raise RuleBroken("This request has already been answered")
    errors = Errors()
    answered_on = answered_on or timezone.localdate()
    if status not in (InformationRequest.Status.ANSWERED, InformationRequest.Status.NOTHING_KNOWN):
        errors.add("status", "Select what your agency knows")
    if status == InformationRequest.Status.ANSWERED and not answer.strip():
        errors.add("answer", "Enter the information your agency holds")
    if answered_on < request.requested_on:
        errors.add("answered_on", "The answer cannot be before the request")
    errors.raise_if_any()
    old = request.status
    request.status, request.answer, request.answered_on, request.answered_by = status, answer.strip(), answered_on, user
    request.save(update_fields=["status", "answer", "answered_on", "answered_by"])
    audit.record_change(
        user, request, {"status": (old, status)}, summary=f"Answered an information request ({request.agency.name})"
    )
    return request


@transaction.atomic
def record_rapid_review(
    user: User,
    incident: SeriousIncident,
    *,
    completed_on: datetime.date | None,
    decision: str,
    reasons: str,
    learning: str = "",
    late_reason: str = "",
) -> RapidReview:
    """The rapid review, sent to the Panel with its decision: a local review, a national review
    recommended, or no review, with the reasons (WT2023 chapter 5). Due 15 working days after
    the notification; after that, with the reason."""
    incident = _lock(incident)
    if incident.notified_on is None:
        raise RuleBroken("Record the notification to the Panel first")
    if RapidReview.objects.filter(incident=incident).exists():
        raise RuleBroken("The rapid review has already been recorded")
    errors = Errors()
    check_date(
        errors,
        "completed_on",
        completed_on,
        label="date the rapid review was sent to the Panel",
        not_before=incident.notified_on,
        not_before_label="the notification",
    )
    if decision not in RapidReview.Decision.values:
        errors.add("decision", "Select the rapid review's decision")
    reasons = _required(errors, "reasons", reasons, "Enter the reasons for the decision")
    reason = _late(
        errors,
        "late_reason",
        timescales.rule_for(RAPID_REVIEW, incident.notified_on).name,
        incident.rapid_review_due,
        completed_on,
        late_reason,
    )
    errors.raise_if_any()
    assert completed_on is not None
    review = RapidReview.objects.create(
        incident=incident,
        completed_on=completed_on,
        decision=decision,
        reasons=reasons,
        learning=learning.strip(),
        late_reason=reason,
        recorded_by=user,
    )
    audit.record_creation(user, review, summary=f"Recorded the rapid review of serious incident {incident.reference}")
    return review


@transaction.atomic
def record_panel_response(
    user: User, review: RapidReview, *, response: str, responded_on: datetime.date | None, comments: str = ""
) -> RapidReview:
    """What the Child Safeguarding Practice Review Panel said of the rapid review."""
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    errors = Errors()
    if review.panel_response:
        raise RuleBroken("The Panel's response has already been recorded")
    if response not in RapidReview.PanelResponse.values:
        errors.add("response", "Select the Panel's response")
    check_date(
        errors,
        "responded_on",
        responded_on,
        label="date of the Panel's response",
        not_before=review.completed_on,
        not_before_label="the rapid review",
    )
    errors.raise_if_any()
    review.panel_response, review.panel_responded_on, review.panel_comments = response, responded_on, comments.strip()
    review.save(update_fields=["panel_response", "panel_responded_on", "panel_comments"])
    audit.record_change(user, review, {"panel_response": ("", response)}, summary="Recorded the Panel's response")
    return review


# --- Practice reviews and recommendations -------------------------------------------------


@transaction.atomic
def start_practice_review(
    user: User,
    *,
    kind: str,
    title: str,
    decided_on: datetime.date | None,
    reviewer: str = "",
    terms_of_reference: str = "",
    incident: SeriousIncident | None = None,
) -> PracticeReview:
    """A local child safeguarding practice review the partners decided on (its publication due
    by the local rule, 6 months by default [U]), or a national review whose recommendations
    the partnership adopts."""
    errors = Errors()
    if kind not in PracticeReview.Kind.values:
        errors.add("kind", "Select the kind of review")
    title = _required(errors, "title", title, "Enter the title of the review")
    check_date(errors, "decided_on", decided_on, label="date of the decision")
    if incident is not None and decided_on and incident.became_aware_on > decided_on:
        errors.add("decided_on", "The decision cannot be before the serious incident was known")
    if kind == PracticeReview.Kind.LOCAL and not terms_of_reference.strip():
        errors.add("terms_of_reference", "Enter the terms of reference of the review")
    errors.raise_if_any()
    assert decided_on is not None
    due = timescales.due(PUBLICATION, decided_on) if kind == PracticeReview.Kind.LOCAL else None
    review = PracticeReview.objects.create(
        kind=kind,
        incident=incident,
        title=title,
        reviewer=reviewer.strip(),
        terms_of_reference=terms_of_reference.strip(),
        decided_on=decided_on,
        publication_due=due.due_date if due else None,
        publication_due_explanation=due.explanation[:600] if due else "",
        recorded_by=user,
    )
    audit.record_creation(user, review, summary=f"Recorded the practice review {title}")
    return review


@transaction.atomic
def record_findings(
    user: User,
    review: PracticeReview,
    *,
    findings: str,
    published_on: datetime.date | None = None,
    late_reason: str = "",
) -> PracticeReview:
    """The review's findings and, once it is, the date it was published (after its due date,
    with the reason)."""
    review = PracticeReview.objects.select_for_update().get(pk=review.pk)
    errors = Errors()
    findings = _required(errors, "findings", findings, "Enter the findings of the review")
    check_date(
        errors,
        "published_on",
        published_on,
        label="date of publication",
        required=False,
        not_before=review.decided_on,
        not_before_label="the decision",
    )
    reason = _late(
        errors, "late_reason", "Publication of the review", review.publication_due, published_on, late_reason
    )
    errors.raise_if_any()
    changes: dict[str, tuple[Any, Any]] = {"findings": ("", "recorded")}
    review.findings = findings
    if published_on is not None:
        changes["published_on"] = (review.published_on, published_on)
        review.published_on, review.publication_late_reason = published_on, reason
        review.status = PracticeReview.Status.PUBLISHED
    review.save(update_fields=["findings", "published_on", "publication_late_reason", "status"])
    audit.record_change(user, review, changes, summary=f"Recorded the findings of {review.title}")
    return review


@transaction.atomic
def add_recommendation(
    user: User,
    review: PracticeReview,
    *,
    text: str,
    owner: Agency | None,
    due_on: datetime.date | None,
    actions: str = "",
) -> Recommendation:
    """A recommendation of the review, owned by one agency, with its actions and due date."""
    review = PracticeReview.objects.select_for_update().get(pk=review.pk)
    errors = Errors()
    text = _required(errors, "text", text, "Enter the recommendation")
    if owner is None:
        errors.add("owner", "Select the agency that owns the recommendation")
    if due_on is None:
        errors.add("due_on", "Enter the date the recommendation is due")
    elif due_on < review.decided_on:
        errors.add(
            "due_on", f"The due date cannot be before the review was decided on ({long_date(review.decided_on)})"
        )
    errors.raise_if_any()
    assert owner is not None
    assert due_on is not None
    number = (review.recommendations.aggregate(n=Max("number"))["n"] or 0) + 1
    recommendation = Recommendation.objects.create(
        review=review, number=number, text=text, owner=owner, due_on=due_on, actions=actions.strip()
    )
    audit.record_creation(user, recommendation, summary=f"Added recommendation {number} to {review.title}")
    return recommendation


@transaction.atomic
def update_recommendation(
    user: User,
    recommendation: Recommendation,
    *,
    status: str,
    progress: str = "",
    completed_on: datetime.date | None = None,
) -> Recommendation:
    """Progress on a recommendation: its status, the evidence, and when it was completed."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    errors = Errors()
    if status not in Recommendation.Status.values:
        errors.add("status", "Select the status of the recommendation")
    if status == Recommendation.Status.COMPLETE:
        check_date(
            errors,
            "completed_on",
            completed_on,
            label="date it was completed",
            not_before=recommendation.review.decided_on,
            not_before_label="the review's decision",
        )
        if not progress.strip():
            errors.add("progress", "Enter the evidence that the recommendation is complete")
    elif completed_on is not None:
        errors.add("completed_on", "Give a completion date only for a complete recommendation")
    errors.raise_if_any()
    old = recommendation.status
    recommendation.status, recommendation.progress = status, progress.strip()
    recommendation.completed_on = completed_on if status == Recommendation.Status.COMPLETE else None
    recommendation.save(update_fields=["status", "progress", "completed_on", "updated_at"])
    audit.record_change(
        user,
        recommendation,
        {"status": (old, status)},
        summary=f"Updated recommendation {recommendation.number} of {recommendation.review.title}",
    )
    return recommendation


# --- Time-limited access for a local review --------------------------------------------------------

# The longest a review's access to its children's records lasts: 90 days, as a multi-agency
# audit's [U]; given again if the review needs longer.
REVIEW_ACCESS_DAYS = 90
REVIEW_ACCESS_RESTRICTED = (
    "A child of this review's incident is restricted, and this person is not named on the "
    "restriction: ask the restriction's owner to name them first"
)


@transaction.atomic
def grant_review_access(
    user: User,
    review: PracticeReview,
    *,
    grantee: User | None,
    access_to: datetime.date | None,
    reason: str,
    access_from: datetime.date | None = None,
) -> ReviewAccess:
    """Give a named user (the reviewer's account, most often) the full records of the children
    of a local review's serious incident, from today (or `access_from`) to `access_to`, at most
    90 days. A restricted child refuses it unless the user is named on the restriction (the
    message names no child). Each child's audit trail says who may open the record, until when
    and why."""
    review = PracticeReview.objects.select_for_update().get(pk=review.pk)
    errors = Errors()
    access_from = access_from or timezone.localdate()
    if review.kind != PracticeReview.Kind.LOCAL or review.incident_id is None:
        raise RuleBroken("Only a local review of a serious incident gives access to its children's records")
    if review.status == PracticeReview.Status.PUBLISHED:
        raise RuleBroken("The review has been published: it no longer needs the children's records")
    if grantee is None:
        errors.add("grantee", "Select who is to have access")
    elif not grantee.is_active:
        errors.add("grantee", "That account is not active")
    last = access_from + datetime.timedelta(days=REVIEW_ACCESS_DAYS)
    if access_to is None:
        errors.add("access_to", "Enter the last day of access")
    elif access_to < access_from:
        errors.add("access_to", "The last day of access cannot be before today")
    elif access_to > last:
        errors.add("access_to", f"Access lasts at most {REVIEW_ACCESS_DAYS} days: end it by {long_date(last)}")
    reason = _required(errors, "reason", reason, "Enter why they need the records")
    errors.raise_if_any()
    assert grantee is not None
    assert access_to is not None
    children = list(
        Person.objects.filter(pk__in=IncidentChild.objects.filter(incident_id=review.incident_id).values("person_id"))
    )
    restricted = [p for p in children if p.restricted]
    if restricted and not all(shown(grantee, restricted).values()):
        raise RuleBroken({"grantee": [REVIEW_ACCESS_RESTRICTED]})
    found = ReviewAccess.objects.create(
        review=review,
        user=grantee,
        access_from=access_from,
        access_to=access_to,
        reason=reason[:300],
        granted_by=user,
    )
    audit.record_many(
        audit.entry(
            user,
            "create",
            obj=found,
            person=child.pk,
            summary=(
                f"Gave {grantee.get_full_name() or grantee.username} access to the record for the practice review "
                f"‘{review.title}’, {long_date(access_from)} to {long_date(access_to)}"
            )[:300],
            detail={"user": grantee.pk, "access_to": access_to.isoformat()},
            reason=f"practice review {review.pk}: {reason}"[:300],
        )
        for child in children
    )
    return found


@transaction.atomic
def end_review_access(user: User, access: ReviewAccess) -> ReviewAccess:
    """End a review's access before its last day (from today)."""
    access = ReviewAccess.objects.select_for_update().get(pk=access.pk)
    today = timezone.localdate()
    if access.ended_on is not None or access.access_to < today:
        raise RuleBroken("This access has already ended")
    access.ended_on = today
    access.save(update_fields=["ended_on"])
    audit.record_change(
        user, access, {"ended_on": (None, today)}, summary=f"Ended access to the records for ‘{access.review.title}’"
    )
    return access
