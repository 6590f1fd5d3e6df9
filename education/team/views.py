"""The education team's pages (rule education_team: the education team and managers, local
authority): their home, with the work waiting, and matching a school's notice that found no
child to a child on the person index, or to a new child."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from kernel.access import rule
from kernel.casestep import StepPage, Success, step_page, succeeded, take_step
from kernel.rules import long_date
from people.access import Level, levels, person_for, record_or_not_visible
from people.search import SearchHit

from .. import services
from ..models import DeregistrationNotice
from ..schools.views import reference
from . import selectors
from .forms import NEW_CHILD, MatchForm


@rule("education_team")
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    notices = selectors.waiting_notices()
    requests = selectors.open_requests(user)  # type: ignore[arg-type]
    added = selectors.recently_added(user, today)  # type: ignore[arg-type]
    notice_rows = list(notices[: selectors.LIST_SIZE])
    request_rows = selectors.with_due_dates(list(requests[: selectors.LIST_SIZE]), today)
    entry_rows = list(added[: selectors.LIST_SIZE])
    people = [row.request.person for row in request_rows] + [entry.person for entry in entry_rows]
    full = {pk for pk, level in levels(user, people).items() if level >= Level.FULL}
    audit.record(
        user,
        "view",
        summary="Viewed the education team's work",
        detail={"notices": [n.pk for n in notice_rows], "people": sorted({p.pk for p in people})},
    )
    return render(
        request,
        "education/team/home.html",
        {
            "notices": [(notice, reference(notice)) for notice in notice_rows],
            "notice_count": notices.count(),
            "requests": request_rows,
            "request_count": requests.count(),
            "late_count": sum(1 for row in request_rows if row.late),
            "entries": entry_rows,
            "entry_count": added.count(),
            "recent_days": selectors.recent_days(),
            "full": full,
            "list_size": selectors.LIST_SIZE,
        },
    )


def _rows(notice: DeregistrationNotice, ref: str) -> list[tuple[str, str]]:
    return [
        ("Reference", ref),
        ("School", f"{notice.school.name} (URN {notice.school.urn})"),
        ("Received", long_date(timezone.localdate(notice.received_at))),
        ("Name given", f"{notice.given_names} {notice.family_name}"),
        ("Date of birth", long_date(notice.date_of_birth)),
        ("Unique pupil number", notice.upn or "Not given"),
        ("Leaves the roll", long_date(notice.removal_date)),
        ("Why", notice.get_reason_display()),
        ("Details", notice.details or "None given"),
    ]


def _choice(hit: SearchHit) -> str:
    """A candidate as the index shows them: name, date of birth, and what matched."""
    born = long_date(hit.person.date_of_birth) if hit.person.date_of_birth else "not known"
    return f"{hit.person.full_name}, born {born} (matched on {hit.matched_on})"


@rule("education_team")
def match(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = record_or_not_visible(DeregistrationNotice, notice_id, "school", "agency")
    ref = reference(notice)
    back = reverse("education:team")
    query = (request.POST.get("q") if request.method == "POST" else request.GET.get("q", "")) or ""
    query = query.strip()[:200]
    not_possible = ""
    hits = []
    if notice.status != DeregistrationNotice.Status.UNMATCHED:
        not_possible = f"This notice was matched already ({notice.get_status_display().lower()})."
    else:
        hits = selectors.candidates(request.user, notice, query)  # type: ignore[arg-type]
        audit.record(
            request.user,
            "search",
            obj=notice,
            summary="Searched for the child of a school's deregistration notice",
            detail={"terms": query or "the notice's details", "results": [hit.person.pk for hit in hits]},
        )
    choices = [(str(hit.person.pk), _choice(hit)) for hit in hits]
    form = MatchForm(request.POST or None, choices=choices, initial={"q": query})
    if not not_possible and request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("person") or ""
        person = None
        if chosen and chosen != NEW_CHILD:
            person = person_for(request.user, chosen, at_least=Level.INDEX) if chosen.isdigit() else None
        done, matched = take_step(
            form,
            lambda _: services.match_deregistration_notice(
                request.user,  # type: ignore[arg-type]
                notice,
                person=person,
                new_child=chosen == NEW_CHILD,
            ),
        )
        if done and matched is not None:
            assert matched.person is not None
            what = "the consent workflow: the allocated social worker is told" if matched.consent_request_id else ""
            message = f"Notice {ref} matched to {matched.person.full_name}" + (f"; sent to {what}" if what else "")
            return succeeded(request, Success(message, reverse("education:person", args=[matched.person_id])))
    return step_page(
        request,
        StepPage(
            title="Match a school's notice to a child",
            back=back,
            caption=f"Notice {ref}",
            about=notice,
            rows=_rows(notice, ref),
            not_possible=not_possible,
            template="education/team/match.html",
            extra={"query": query, "hits": hits, "search_url": request.path},
            audit_summary="Viewed a school's deregistration notice to match it",
        ),
        form,
    )
