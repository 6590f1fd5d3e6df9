"""A school's own pages (rule school_staff: partner practitioners, such as designated
safeguarding leads): the form to tell the authority a pupil leaves the roll, the notice sent,
and the school's pupils known to children's social care. A user whose agency is not a school
on the authority's list gets a page saying so."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from kernel.access import rule
from kernel.casestep import StepPage, step_page, take_step, viewed
from people.access import Level, RecordNotVisible

from .. import services
from ..models import DeregistrationNotice
from . import selectors
from .forms import NoticeForm


def reference(notice: DeregistrationNotice) -> str:
    """The notice's reference, as the school quotes it."""
    return f"DN{notice.pk:06d}"


def _not_a_school(request: HttpRequest, title: str) -> HttpResponse:
    agency = request.user.agency if request.user.agency_id else None  # type: ignore[union-attr]
    return render(request, "education/schools/not_a_school.html", {"title": title, "agency": agency})


def _sent_url(notice: DeregistrationNotice) -> str:
    return reverse("education:notice_sent", args=[notice.pk])


@rule("school_staff")
def notice_new(request: HttpRequest) -> HttpResponse:
    title = "Tell the local authority a pupil is leaving your roll"
    school = selectors.school_of(request.user)  # type: ignore[arg-type]
    if school is None:
        return _not_a_school(request, title)
    agency = request.user.agency  # type: ignore[union-attr]
    assert agency is not None  # school_of found the agency's school
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = form.key()
        earlier = DeregistrationNotice.objects.filter(agency=agency, idempotency_key=key).first()
        if earlier is not None:  # the same page sent again: the first notice answers
            return redirect(_sent_url(earlier))
        data = form.service_data()
        digest = hashlib.sha256(json.dumps({k: str(v) for k, v in data.items()}, sort_keys=True).encode()).hexdigest()
        try:
            done, notice = take_step(
                form,
                lambda _: services.receive_deregistration_notice(
                    request.user,  # type: ignore[arg-type]
                    agency=agency,
                    key=key,
                    digest=digest,
                    urn=school.urn,
                    channel="web",
                    **data,
                ),
                fields={"urn": "__all__"},
            )
        except IntegrityError:  # sent twice at once: the other one was kept
            earlier = DeregistrationNotice.objects.filter(agency=agency, idempotency_key=key).first()
            if earlier is None:
                raise
            return redirect(_sent_url(earlier))
        if done and notice is not None:
            return redirect(_sent_url(notice))
    return step_page(
        request,
        StepPage(
            title=title,
            back=reverse("education:pupils"),
            caption=school.name,
            intro="Tell the local authority when you remove a pupil from your admission register, or are about "
            "to. If the pupil is to be educated at home, the local authority checks whether its consent is "
            "needed first (section 434A of the Education Act 1996).",
            audit_summary="Viewed the page: a school's deregistration notice",
        ),
        form,
    )


@rule("school_staff")
def notice_sent(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = (
        DeregistrationNotice.objects.filter(pk=notice_id, agency_id=getattr(request.user, "agency_id", None) or 0)
        .select_related("school", "consent_request")
        .first()
    )
    if notice is None:
        raise RecordNotVisible(None, str(notice_id)[:40], Level.FULL)
    viewed(request, notice, None, "Viewed a deregistration notice the school sent")
    return render(request, "education/schools/notice_sent.html", {"notice": notice, "reference": reference(notice)})


@rule("school_staff")
def pupils(request: HttpRequest) -> HttpResponse:
    title = "Your pupils known to children's social care"
    school = selectors.school_of(request.user)  # type: ignore[arg-type]
    if school is None:
        return _not_a_school(request, title)
    today = timezone.localdate()
    found = selectors.pupils_known(request.user, school, today)  # type: ignore[arg-type]
    notices = list(selectors.notices_sent(request.user.agency_id)[:50])  # type: ignore[union-attr, arg-type]
    audit.record(
        request.user,
        "view",
        summary="Viewed the school's pupils known to children's social care",
        detail={"school": school.urn, "people": [pupil.person.pk for pupil in found]},
    )
    return render(
        request,
        "education/schools/pupils.html",
        {
            "title": title,
            "school": school,
            "pupils": found,
            "notices": [(notice, reference(notice)) for notice in notices],
            "today": today,
        },
    )
