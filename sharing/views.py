"""The information-sharing pages: a child's sharing history, recording a disclosure or a
decision not to share, the managers' list of decisions not to share, a worker's notices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from kernel.access import RULES, rule
from kernel.casestep import StepPage, Success, case_step, step_page
from people.access import Level, person_for, record_or_not_visible

from . import bases, selectors, services
from .forms import DisclosureForm, WithholdingForm
from .models import Notice

if TYPE_CHECKING:
    from kernel.access import SignedInRequest


def _history_url(person_id: int) -> str:
    return reverse("sharing:history", args=[person_id])


@rule("case_work")
def history(request: SignedInRequest, person_id: int) -> HttpResponse:
    """The child's sharing history: every disclosure and every decision not to share."""
    person = person_for(request.user, person_id, at_least=Level.FULL)
    disclosures, withholdings = selectors.history(person)
    audit.record(
        request.user,
        "view",
        obj=person,
        person=person,
        summary="Viewed the information-sharing history",
        detail={"disclosures": len(disclosures), "withholdings": len(withholdings)},
    )
    return render(
        request,
        "sharing/history.html",
        {
            "person": person,
            "disclosures": [(d, bases.label(d.lawful_basis)) for d in disclosures],
            "withholdings": withholdings,
            "may_record": RULES["case_change"].allows(request.user),
            "s16la_in_force": bases.s16la_in_force(timezone.localdate()),
            "s16la_commencement": bases.s16la_commencement(),
        },
    )


@rule("case_change")
def disclosure_add(request: SignedInRequest, person_id: int) -> HttpResponse:
    person = person_for(request.user, person_id, at_least=Level.FULL)
    form = DisclosureForm(request.POST if request.method == "POST" else None, user=request.user)
    back = _history_url(person.pk)
    return case_step(
        request,
        form,
        act=lambda data: services.record_disclosure(
            request.user,
            person,
            what=data["what"],
            to_agency=data["to_agency"],
            recipient=data["recipient"],
            shared_at=form.shared_at(),
            lawful_basis=data["lawful_basis"] or "",
        ),
        fields={"shared_at": "shared_on"},
        success=lambda found: Success(f"Information shared with {found.recipient_name} recorded", back),
        page=lambda: step_page(
            request,
            StepPage(
                title="Record information shared",
                person=person,
                back=back,
                intro="Record information about the child given to another agency.",
            ),
            form,
        ),
    )


@rule("case_change")
def withholding_add(request: SignedInRequest, person_id: int) -> HttpResponse:
    person = person_for(request.user, person_id, at_least=Level.FULL)
    form = WithholdingForm(request.POST if request.method == "POST" else None, user=request.user)
    back = _history_url(person.pk)
    return case_step(
        request,
        form,
        act=lambda data: services.record_withholding(
            request.user,
            person,
            information=data["information"],
            reasons=data["reasons"],
            decision_maker=data["decision_maker"],
            to_agency=data["to_agency"],
            recipient=data["recipient"],
            decided_on=data["decided_on"],
        ),
        success=lambda found: Success("Decision not to share recorded", back),
        page=lambda: step_page(
            request,
            StepPage(
                title="Record a decision not to share",
                person=person,
                back=back,
                intro="Information need not be shared where sharing it would be more detrimental to the child "
                "than not sharing it (section 16LA of the Children Act 2004). Record the reasons and who decided: "
                "the decision is reported to managers.",
            ),
            form,
        ),
    )


@rule("access_oversight")
def not_shared(request: SignedInRequest) -> HttpResponse:
    """Managers: the decisions not to share made in their team (their authority, for a head of
    service), about children they may be shown."""
    found = list(selectors.withholdings_for_manager(request.user)[:200])
    audit.record(
        request.user,
        "view",
        summary="Viewed the decisions not to share",
        detail={"withholdings": [w.pk for w in found]},
    )
    return render(request, "sharing/not_shared.html", {"withholdings": found})


@rule("notices")
def notices(request: SignedInRequest) -> HttpResponse:
    found = selectors.notices(request.user)
    audit.record(request.user, "view", summary="Viewed their notices", detail={"notices": [n.pk for n in found]})
    return render(request, "sharing/notices.html", {"notices": found})


@rule("notices")
def notice_read(request: SignedInRequest, sharing_notice_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("sharing:notices")
    notice = record_or_not_visible(Notice, sharing_notice_id, "person")
    if notice.user_id != request.user.pk:
        raise Http404("No such notice")
    services.read_notice(request.user, notice)
    return redirect("sharing:notices")
