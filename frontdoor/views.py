"""The front-door (MASH) pages for local-authority staff: the queue (all, assigned to me, not
assigned, decided), a contact's work page (who works on it, alerts, household, checks,
attachments, decision, feedback), assigning a contact, the threshold decision and its
check-your-decision page, a check answered by phone and attachment downloads. Views are thin: the rules are in
frontdoor.services. Every page about a contact is audited; a contact about a child the user
may not see answers the same 404 as one that does not exist."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit import services as audit
from audit.models import AuditEvent
from kernel import codelists
from kernel.access import rule
from kernel.casestep import Success, case_step, take_step
from kernel.concurrency import EditConflict
from people.access import Level, RecordNotVisible, levels

from . import attachments, selectors, services
from .forms import AnswerCheckForm, AssignForm, BringIntoContactForm, DecisionForm, FeedbackForm, RequestCheckForm
from .models import AgencyCheck, Contact, ContactPerson, ContactSubmission

QUEUE_PAGE_SIZE = 50
DECIDED_DAYS = 7
RAG_TAGS = {
    "red": ("Overdue", "govuk-tag--red"),
    "amber": ("Due soon", "govuk-tag--orange"),
    "green": ("On track", "govuk-tag--green"),
    "decided": ("Decided", "govuk-tag--grey"),
}


def rag_tag(contact, now=None):
    """The contact's GOV.UK tag: "Overdue by 2 days 3 hours", "Due in 5 hours", "On track"."""
    now = now or timezone.now()
    state = selectors.rag(contact, now)
    text, colour = RAG_TAGS[state]
    if state in {"red", "amber"}:
        text = selectors.urgency(contact.decision_due_at, now)
    return {"text": text, "class": colour}


def check_tag(check, now):
    """A check's GOV.UK tag: overdue (and by how much) while it waits past its time."""
    if selectors.check_overdue(check, now):
        return {"text": selectors.urgency(check.due_at, now), "class": "govuk-tag--red"}
    if check.status == AgencyCheck.Status.REQUESTED:
        return {"text": "Requested", "class": "govuk-tag--blue", "due": selectors.urgency(check.due_at, now)}
    return {"text": check.get_status_display(), "class": "govuk-tag--grey"}


def _checks_with_tags(contact, now):
    checks = selectors.contact_checks(contact)
    for check in checks:
        check.tag = check_tag(check, now)
    return checks


# --- Who may see which contact ------------------------------------------------------------


def contact_for(user, contact_id):
    """The contact, if every child in it is visible to the user at least in the index;
    otherwise the 404 of a record that does not exist (and the refusal is audited).
    `contact.visible_people`: its people the user may see, `contact.access`: {person id: Level}."""
    contact = selectors.contact_with_people(contact_id)
    if contact is None:
        raise RecordNotVisible(None, str(contact_id)[:40], Level.INDEX)
    links = list(contact.people.all())
    found = levels(user, [link.person for link in links])
    for link in links:
        if link.is_child and found[link.person_id] < Level.INDEX:
            raise RecordNotVisible(link.person_id, f"contact {contact.pk}", Level.INDEX)
    contact.access = found
    contact.visible_people = [link for link in links if found[link.person_id] >= Level.INDEX]
    return contact


def _subject(contact):
    for link in contact.visible_people:
        if link.role == ContactPerson.Role.SUBJECT:
            return link.person
    return None


def _audit_view(request, contact, summary):
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        obj=contact,
        person=_subject(contact),
        summary=f"{summary} {contact.reference}",
    )


# --- The queue ----------------------------------------------------------------------------


@rule("front_door")
def queue(request):
    """Open contacts, immediate risk first then the soonest deadline; or those decided lately."""
    user = request.user
    now = timezone.now()
    show = request.GET.get("show", "")
    decided_view = show == "decided"
    view = show if show in selectors.QUEUE_VIEWS else "all"
    open_contacts = selectors.open_queue(user, now=now)
    if decided_view:
        contacts = selectors.decided_since(user, now - datetime.timedelta(days=DECIDED_DAYS))
    else:
        contacts = selectors.open_queue(user, view, now=now)
    shown = contacts.prefetch_related(selectors.people_prefetch())
    page = Paginator(shown, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    found = levels(user, [link.person for contact in items for link in contact.people.all()])
    rows = []
    for contact in items:
        links = list(contact.people.all())
        if any(link.is_child and found[link.person_id] < Level.INDEX for link in links):
            continue  # belt and braces: selectors.visible_contacts has already left these out
        subject = next((link.person for link in links if link.role == ContactPerson.Role.SUBJECT), None)
        children = sum(1 for link in links if link.is_child)
        rows.append(
            {
                "contact": contact,
                "subject": subject,
                "other_children": max(children - 1, 0),
                "source": codelists.label("referral-source", contact.source),
                "rag": rag_tag(contact, now),
                "owner": contact.allocated_to,
                "mine": contact.allocated_to_id == user.pk,
            }
        )
    audit.record(
        user,
        AuditEvent.Action.VIEW,
        summary="Viewed the front-door queue",
        detail={
            "show": "decided" if decided_view else ("open" if view == "all" else view),
            "page": page.number,
            "contacts": [row["contact"].pk for row in rows],
        },
    )
    return render(
        request,
        "frontdoor/mash_queue.html",
        {
            "page": page,
            "rows": rows,
            "decided_view": decided_view,
            "view": "decided" if decided_view else view,
            "counts": selectors.rag_counts(open_contacts, now),
            "view_counts": selectors.queue_view_counts(open_contacts, user),
            "page_query": f"show={show}&" if decided_view or view != "all" else "",
            "decided_days": DECIDED_DAYS,
        },
    )


# --- The contact work page ----------------------------------------------------------------


def _contact_url(contact):
    return reverse("frontdoor:contact", args=[contact.pk])


def _household(request, contact):
    """Siblings and household members not in the contact, that the user may see."""
    rows = selectors.household_not_in_contact(contact)
    found = levels(request.user, [person for person, _ in rows])
    return [(person, how) for person, how in rows if found[person.pk] >= Level.INDEX]


def _visible_alerts(request, contact):
    """The contact's pattern alerts, without those about someone the user may not see (a
    restricted sibling, say)."""
    alerts = selectors.contact_alerts(contact)
    alert_people = {alert.person_id: alert.person for alert in alerts if alert.person_id is not None}
    unknown = [person for pk, person in alert_people.items() if pk not in contact.access]
    seen = {**contact.access, **(levels(request.user, unknown) if unknown else {})}
    return [
        alert for alert in alerts if alert.person_id is None or seen.get(alert.person_id, Level.NONE) >= Level.INDEX
    ]


def _contact_page(request, contact, status=200, failed=None, check_form=None, feedback_form=None, bring_forms=None):
    now = timezone.now()
    is_open = contact.status == Contact.Status.OPEN
    alerts = _visible_alerts(request, contact)
    household = []
    if is_open:
        bring_forms = bring_forms or {}
        for person, how in _household(request, contact):
            form = bring_forms.get(person.pk) or BringIntoContactForm(
                person=person, relationship=how.split(" of ")[0] if " of " in how else "", prefix=f"bring-{person.pk}"
            )
            household.append({"person": person, "how": how, "form": form})
    checks = _checks_with_tags(contact, now)
    decision = None
    if contact.status == Contact.Status.DECIDED:
        decision = selectors.decision_of(contact)
    _audit_view(request, contact, "Viewed contact")
    context = {
        "contact": contact,
        "people": contact.visible_people,
        "source": codelists.label("referral-source", contact.source),
        "rag": rag_tag(contact, now),
        "is_open": is_open,
        "overdue": is_open and now > contact.decision_due_at,
        "alerts": alerts,
        "household": household,
        "checks": checks,
        "unanswered_at_decision": list(decision.unanswered_checks.all()) if decision else [],
        "check_form": check_form or RequestCheckForm(),
        "attachments": list(contact.attachments.order_by("uploaded_at", "id")),
        "decision": decision,
        "primary_need": codelists.label("primary-need", decision.primary_need) if decision else "",
        "feedback": list(contact.feedback.select_related("given_by")),
        "feedback_form": feedback_form or FeedbackForm(),
        "failed": failed,
        "form": failed,  # base.html: "Error: " in the title
    }
    return render(request, "frontdoor/mash_contact.html", context, status=status)


@rule("front_door")
def contact(request, contact_id):
    return _contact_page(request, contact_for(request.user, contact_id))


@rule("front_door")
@require_POST
def bring_in(request, contact_id):
    contact = contact_for(request.user, contact_id)
    candidates = (
        {person.pk: person for person, _ in _household(request, contact)}
        if contact.status == Contact.Status.OPEN
        else {}
    )
    person_id = request.POST.get("person_id", "")
    person = candidates.get(int(person_id)) if person_id.isdigit() else None
    if person is None:
        raise RecordNotVisible(None, str(person_id)[:40], Level.INDEX)
    form = BringIntoContactForm(request.POST, person=person, prefix=f"bring-{person.pk}")
    return case_step(
        request,
        form,
        act=lambda data: services.bring_into_contact(request.user, contact, person, data["role"], data["relationship"]),
        success=lambda _: Success(f"{person.full_name} has been brought into the contact", _contact_url(contact)),
        page=lambda: _contact_page(request, contact, status=400, failed=form, bring_forms={person.pk: form}),
    )


@rule("front_door")
@require_POST
def request_check(request, contact_id):
    contact = contact_for(request.user, contact_id)
    form = RequestCheckForm(request.POST)
    return case_step(
        request,
        form,
        act=lambda data: services.request_check(
            request.user, contact, data["kind"], agency=data["agency"], question=data["question"]
        ),
        success=lambda check: Success(f"{check.get_kind_display()} check requested", _contact_url(contact)),
        page=lambda: _contact_page(request, contact, status=400, failed=form, check_form=form),
    )


@rule("front_door")
@require_POST
def feedback(request, contact_id):
    contact = contact_for(request.user, contact_id)
    form = FeedbackForm(request.POST)
    return case_step(
        request,
        form,
        act=lambda data: services.give_feedback(request.user, contact, method=data["method"], message=data["message"]),
        success=lambda _: Success("Feedback to the referrer recorded", _contact_url(contact)),
        page=lambda: _contact_page(request, contact, status=400, failed=form, feedback_form=form),
    )


# --- A check answered by phone --------------------------------------------------------------


@rule("front_door")
def check_answer(request, check_id):
    check = selectors.check_with_agency(check_id)
    if check is None:
        raise RecordNotVisible(None, str(check_id)[:40], Level.INDEX)
    contact = contact_for(request.user, check.contact_id)
    if check.status != AgencyCheck.Status.REQUESTED:
        messages.success(request, "This check has already been answered")
        return redirect("frontdoor:contact", contact_id=contact.pk)
    form = AnswerCheckForm(request.POST) if request.method == "POST" else AnswerCheckForm()

    def page():
        _audit_view(request, contact, "Viewed a check on contact")
        return render(
            request,
            "frontdoor/mash_check_answer.html",
            {"form": form, "check": check, "contact": contact},
            status=400 if form.errors else 200,
        )

    return case_step(
        request,
        form,
        act=lambda data: services.answer_check(
            request.user, check, status=data["status"], information=data["information"]
        ),
        success=lambda _: Success(f"{check.get_kind_display()} check answer recorded", _contact_url(contact)),
        page=page,
    )


# --- The decision -------------------------------------------------------------------------


def _decision_key(contact):
    return f"frontdoor-decision-{contact.pk}"


def _draft(request, contact):
    """The answers the user gave on the decision page and has not recorded yet (in the session,
    until the check-your-decision page records them), as form data; None if there are none."""
    stored = request.session.get(_decision_key(contact))
    if not stored:
        return None
    data = QueryDict(mutable=True)
    for name, values in stored.items():
        data.setlist(name, values)
    return data


def _decision_form(contact, document, data, now):
    return DecisionForm(
        data,
        document=document,
        late=now > contact.decision_due_at,
        unanswered=[
            check for check in selectors.contact_checks(contact) if check.status == AgencyCheck.Status.REQUESTED
        ],
    )


def _decide_page(request, contact, document, form, now):
    """The decision page: the form, and beside it what it decides on (the concerns, the people,
    the checks and their answers, the pattern alerts)."""
    _audit_view(request, contact, "Viewed the decision page of contact")
    return render(
        request,
        "frontdoor/mash_decide.html",
        {
            "contact": contact,
            "document": document,
            "form": form,
            "late": form is not None and form.late,
            "rag": rag_tag(contact, now),
            "people": contact.visible_people,
            "checks": _checks_with_tags(contact, now),
            "alerts": _visible_alerts(request, contact),
            "source": codelists.label("referral-source", contact.source),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _already_decided(request, contact):
    messages.success(request, "This contact has already been decided")
    return redirect("frontdoor:contact", contact_id=contact.pk)


@rule("front_door")
def decide(request, contact_id):
    """The decision's answers. A valid POST is checked by the service's own rules
    (services.check_decision, which writes nothing) and kept in the session for the
    check-your-decision page, which records it; a Change link there comes back here with the
    answers kept."""
    contact = contact_for(request.user, contact_id)
    if contact.status == Contact.Status.DECIDED:
        return _already_decided(request, contact)
    document = selectors.published_threshold_document()
    now = timezone.now()
    if document is None:
        return _decide_page(request, contact, None, None, now)
    data = request.POST if request.method == "POST" else _draft(request, contact)
    form = _decision_form(contact, document, data, now)
    if request.method == "POST" and form.is_valid():
        done, _ = take_step(form, lambda _: services.check_decision(request.user, contact, **form.decision_arguments()))
        if done:
            request.session[_decision_key(contact)] = {
                name: request.POST.getlist(name) for name in form.fields if name in request.POST
            }
            return redirect("frontdoor:decide-check", contact_id=contact.pk)
    return _decide_page(request, contact, document, form, now)


@rule("front_door")
def decide_check(request, contact_id):
    """Check your decision (GOV.UK check answers): the answers with their Change links, and the
    button whose POST records the decision (services.decide_contact): the only write."""
    contact = contact_for(request.user, contact_id)
    if contact.status == Contact.Status.DECIDED:
        request.session.pop(_decision_key(contact), None)
        return _already_decided(request, contact)
    document = selectors.published_threshold_document()
    draft = _draft(request, contact)
    if document is None or draft is None:
        return redirect("frontdoor:decide", contact_id=contact.pk)
    now = timezone.now()
    form = _decision_form(contact, document, draft, now)

    def recorded(decision):
        request.session.pop(_decision_key(contact), None)
        return Success(f"Decision recorded: {decision.get_outcome_display()}", _contact_url(contact))

    def page():
        if request.method == "POST" or not form.is_valid():
            # Refused (decided or changed meanwhile, a new check asked for): back to the answers.
            return _decide_page(request, contact, document, form, now)
        _audit_view(request, contact, "Viewed the check-your-decision page of contact")
        return render(
            request,
            "frontdoor/mash_decide_check.html",
            {"contact": contact, "answers": form.answers(), "form": form, "rag": rag_tag(contact, now)},
        )

    return case_step(
        request,
        form,
        act=lambda _: services.decide_contact(request.user, contact, **form.decision_arguments()),
        success=recorded,
        page=page,
    )


# --- Who works on a contact -------------------------------------------------------------


def _assign_page(request, contact, form, template, status=200, **extra):
    _audit_view(request, contact, "Viewed who works on contact")
    return render(
        request,
        template,
        {"contact": contact, "form": form, "back": _back_url(form, contact), **extra},
        status=status,
    )


def _back_url(form, contact):
    back_to = form.data.get("back_to") if form.is_bound else form.initial.get("back_to")
    return reverse("frontdoor:queue") if back_to == "queue" else _contact_url(contact)


@rule("front_door")
def assign(request, contact_id):
    """Assign the contact to the user or a colleague. A contact someone else is working on is
    taken over only once the user confirms it (a question page naming who has it); a page
    left open while the contact was decided or reassigned shows what happened, and nothing is
    overwritten (kernel.concurrency, through services.assign_contact)."""
    contact = contact_for(request.user, contact_id)
    user = request.user
    colleagues = list(selectors.front_door_colleagues(user))
    if request.method != "POST":
        if contact.status == Contact.Status.DECIDED:
            return _already_decided(request, contact)
        form = AssignForm(
            initial={"version": contact.version, "back_to": request.GET.get("back_to", "contact")},
            user=user,
            colleagues=colleagues,
        )
        return _assign_page(request, contact, form, "frontdoor/mash_assign.html")
    form = AssignForm(request.POST, user=user, colleagues=colleagues)
    if not form.is_valid():
        return _assign_page(request, contact, form, "frontdoor/mash_assign.html", status=400)
    data = form.cleaned_data
    to_user = data["to_user"]
    if data["confirm"] == "no":
        messages.success(request, f"Contact {contact.reference} has not been reassigned")
        return redirect(_back_url(form, contact))
    try:
        services.assign_contact(
            user, contact, to_user, expected_version=data["version"], confirm_taking_over=data["confirm"] == "yes"
        )
    except services.TakingOver as taking_over:
        asked = request.POST.get("asked") == "yes"  # sent by the question page itself
        if asked:
            form.add_error("confirm", "Select yes if the contact should be taken over")
        return _assign_page(
            request,
            contact,
            form,
            "frontdoor/mash_assign_confirm.html",
            status=400 if asked else 200,
            owner=taking_over.owner,
            to_user=to_user,
        )
    except EditConflict as conflict:
        return _stale_page(request, contact, form, conflict.current, data["version"])
    except services.FrontDoorError as refused:
        for field, errors in refused.errors.items():
            for error in errors:
                form.add_error("to_user" if field in {"to_user", "__all__"} else None, error)
        return _assign_page(request, contact, form, "frontdoor/mash_assign.html", status=400)
    who = "you" if to_user.pk == user.pk else str(to_user)
    messages.success(request, f"Contact {contact.reference} assigned to {who}")
    return redirect(_back_url(form, contact))


def _stale_page(request, contact, form, current, version):
    """The contact changed after the user's page was shown: say what happened, change nothing."""
    audit.record(
        request.user,
        "conflict",
        obj=contact,
        person=_subject(contact),
        summary=f"Assignment refused: contact {contact.reference} changed since the page was shown",
    )
    decision = selectors.decision_of(current) if current.status == Contact.Status.DECIDED else None
    changes = [
        {"by": event.username, "at": event.at, "to": event.detail["changes"]["allocated_to"][1]}
        for event in audit.changes_since(current, version)
        if "allocated_to" in event.detail.get("changes", {})
    ]
    return _assign_page(
        request,
        contact,
        form,
        "frontdoor/mash_assign_stale.html",
        status=409,
        current=current,
        decision=decision,
        changes=changes,
    )


# --- Attachments --------------------------------------------------------------------------


@rule("front_door")
def attachment(request, attachment_id):
    """The file, only ever as a download: never shown in the browser, whatever it holds."""
    found = selectors.attachment(attachment_id)
    if found is None:
        raise RecordNotVisible(None, str(attachment_id)[:40], Level.INDEX)
    contact = contact_for(request.user, found.contact_id)
    try:
        handle = open(attachments.path_of(found.stored_name), "rb")
    except (OSError, ValueError):
        raise Http404("No such file") from None
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        obj=found,
        person=_subject(contact),
        summary=f"Downloaded a file sent with contact {contact.reference}",
    )
    response = FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Partner submissions waiting or failed (front-door managers) --------------------------

SUBMISSIONS_SHOWN = 200


@rule("front_door_oversight")
def submissions(request):
    """Contacts partner systems sent with `Prefer: respond-async` that are not contacts yet:
    failed (with why) or waiting, oldest first. Nothing about the people in them is shown, but
    the submissions are children's records, so the view is audited as the queue is."""
    Status = ContactSubmission.Status
    waiting = selectors.submissions_not_made()
    counts = selectors.submission_counts(waiting)
    rows = list(waiting[:SUBMISSIONS_SHOWN])
    now = timezone.now()
    for submission in rows:
        submission.waiting_minutes = int((now - submission.received_at).total_seconds() // 60)
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary="Viewed the partner submissions waiting or failed",
        detail={"submissions": [submission.pk for submission in rows]},
    )
    return render(
        request,
        "frontdoor/mash_submissions.html",
        {
            "rows": rows,
            "failed": counts.get(Status.FAILED, 0),
            "waiting": counts.get(Status.RECEIVED, 0),
            "shown": SUBMISSIONS_SHOWN,
        },
    )
