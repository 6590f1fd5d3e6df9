"""The review pages (rule `linkage_review`: front-door practitioners and managers and the head of
service, local authority): the queue of partners' records the model could not link on its own,
one record beside the children it may be, with the weight of each comparison as a waterfall
chart and the reasons in words, the decision, and the model's accuracy against the decisions.

Every view is audited; a record that names a child the user may not be shown is the audited
"not found" (linkage.review.selectors)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from audit import services as audit
from kernel import charts
from kernel.access import rule
from kernel.casestep import Success, succeeded, take_step
from kernel.concurrency import EditConflict
from kernel.rules import long_date
from people.access import Level, RecordNotVisible, record_or_not_visible
from people.models import Person

from ..models import LinkDecision, PartnerRecord
from . import selectors, services
from .forms import DecisionForm

if TYPE_CHECKING:
    from kernel.access import SignedInRequest

State = PartnerRecord.ReviewState
SHOWS = {"review": State.REVIEW, "escalated": State.ESCALATED, "sign_off": State.SIGN_OFF}


@rule("linkage_review")
def queue(request: SignedInRequest) -> HttpResponse:
    """The records waiting for a reviewer, oldest first."""
    user = request.user
    show = request.GET.get("show", "")
    waiting = selectors.waiting(user)
    counts = selectors.waiting_counts(waiting)
    listed = waiting.filter(review_state=SHOWS[show]) if show in SHOWS else waiting
    page = Paginator(listed, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.queue_rows(list(page.object_list))
    audit.record(
        user,
        "view",
        summary="Viewed the partner records waiting for review",
        detail={"show": show or "all", "page": page.number, "records": [row.record.pk for row in rows]},
    )
    return render(
        request,
        "linkage/queue.html",
        {
            "rows": rows,
            "page": page,
            "show": show if show in SHOWS else "",
            "counts": counts,
            "total": sum(counts.values()),
            "page_query": f"show={show}&" if show in SHOWS else "",
        },
    )


def _choice(candidate: selectors.Candidate) -> str:
    born = long_date(candidate.person.date_of_birth) or "date of birth not known"
    return f"{candidate.person.full_name}, born {born} (match weight {charts.signed(candidate.weight)})"


def _chart(candidate: selectors.Candidate, review: selectors.Review, number: int) -> charts.Chart | None:
    marks = []
    if review.thresholds is not None:
        marks = [
            charts.Mark(f"Linked automatically from {review.thresholds.upper:g}", review.thresholds.upper),
            charts.Mark(f"Reviewed from {review.thresholds.lower:g}", review.thresholds.lower),
        ]
    steps = [charts.Step(reason.label, reason.weight) for reason in candidate.reasons]
    return charts.waterfall(
        f"weights-{number}",
        f"How the match weight of {candidate.person.full_name} adds up",
        steps,
        "Match weight",
        marks,
    )


def _audit_view(request: SignedInRequest, review: selectors.Review) -> None:
    people: list[Person | None] = [*review.people] or [None]
    audit.record_many(
        audit.entry(
            request.user,
            "view",
            obj=review.record,
            person=person,
            summary="Viewed a partner record to decide which child it is",
            detail={"candidates": [p.pk for p in review.people]},
        )
        for person in people
    )


def _message(decision: LinkDecision) -> str:
    who = decision.person.full_name if decision.person is not None else ""
    return {
        LinkDecision.Outcome.LINKED: f"Record linked to {who}",
        LinkDecision.Outcome.AWAITING_SIGN_OFF: f"Link to {who} proposed: a second reviewer must sign it off",
        LinkDecision.Outcome.NOT_A_MATCH: f"Recorded that the record is not {who}",
        LinkDecision.Outcome.NEW_PERSON: f"{who} recorded as a new child, and the record linked to them",
        LinkDecision.Outcome.ESCALATED: "Record escalated to a manager",
    }.get(LinkDecision.Outcome(decision.outcome), "Decision saved")


def _not_possible(review: selectors.Review, user: Any) -> str:
    if review.state not in selectors.WAITING:
        return "This record is not waiting for a decision."
    if review.state == State.ESCALATED and not selectors.is_manager(user):
        return "This record was escalated: a manager decides it."
    return ""


class _NotPossible(Exception):
    """The record cannot be decided by this user now (the page says why)."""


@rule("linkage_review")
def record(request: SignedInRequest, partner_record_id: int) -> HttpResponse:
    """One partner record beside its candidates; the decision."""
    user = request.user
    found = record_or_not_visible(PartnerRecord, partner_record_id, "agency", "submission", "run")
    loaded = selectors.review(user, found)
    if loaded is None:
        raise RecordNotVisible(None, str(partner_record_id), Level.INDEX)
    review: selectors.Review = loaded
    conflict: LinkDecision | None = None
    status = 200

    def form_for(data: Any = None) -> DecisionForm:
        return DecisionForm(
            data,
            candidates=[(str(c.person.pk), _choice(c)) for c in review.candidates],
            sign_off=review.proposal is not None,
            escalate=review.state != State.ESCALATED,
            initial={
                "version": review.record.version,
                "person": str(review.candidates[0].person.pk) if review.candidates else "",
            },
        )

    form = form_for(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["version"] != review.record.version:
                raise EditConflict(review.record)  # decided (or sent again) since the page was shown
            if _not_possible(review, user):
                status = 400
                raise _NotPossible
            done, decision = take_step(
                form,
                lambda data: services.decide(
                    user,
                    review.record,
                    decision=data.get("decision") or "",
                    person_id=data.get("person") or "",
                    reason=data.get("reason") or "",
                    version=data["version"],
                ),
            )
        except EditConflict:
            # Someone decided first: nothing was written. Show the record as it is now, with
            # what they decided, and this reviewer's input kept.
            audit.record(user, "conflict", obj=review.record, summary="Decision refused: the record changed meanwhile")
            refreshed = PartnerRecord.objects.select_related("agency", "submission", "run").get(pk=found.pk)
            review = selectors.review(user, refreshed) or review
            conflict = review.current
            kept = request.POST.copy()
            kept["version"] = str(review.record.version)
            form = form_for(kept)
            form.is_valid()
            status = 409
        except _NotPossible:
            pass
        else:
            if done and decision is not None:
                return succeeded(request, Success(_message(decision), reverse("linkage:queue")))
            status = 400
    elif request.method == "POST":
        status = 400
    _audit_view(request, review)
    shown = [
        {"candidate": candidate, "chart": _chart(candidate, review, number), "number": number}
        for number, candidate in enumerate(review.candidates, start=1)
    ]
    people = review.people
    return render(
        request,
        "linkage/record.html",
        {
            "review": review,
            "record": review.record,
            "candidates": shown,
            "form": form if not _not_possible(review, user) else None,
            "not_possible": _not_possible(review, user),
            "conflict": conflict,
            "thresholds": review.thresholds,
            # The key facts of the child (one candidate), or a compact banner for each.
            "person": people[0] if len(people) == 1 else None,
            "key_facts_people": people if len(people) > 1 else [],
        },
        status=status,
    )


@rule("linkage_review")
def accuracy(request: SignedInRequest) -> HttpResponse:
    """The approved model's precision and recall against the reviewers' decisions."""
    found = selectors.accuracy()
    audit.record(
        request.user,
        "view",
        summary="Viewed the linkage model's accuracy against reviewers' decisions",
        detail={"labelled_pairs": found.labels, "model": found.model.version if found.model else None},
    )
    return render(request, "linkage/accuracy.html", {"accuracy": found})
