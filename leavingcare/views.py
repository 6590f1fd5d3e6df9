"""The care leaver pages: the young person's record (eligibility with why, personal adviser,
pathway plan and the next review due, contacts, birthday contacts by year) and the forms to
open the record, appoint a personal adviser, record a pathway plan or its review, a
keeping-in-touch contact, the birthday contact the SSDA903 OC3 asks for, and the circumstances
the care history cannot tell (where the young person lives, the special guardianship order,
detained or in hospital at 16).

Views are thin: the rules are in leavingcare.services, the reads in leavingcare.selectors;
each form is a kernel.casestep page, the service's RuleBroken messages on the form's fields
(status 400 with the GOV.UK error summary; nothing is saved). A record of a young person the
user may not see answers the same audited 404 as one that does not exist
(people.access.person_for); every page is audited as a view of the young person's record.
Reading needs the case_work rule, changing case_change."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from kernel import deadlines
from kernel import selectors as due_dates
from kernel.access import RULES, rule
from kernel.casestep import StepPage, Success, case_step, step_page, viewed
from kernel.templatetags.due_dates import tag
from people.access import person_for, record_or_not_visible

from . import eligibility, selectors, services
from .forms import (
    AdviserForm,
    BirthdayContactForm,
    CircumstancesForm,
    ContactForm,
    OpenRecordForm,
    PathwayPlanForm,
    chosen_user,
    yes_no,
)
from .models import CareLeaver


def _posted(request):
    return request.POST if request.method == "POST" else None


def may_change(user):
    return RULES["case_change"].allows(user)


def _record(request, care_leaver_id):
    found = record_or_not_visible(CareLeaver, care_leaver_id, "person")
    found.person = person_for(request.user, found.person_id)
    return found


def record_url(care_leaver):
    return reverse("leavingcare:record", args=[care_leaver.pk])


def _page(request, care_leaver, title, form, *, rows=(), intro="", warning="", person=None, back=None):
    """The page of a care leaver's step: captioned with the young person, back to the record."""
    person = person or care_leaver.person
    return lambda: step_page(
        request,
        StepPage(
            title=title,
            back=back or record_url(care_leaver),
            person=person,
            about=care_leaver or person,
            rows=rows,
            intro=intro,
            warning=warning,
            caption=f"Care leaver: {person.full_name}",
        ),
        form,
    )


@rule("case_work")
def care_leavers(request):
    """The care leavers the user is personal adviser to (/care-leavers/)."""
    today = timezone.localdate()
    rows = selectors.advised_by(request.user, request.user, today)
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary="Viewed the care leavers they advise",
        detail={"children": [row.person.pk for row in rows]},
    )
    return render(request, "leavingcare/list.html", {"rows": rows, "today": today})


@rule("case_work")
def for_person(request, person_id):
    """The young person's care leaver record if there is one; otherwise what their care
    history makes them, and the way to open the record."""
    person = person_for(request.user, person_id)
    found = selectors.record_of(person)
    if found is not None:
        return redirect(record_url(found))
    today = timezone.localdate()
    status = eligibility.eligibility_category(person, today)
    viewed(request, person, person, "Viewed the care leaver eligibility")
    return render(
        request,
        "leavingcare/eligibility.html",
        {"person": person, "eligibility": status, "may_change": may_change(request.user), "today": today},
    )


@rule("case_change")
def open_record(request, person_id):
    person = person_for(request.user, person_id)
    existing = selectors.record_of(person)
    if existing is not None:
        return redirect(record_url(existing))
    status = eligibility.eligibility_category(person, timezone.localdate())
    form = OpenRecordForm(_posted(request))
    rows = [("Eligibility", status.label), ("Why", " ".join(status.reasons))]
    return case_step(
        request,
        form,
        act=lambda data: services.open_record(
            request.user,
            person,
            on=data["on"],
            at_sixteen=data["at_sixteen"] or "",
            detained_at_16_since=data["detained_at_16_since"],
        ),
        success=lambda made: Success("Care leaver record opened", record_url(made)),
        page=_page(
            request,
            None,
            "Open a care leaver record",
            form,
            rows=rows,
            person=person,
            back=reverse("leavingcare:for-person", args=[person.pk]),
        ),
    )


@rule("case_work")
def record(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    today = timezone.localdate()
    viewed(request, care_leaver, care_leaver.person, "Viewed the care leaver record")
    summary = selectors.summary(care_leaver, today)
    return render(
        request,
        "leavingcare/record.html",
        {
            "care_leaver": care_leaver,
            "person": care_leaver.person,
            "today": today,
            "may_change": may_change(request.user),
            **summary,
            "review_tag": tag(summary["review_due"]) if summary["review_due"] else None,
        },
    )


@rule("case_change")
def personal_adviser(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    current = selectors.current_adviser(care_leaver)
    form = AdviserForm(_posted(request))
    rows = [
        (
            "Personal adviser now",
            f"{current.adviser}, since {current.start_date:%-d %B %Y}" if current else "None appointed",
        )
    ]
    return case_step(
        request,
        form,
        act=lambda data: services.appoint_personal_adviser(
            request.user, care_leaver, adviser=chosen_user(data["adviser"]), on=data["on"]
        ),
        success=lambda made: Success(f"{made.adviser} is the personal adviser", record_url(care_leaver)),
        page=_page(
            request,
            care_leaver,
            "Change the personal adviser" if current else "Appoint a personal adviser",
            form,
            rows=rows,
            intro="Eligible, relevant and former relevant young people must have a personal "
            "adviser (Children Act 1989 s23B(2), s23CZB).",
        ),
    )


@rule("case_change")
def pathway_plan(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    latest = selectors.latest_plan(care_leaver)
    initial = {"kind": "review" if latest else "plan"}
    form = PathwayPlanForm(_posted(request), initial=initial)
    due = due_dates.open_deadline(care_leaver, services.PATHWAY_PLAN_REVIEW_RULE)
    rows = [("Last agreed or reviewed", f"{latest.held_on:%-d %B %Y}" if latest else "No pathway plan yet")]
    if due:
        rows += [("Next review due by", f"{due.due_date:%-d %B %Y}"), ("Why this date", due.explanation)]
    return case_step(
        request,
        form,
        act=lambda data: services.record_pathway_plan(
            request.user,
            care_leaver,
            kind=data["kind"],
            held_on=data["held_on"],
            summary=data["summary"],
            young_person_took_part=yes_no(data["young_person_took_part"]) is not False,
            late_reason=data["late_reason"],
        ),
        success=lambda _: Success("Pathway plan saved", record_url(care_leaver)),
        page=_page(
            request,
            care_leaver,
            "Record a pathway plan review" if latest else "Record the pathway plan",
            form,
            rows=rows,
            warning=(deadlines.late_message(due) + "." if due and due.due_date < timezone.localdate() else ""),
        ),
    )


@rule("case_change")
def circumstances(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    initial = {name: getattr(care_leaver, name) for name in services.CIRCUMSTANCES}
    form = CircumstancesForm(_posted(request), initial=initial)
    status = eligibility.eligibility_category(care_leaver.person, timezone.localdate(), care_leaver=care_leaver)
    rows = [("Eligibility now", status.label), ("Why", " ".join(status.reasons))]
    return case_step(
        request,
        form,
        act=lambda data: services.record_circumstances(
            request.user,
            care_leaver,
            **{name: (data[name] or "") if name == "at_sixteen" else data[name] for name in services.CIRCUMSTANCES},
        ),
        success=lambda _: Success("Circumstances saved", record_url(care_leaver)),
        page=_page(
            request,
            care_leaver,
            "Where the young person lives, orders and the 16th birthday",
            form,
            rows=rows,
            intro="What the care history cannot tell, and the young person's category depends on.",
        ),
    )


@rule("case_change")
def contact(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    form = ContactForm(_posted(request))
    return case_step(
        request,
        form,
        act=lambda data: services.record_contact(
            request.user,
            care_leaver,
            contact_on=data["contact_on"],
            method=data["method"],
            in_touch=yes_no(data["in_touch"]),
            notes=data["notes"],
        ),
        success=lambda _: Success("Contact saved", record_url(care_leaver)),
        page=_page(request, care_leaver, "Record a keeping-in-touch contact", form),
    )


@rule("case_change")
def birthday_contact(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    age = request.GET.get("age", "")
    existing = selectors.birthday_contact(care_leaver, age)
    initial = {"birthday_age": age}
    if existing is not None:
        initial.update(
            in_touch=existing.in_touch,
            contact_on=existing.contact_on,
            activity=existing.activity,
            accommodation_type=existing.accommodation_type
            or (
                "0"
                if existing.accommodation == "0" and existing.in_touch not in services.NO_ACTIVITY_OR_ACCOMMODATION
                else ""
            ),
            accommodation_suitable={True: "yes", False: "no"}.get(existing.accommodation_suitable, ""),
        )
    form = BirthdayContactForm(_posted(request), initial=initial)
    rows = []
    if care_leaver.person.date_of_birth:
        rows.append(("Date of birth", f"{care_leaver.person.date_of_birth:%-d %B %Y}"))
    return case_step(
        request,
        form,
        act=lambda data: services.record_birthday_contact(
            request.user,
            care_leaver,
            birthday_age=data["birthday_age"],
            contact_on=data["contact_on"],
            in_touch=data["in_touch"],
            activity=data["activity"],
            accommodation_type=data["accommodation_type"],
            accommodation_suitable=yes_no(data["accommodation_suitable"]),
        ),
        success=lambda _: Success("Birthday contact saved", record_url(care_leaver)),
        page=_page(
            request,
            care_leaver,
            "Record the birthday contact",
            form,
            rows=rows,
            intro="The SSDA903 return asks, for each 17th to 21st birthday, whether the authority was in "
            "touch with the young person from 3 months before to 1 month after it, their main "
            "activity and their accommodation.",
        ),
    )
