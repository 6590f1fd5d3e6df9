"""The care leaver pages: the young person's record (eligibility with why, personal adviser,
pathway plan and the next review due, contacts, birthday contacts by year) and the forms to
open the record, appoint a personal adviser, record a pathway plan or its review, a
keeping-in-touch contact, the birthday contact the SSDA903 OC3 asks for, and the circumstances
the care history cannot tell (where the young person lives, the special guardianship order,
detained or in hospital at 16).

Views are thin: the rules are in leavingcare.services, whose RuleBroken messages go on the
form's fields (status 400 with the GOV.UK error summary; nothing is saved). A record of a
young person the user may not see answers the same audited 404 as one that does not exist
(people.access.person_for); every page is audited as a view of the young person's record.
Reading needs the case_work rule, changing case_change."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from kernel import deadlines
from kernel.access import RULES, rule
from kernel.forms import add_rule_errors
from kernel.rules import RuleBroken
from people.access import person_for, record_or_not_visible

from . import eligibility, services
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


def _viewed(request, obj, person, summary):
    audit.record(request.user, AuditEvent.Action.VIEW, obj=obj, person=person, summary=summary)


def record_url(care_leaver):
    return reverse("leavingcare:record", args=[care_leaver.pk])


def _done(request, care_leaver, message):
    messages.success(request, message)
    return redirect(record_url(care_leaver))


def _form_page(request, care_leaver, title, form, *, rows=(), intro="", warning="", person=None, back=None):
    person = person or care_leaver.person
    _viewed(request, care_leaver or person, person, f"Viewed the page: {title[0].lower()}{title[1:]}")
    return render(
        request,
        "case_form_page.html",
        {
            "title": title,
            "person": person,
            "form": form,
            "rows": rows,
            "intro": intro,
            "warning": warning,
            "back": back or record_url(care_leaver),
            "caption": f"Care leaver: {person.full_name}",
        },
        status=400 if form.errors else 200,
    )


@rule("case_work")
def for_person(request, person_id):
    """The young person's care leaver record if there is one; otherwise what their care
    history makes them, and the way to open the record."""
    person = person_for(request.user, person_id)
    found = CareLeaver.objects.filter(person=person).first()
    if found is not None:
        return redirect(record_url(found))
    today = timezone.localdate()
    status = eligibility.eligibility_category(person, today)
    _viewed(request, person, person, "Viewed the care leaver eligibility")
    return render(
        request,
        "leavingcare/eligibility.html",
        {"person": person, "eligibility": status, "may_change": may_change(request.user), "today": today},
    )


@rule("case_change")
def open_record(request, person_id):
    person = person_for(request.user, person_id)
    existing = CareLeaver.objects.filter(person=person).first()
    if existing is not None:
        return redirect(record_url(existing))
    status = eligibility.eligibility_category(person, timezone.localdate())
    form = OpenRecordForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            made = services.open_record(
                request.user,
                person,
                on=form.cleaned_data["on"],
                at_sixteen=form.cleaned_data["at_sixteen"] or "",
                detained_at_16_since=form.cleaned_data["detained_at_16_since"],
            )
        except RuleBroken as error:
            add_rule_errors(form, error)
        else:
            return _done(request, made, "Care leaver record opened")
    rows = [("Eligibility", status.label), ("Why", " ".join(status.reasons))]
    return _form_page(
        request,
        None,
        "Open a care leaver record",
        form,
        rows=rows,
        person=person,
        back=reverse("leavingcare:for-person", args=[person.pk]),
    )


@rule("case_work")
def record(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    today = timezone.localdate()
    _viewed(request, care_leaver, care_leaver.person, "Viewed the care leaver record")
    return render(
        request,
        "leavingcare/record.html",
        {
            "care_leaver": care_leaver,
            "person": care_leaver.person,
            "today": today,
            "may_change": may_change(request.user),
            **services.summary(care_leaver, today),
        },
    )


@rule("case_change")
def personal_adviser(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    current = services.current_adviser(care_leaver)
    form = AdviserForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            made = services.appoint_personal_adviser(
                request.user, care_leaver, adviser=chosen_user(form.cleaned_data["adviser"]), on=form.cleaned_data["on"]
            )
        except RuleBroken as error:
            add_rule_errors(form, error)
        else:
            return _done(request, care_leaver, f"{made.adviser} is the personal adviser")
    rows = [
        (
            "Personal adviser now",
            f"{current.adviser}, since {current.start_date:%-d %B %Y}" if current else "None appointed",
        )
    ]
    return _form_page(
        request,
        care_leaver,
        "Change the personal adviser" if current else "Appoint a personal adviser",
        form,
        rows=rows,
        intro="Eligible, relevant and former relevant young people must have a personal "
        "adviser (Children Act 1989 s23B(2), s23CZB).",
    )


@rule("case_change")
def pathway_plan(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    latest = services.latest_plan(care_leaver)
    initial = {"kind": "review" if latest else "plan"}
    form = PathwayPlanForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_pathway_plan(
                request.user,
                care_leaver,
                kind=data["kind"],
                held_on=data["held_on"],
                summary=data["summary"],
                young_person_took_part=yes_no(data["young_person_took_part"]) is not False,
                late_reason=data["late_reason"],
            )
        except RuleBroken as error:
            add_rule_errors(form, error)
        else:
            return _done(request, care_leaver, "Pathway plan saved")
    due = deadlines.open_deadline(care_leaver, services.PATHWAY_PLAN_REVIEW_RULE)
    rows = [("Last agreed or reviewed", f"{latest.held_on:%-d %B %Y}" if latest else "No pathway plan yet")]
    if due:
        rows += [("Next review due by", f"{due.due_date:%-d %B %Y}"), ("Why this date", due.explanation)]
    return _form_page(
        request,
        care_leaver,
        "Record a pathway plan review" if latest else "Record the pathway plan",
        form,
        rows=rows,
        warning=(deadlines.late_message(due) + "." if due and due.due_date < timezone.localdate() else ""),
    )


@rule("case_change")
def circumstances(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    initial = {name: getattr(care_leaver, name) for name in services.CIRCUMSTANCES}
    form = CircumstancesForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_circumstances(
                request.user,
                care_leaver,
                **{name: (data[name] or "") if name == "at_sixteen" else data[name] for name in services.CIRCUMSTANCES},
            )
        except RuleBroken as error:
            add_rule_errors(form, error)
        else:
            return _done(request, care_leaver, "Circumstances saved")
    status = eligibility.eligibility_category(care_leaver.person, timezone.localdate(), care_leaver=care_leaver)
    rows = [("Eligibility now", status.label), ("Why", " ".join(status.reasons))]
    return _form_page(
        request,
        care_leaver,
        "Where the young person lives, orders and the 16th birthday",
        form,
        rows=rows,
        intro="What the care history cannot tell, and the young person's category depends on.",
    )


@rule("case_change")
def contact(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    form = ContactForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_contact(
                request.user,
                care_leaver,
                contact_on=data["contact_on"],
                method=data["method"],
                in_touch=yes_no(data["in_touch"]),
                notes=data["notes"],
            )
        except RuleBroken as error:
            add_rule_errors(form, error)
        else:
            return _done(request, care_leaver, "Contact saved")
    return _form_page(request, care_leaver, "Record a keeping-in-touch contact", form)


@rule("case_change")
def birthday_contact(request, care_leaver_id):
    care_leaver = _record(request, care_leaver_id)
    age = request.GET.get("age", "")
    existing = care_leaver.birthday_contacts.filter(birthday_age=int(age)).first() if age.isdigit() else None
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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_birthday_contact(
                request.user,
                care_leaver,
                birthday_age=data["birthday_age"],
                contact_on=data["contact_on"],
                in_touch=data["in_touch"],
                activity=data["activity"],
                accommodation_type=data["accommodation_type"],
                accommodation_suitable=yes_no(data["accommodation_suitable"]),
            )
        except RuleBroken as error:
            add_rule_errors(form, error)
        else:
            return _done(request, care_leaver, "Birthday contact saved")
    rows = []
    if care_leaver.person.date_of_birth:
        rows.append(("Date of birth", f"{care_leaver.person.date_of_birth:%-d %B %Y}"))
    return _form_page(
        request,
        care_leaver,
        "Record the birthday contact",
        form,
        rows=rows,
        intro="The SSDA903 return asks, for each 17th to 21st birthday, whether the authority was in "
        "touch with the young person from 3 months before to 1 month after it, their main "
        "activity and their accommodation.",
    )
