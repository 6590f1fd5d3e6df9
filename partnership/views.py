"""The safeguarding partnership's pages: serious incidents, information requests, rapid reviews,
practice reviews and the recommendations tracker (rule `partnership` to read,
`partnership_change` to record), the requests an agency is asked to answer
(`partnership_requests`), and the published arrangements (public).

Views are thin: one selector or one service each, through kernel.casestep. Every view is audited.
A child named in an incident is named only to a user who may be shown them
(people.access.shown), and linked to the record only for one who may open it
(people.access.levels): the business unit and the scrutineer see the name alone."""

from typing import TYPE_CHECKING

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from kernel.access import public, rule
from kernel.casestep import StepPage, Success, case_step, step_page, viewed
from kernel.rules import long_date

from . import forms, selectors, services
from .models import InformationRequest, PracticeReview, SeriousIncident
from .pages import NotFound, found_or_404, may_change, page

if TYPE_CHECKING:
    from kernel.access import SignedInRequest


def _incident(incident_id: int) -> SeriousIncident:
    return found_or_404(selectors.incident(incident_id), "serious incident", incident_id)


def _review(review_id: int) -> PracticeReview:
    return found_or_404(selectors.review(review_id), "practice review", review_id)


def _incident_url(incident: SeriousIncident) -> str:
    return reverse("partnership:incident", args=[incident.pk])


def _review_url(review: PracticeReview) -> str:
    return reverse("partnership:review", args=[review.pk])


_page = page


# --- Home: incidents and reviews -------------------------------------------------------------


@rule("partnership")
def home(request: "SignedInRequest"):
    incidents = list(selectors.incidents())
    reviews = list(selectors.reviews())
    viewed(request, None, None, "Viewed the safeguarding partnership's incidents and reviews")
    return render(
        request,
        "partnership/home.html",
        {"incidents": incidents, "reviews": reviews, "may_change": may_change(request)},
    )


# --- Serious incidents -----------------------------------------------------------------------


@rule("partnership_change")
def incident_new(request: "SignedInRequest"):
    form = forms.IncidentForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.record_serious_incident(request.user, **data),
        success=lambda found: Success(
            f"Serious incident {found.reference} recorded: notify the Panel by {long_date(found.notification_due)}",
            _incident_url(found),
        ),
        page=_page(request, form, title="Record a serious incident", back=reverse("partnership:home")),
    )


@rule("partnership")
def incident(request: "SignedInRequest", incident_id: int):
    found = _incident(incident_id)
    children = selectors.children_of(request.user, found)
    summary = f"Viewed serious incident {found.reference}"
    viewed(request, found, None, summary)
    for child in children:
        if not child.withheld:
            audit.record(request.user, "view", obj=found, person=child.person_id, summary=summary)
    rapid_review = selectors.rapid_review_of(found)
    return render(
        request,
        "partnership/incident.html",
        {
            "incident": found,
            "children": children,
            "requests": selectors.requests_of(found),
            "rapid_review": rapid_review,
            "practice_reviews": selectors.practice_reviews_of(found),
            "may_change": may_change(request),
        },
    )


@rule("partnership_change")
def notify(request: "SignedInRequest", incident_id: int):
    found = _incident(incident_id)
    form = forms.NotificationForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.notify_panel(request.user, found, **data),
        success=lambda done: Success(
            f"Notification recorded: the rapid review is due by {long_date(done.rapid_review_due)}",
            _incident_url(done),
        ),
        page=lambda: step_page(
            request,
            StepPage(
                title="Record the notification to the Panel",
                back=_incident_url(found),
                about=found,
                caption=f"Serious incident {found.reference}",
                rows=[
                    ("Due by", long_date(found.notification_due)),
                    ("How it was counted", found.notification_due_explanation),
                ],
                not_possible="The notification has already been recorded" if found.notified_on else "",
            ),
            form,
        ),
        allowed=found.notified_on is None,
    )


@rule("partnership_change")
def request_new(request: "SignedInRequest", incident_id: int):
    found = _incident(incident_id)
    form = forms.RequestForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.request_information(request.user, found, **data),
        success=lambda done: Success(f"Request sent to {done.agency.name}", _incident_url(found)),
        page=_page(
            request,
            form,
            title="Ask an agency for information",
            back=_incident_url(found),
            about=found,
            caption=f"Serious incident {found.reference}",
        ),
    )


@rule("partnership_change")
def rapid_review(request: "SignedInRequest", incident_id: int):
    found = _incident(incident_id)
    form = forms.RapidReviewForm(request.POST if request.method == "POST" else None)
    done_already = selectors.rapid_review_of(found) is not None
    not_possible = (
        "Record the notification to the Panel first"
        if found.notified_on is None
        else "The rapid review has already been recorded"
        if done_already
        else ""
    )
    return case_step(
        request,
        form,
        act=lambda data: services.record_rapid_review(request.user, found, **data),
        success=lambda _: Success("Rapid review recorded", _incident_url(found)),
        page=lambda: step_page(
            request,
            StepPage(
                title="Record the rapid review",
                back=_incident_url(found),
                about=found,
                caption=f"Serious incident {found.reference}",
                rows=[("Due by", long_date(found.rapid_review_due))] if found.rapid_review_due else [],
                not_possible=not_possible,
            ),
            form,
        ),
        allowed=not not_possible,
    )


@rule("partnership_change")
def panel_response(request: "SignedInRequest", incident_id: int):
    found = _incident(incident_id)
    review = selectors.rapid_review_of(found)
    form = forms.PanelResponseForm(request.POST if request.method == "POST" else None)
    not_possible = (
        "Record the rapid review first"
        if review is None
        else "The Panel's response has already been recorded"
        if review.panel_response
        else ""
    )

    def respond(data):
        assert review is not None  # the step is allowed only once the rapid review is recorded
        return services.record_panel_response(request.user, review, **data)

    return case_step(
        request,
        form,
        act=respond,
        success=lambda _: Success("The Panel's response recorded", _incident_url(found)),
        page=lambda: step_page(
            request,
            StepPage(
                title="Record the Panel's response",
                back=_incident_url(found),
                about=found,
                caption=f"Serious incident {found.reference}",
                not_possible=not_possible,
            ),
            form,
        ),
        allowed=not not_possible,
    )


# --- Information requests, for the agency asked ----------------------------------------------


@rule("partnership_requests")
def requests(request: "SignedInRequest"):
    found = list(selectors.requests_for_agency(request.user))
    audit.record(
        request.user,
        "view",
        summary="Viewed the partnership's information requests to their agency",
        detail={"requests": [r.pk for r in found]},
    )
    return render(request, "partnership/requests.html", {"requests": found})


@rule("partnership_requests")
def request_answer(request: "SignedInRequest", request_id: int):
    found = selectors.information_request(request_id)
    if found is None or not services.may_answer(request.user, found):
        raise NotFound("information request", request_id)
    open_request = found.status == InformationRequest.Status.REQUESTED
    form = forms.AnswerForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.answer_information_request(request.user, found, **data),
        success=lambda _: Success(
            f"Your answer to the request on serious incident {found.incident.reference} has been sent",
            reverse("partnership:requests"),
        ),
        page=lambda: step_page(
            request,
            StepPage(
                title="Answer the partnership's request",
                back=reverse("partnership:requests"),
                about=found,
                caption=f"Serious incident {found.incident.reference}",
                rows=[
                    ("Asked of", found.agency.name),
                    ("Question", found.question),
                    ("Asked on", long_date(found.requested_on)),
                    ("Due by", long_date(found.due_on)),
                ],
                not_possible="" if open_request else "This request has been answered",
            ),
            form,
        ),
        allowed=open_request,
    )


# --- Practice reviews and recommendations ------------------------------------------------------


@rule("partnership_change")
def review_new(request: "SignedInRequest"):
    incident_id = request.GET.get("incident", "")
    found = _incident(int(incident_id)) if incident_id.isdigit() else None
    form = forms.ReviewForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.start_practice_review(request.user, incident=found, **data),
        success=lambda done: Success(f"{done.title} recorded", _review_url(done)),
        page=_page(
            request,
            form,
            title="Record a practice review",
            back=_incident_url(found) if found else reverse("partnership:home"),
            rows=[("Serious incident", found.reference)] if found else [],
        ),
    )


@rule("partnership")
def review(request: "SignedInRequest", review_id: int):
    found = _review(review_id)
    viewed(request, found, None, f"Viewed the practice review {found.title}")
    return render(
        request,
        "partnership/review.html",
        {
            "review": found,
            "recommendations": selectors.recommendations_of(found),
            "access": selectors.review_access(found),
            "today": timezone.localdate(),
            "may_change": may_change(request),
        },
    )


@rule("partnership_change")
def review_access(request: "SignedInRequest", review_id: int):
    found = _review(review_id)
    form = forms.ReviewAccessForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.grant_review_access(request.user, found, **data),
        success=lambda access: Success(
            f"{access.user.get_full_name()} may open the children's records until {long_date(access.access_to)}",
            _review_url(found),
        ),
        page=_page(
            request,
            form,
            title="Give access to the children's records",
            back=_review_url(found),
            about=found,
            rows=[("Review", found.title)],
        ),
    )


@rule("partnership_change")
def review_access_end(request: "SignedInRequest", access_id: int):
    access = found_or_404(selectors.review_access_grant(access_id), "review access", access_id)
    form = forms.EndAccessForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda _data: services.end_review_access(request.user, access),
        success=lambda ended: Success("Access ended", _review_url(ended.review)),
        page=_page(
            request,
            form,
            title="End access to the children's records",
            back=_review_url(access.review),
            about=access,
            rows=[
                ("Review", access.review.title),
                ("Who", access.user.get_full_name()),
                ("Until", long_date(access.access_to)),
            ],
        ),
    )


@rule("partnership_change")
def findings(request: "SignedInRequest", review_id: int):
    found = _review(review_id)
    initial = {"findings": found.findings}
    form = forms.FindingsForm(request.POST if request.method == "POST" else None, initial=initial)
    return case_step(
        request,
        form,
        act=lambda data: services.record_findings(request.user, found, **data),
        success=lambda _: Success("Findings saved", _review_url(found)),
        page=lambda: step_page(
            request,
            StepPage(
                title="Findings and publication",
                back=_review_url(found),
                about=found,
                caption=found.title,
                rows=[("Publication due by", long_date(found.publication_due))] if found.publication_due else [],
            ),
            form,
        ),
    )


@rule("partnership_change")
def recommendation_new(request: "SignedInRequest", review_id: int):
    found = _review(review_id)
    form = forms.RecommendationForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.add_recommendation(request.user, found, **data),
        success=lambda done: Success(f"Recommendation {done.number} added", _review_url(found)),
        page=_page(
            request, form, title="Add a recommendation", back=_review_url(found), about=found, caption=found.title
        ),
    )


@rule("partnership_change")
def recommendation(request: "SignedInRequest", recommendation_id: int):
    found = selectors.recommendation(recommendation_id)
    if found is None:
        raise NotFound("recommendation", recommendation_id)
    initial = {"status": found.status, "progress": found.progress}
    form = forms.ProgressForm(request.POST if request.method == "POST" else None, initial=initial)
    return case_step(
        request,
        form,
        act=lambda data: services.update_recommendation(request.user, found, **data),
        success=lambda _: Success(f"Recommendation {found.number} updated", _review_url(found.review)),
        page=lambda: step_page(
            request,
            StepPage(
                title=f"Progress on recommendation {found.number}",
                back=_review_url(found.review),
                about=found,
                caption=found.review.title,
                rows=[
                    ("Recommendation", found.text),
                    ("Owner", found.owner.name),
                    ("Due by", long_date(found.due_on)),
                ],
            ),
            form,
        ),
    )


@rule("partnership")
def tracker(request: "SignedInRequest"):
    found = selectors.tracker()
    viewed(request, None, None, "Viewed the recommendations tracker")
    return render(request, "partnership/tracker.html", {"tracker": found})


# --- The published arrangements (public) ------------------------------------------------------


def _arrangements_page(request, arrangements, version_page=False):
    context = {
        "arrangements": arrangements,
        "members": selectors.members(arrangements) if arrangements else [],
        "other_versions": selectors.other_versions(arrangements),
        "version_page": version_page,
    }
    return render(request, "partnership/arrangements_public.html", context)


@public
def arrangements(request):
    return _arrangements_page(request, selectors.published_arrangements())


@public
def arrangements_version(request, arrangements_id: int):
    found = selectors.arrangements_version(arrangements_id)
    if found is None:
        raise Http404("No such version")
    return _arrangements_page(request, found, version_page=True)
