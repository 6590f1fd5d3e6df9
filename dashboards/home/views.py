"""Home: each role starts where its work is (pages.HOMES). The partner's home lists their
contacts and the checks waiting for their agency; the "More" page lists everything a user may
use that the navigation bar leaves out."""

from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from audit import services as audit
from kernel.access import rule
from people.access import shown

from . import selectors
from .navigation import pages_by_group, start_path

if TYPE_CHECKING:
    from kernel.access import SignedInRequest


@rule("signed_in")
def home(request: "SignedInRequest") -> HttpResponse:
    """The page after sign-in and the "Home" link: the user's start page, or, for a user who has
    none they may open, the list of pages they may use."""
    start = start_path(request.user)
    if start is not None:
        return redirect(start)
    return more(request)


@rule("signed_in")
def more(request: "SignedInRequest") -> HttpResponse:
    return render(request, "dashboards/home/more.html", {"groups": pages_by_group(request.user)})


@rule("agency_checks")
def partner_home(request: "SignedInRequest") -> HttpResponse:
    user = request.user
    work = selectors.partner_work(user)
    now = timezone.now()
    # The children of each contact as the referrer sent them (not those the front door added since).
    sent = [
        [link for link in contact.people.all() if link.added_by_id == contact.recorded_by_id]
        for contact in work.contacts
    ]
    asked = [selectors.children_asked_about(check) for check in work.checks]
    contacts = [
        {"contact": contact, "children": children, "feedback": list(contact.feedback.all())}
        for contact, children in zip(work.contacts, sent, strict=True)
    ]
    checks = [
        {"check": check, "children": children, "overdue": now > check.due_at}
        for check, children in zip(work.checks, asked, strict=True)
    ]
    links = [link for children in sent + asked for link in children]
    # Someone on a restricted record the user is not named on is shown as "Name withheld".
    visible = shown(user, [link.person for link in links])
    for link in links:
        link.withheld = not visible[link.person_id]  # type: ignore[attr-defined]  # read by the template
    audit.record(
        user,
        "view",
        summary="Viewed their home: their contacts and the checks asked of their agency",
        detail={"contacts": [c.pk for c in work.contacts], "checks": [c.pk for c in work.checks]},
    )
    return render(
        request,
        "dashboards/home/partner.html",
        {"contacts": contacts, "checks": checks, "work": work},
    )
