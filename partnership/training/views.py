"""Multi-agency training: the courses, the sessions held and who came, by agency (rule
`partnership` to read, `partnership_change` to record). Every view is audited."""

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.urls import reverse

from kernel.access import rule
from kernel.casestep import StepPage, Success, case_step, step_page, viewed
from kernel.rules import long_date

from ..pages import found_or_404, may_change
from . import forms, selectors, services
from .models import TrainingCourse, TrainingSession

if TYPE_CHECKING:
    from kernel.access import SignedInRequest

CAPTION = "Multi-agency training"


def _home_url() -> str:
    return reverse("partnership:training:home")


def _course(course_id: int) -> TrainingCourse:
    return found_or_404(selectors.course(course_id), "training course", course_id)


def _session(session_id: int) -> TrainingSession:
    return found_or_404(selectors.session(session_id), "training session", session_id)


def _course_url(course: TrainingCourse) -> str:
    return reverse("partnership:training:course", args=[course.pk])


@rule("partnership")
def home(request: "SignedInRequest"):
    form = forms.PeriodForm(request.GET if request.GET else None)
    date_from = date_to = None
    if form.is_bound and form.is_valid():
        date_from, date_to = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
    held = list(selectors.sessions(date_from, date_to))
    by_agency = selectors.attendance_by_agency(date_from, date_to)
    viewed(request, None, None, "Viewed the partnership's multi-agency training")
    return render(
        request,
        "partnership/training/home.html",
        {
            "form": form,
            "courses": list(selectors.courses()),
            "sessions": held,
            "by_agency": by_agency,
            "total_attended": sum(n for _, n in by_agency),
            "total_places": sum(s.places for s in held),
            "date_from": date_from,
            "date_to": date_to,
            "may_change": may_change(request),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@rule("partnership_change")
def course_new(request: "SignedInRequest"):
    form = forms.CourseForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.add_course(request.user, **data),
        success=lambda done: Success(f"Course {done.title} added", _course_url(done)),
        page=lambda: step_page(request, StepPage(title="Add a course", back=_home_url(), caption=CAPTION), form),
    )


@rule("partnership")
def course(request: "SignedInRequest", training_course_id: int):
    found = _course(training_course_id)
    viewed(request, found, None, f"Viewed the training course {found.title}")
    held = list(selectors.sessions(course=found))
    return render(
        request,
        "partnership/training/course.html",
        {
            "course": found,
            "sessions": [(s, selectors.attendance_of(s)) for s in held],
            "may_change": may_change(request),
        },
    )


@rule("partnership_change")
def session_new(request: "SignedInRequest", training_course_id: int):
    found = _course(training_course_id)
    form = forms.SessionForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda _: services.record_session(request.user, found, **form.service_data()),
        success=lambda done: Success(f"Session on {long_date(done.held_on)} recorded", _course_url(found)),
        page=lambda: step_page(
            request,
            StepPage(
                title="Record a session",
                back=_course_url(found),
                about=found,
                caption=found.title,
                rows=[("Topic", found.topic.name)],
            ),
            form,
        ),
        fields=form.error_fields(),
    )


@rule("partnership_change")
def attendance(request: "SignedInRequest", training_session_id: int):
    found = _session(training_session_id)
    form = forms.AttendanceForm(request.POST if request.method == "POST" else None)
    counted = selectors.attendance_of(found)
    rows = [
        ("Course", found.course.title),
        ("Date", long_date(found.held_on)),
        ("Places", found.places),
        ("Attended so far", sum(a.attended for a in counted)),
    ] + [(a.agency.name, a.attended) for a in counted]
    return case_step(
        request,
        form,
        act=lambda _: services.record_attendance(request.user, found, attendance=form.attendance()),
        success=lambda _: Success("Attendance added", _course_url(found.course)),
        page=lambda: step_page(
            request,
            StepPage(
                title="Add attendance",
                back=_course_url(found.course),
                about=found,
                caption=found.course.title,
                rows=rows,
            ),
            form,
        ),
        fields=form.error_fields(),
    )
