"""Pages for everyone who tells the front door about a child: making a contact, one's own
contacts with the feedback given, the checks addressed to one's agency, and the published
threshold document (public). Views are thin: the rules are in frontdoor.services.

What a referrer sees of a contact is what they sent, its status, its deadline and the
feedback they were given: never the decision's rationale, the checks or what other agencies
said. A contact the user neither recorded nor made through their agency does not exist for
them (the same 404 as a missing one), and the refusal is audited."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from audit import services as audit
from frontdoor import selectors, services
from frontdoor.models import AgencyCheck, ContactPerson
from kernel import codelists
from kernel.access import public, rule
from kernel.casestep import Success, case_step
from partners.access import FRONT_DOOR_ROLES, is_local_authority_staff
from people.access import Level, person_for, shown
from people.models import Person

from .forms import CheckAnswerForm

CONTACTS_PAGE_SIZE = 25
JUST_MADE = "frontdoor_contacts_just_made"  # the contacts whose confirmation is still to be shown


class NotFound(Http404):
    """A 404 that reveals nothing (the record may not exist, or not be the user's), audited
    after the request's transaction is rolled back (audit.middleware)."""

    def __init__(self, kind, asked_for):
        super().__init__("No such record")
        self.kind = kind
        self.asked_for = str(asked_for)[:40]

    def defer_audit(self, request):
        audit.defer(
            request,
            request.user,
            "denied",
            summary=f"Refused: a {self.kind} that does not exist or is not theirs to see",
            detail={"asked_for": self.asked_for, "path": request.path[:200]},
        )


# --- Making a contact ---------------------------------------------------------------------


def _starting_child(request):
    """The child chosen from their record (`?person=<id>`), if the user may see them."""
    value = request.GET.get("person", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise NotFound("person", value)
    person = person_for(request.user, int(value), at_least=Level.INDEX)
    if person.kind != Person.Kind.CHILD:
        raise NotFound("person", value)
    return person


def _after_making(user, contact):
    if user.role in FRONT_DOOR_ROLES and is_local_authority_staff(user):
        try:
            return reverse("frontdoor:contact", args=[contact.pk])
        except NoReverseMatch:
            pass
    return reverse("contacts:detail", args=[contact.pk])


# --- Your contacts ------------------------------------------------------------------------


def _as_sent(contact):
    """The people in the contact as the referrer sent it (not those the front door added since)."""
    return [link for link in contact.people.all() if link.added_by_id == contact.recorded_by_id]


def _withhold_restricted(user, links):
    """Mark the people the user may not be shown (a restricted record they are not named on:
    people.access.shown) `withheld`, so that the page says "Name withheld" instead of their
    name and date of birth. The contact or check itself stays listed: it is the user's own, or
    their agency's to answer."""
    visible = shown(user, [link.person for link in links])
    for link in links:
        link.withheld = not visible[link.person_id]
    return links


@rule("contact_submit")
def contacts_mine(request):
    page = Paginator(selectors.own_contacts_listed(request.user), CONTACTS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"contact": contact, "children": _as_sent(contact), "feedback_given": bool(contact.feedback.all())}
        for contact in page
    ]
    _withhold_restricted(request.user, [link for row in rows for link in row["children"]])
    audit.record(
        request.user,
        "view",
        summary="Viewed their own contacts",
        detail={"page": page.number, "contacts": [row["contact"].pk for row in rows]},
    )
    return render(request, "frontdoor/partner_contacts.html", {"page": page, "rows": rows})


@rule("contact_submit")
def contact_detail(request, contact_id):
    contact = selectors.own_contact(request.user, contact_id)
    if contact is None:
        raise NotFound("contact", contact_id)
    people = _withhold_restricted(request.user, _as_sent(contact))
    subject = next((link.person for link in people if link.role == ContactPerson.Role.SUBJECT), None)
    audit.record(
        request.user,
        "view",
        obj=contact,
        person=subject or selectors.subject_of(contact),
        summary=f"Viewed contact {contact.reference} as its referrer",
    )
    just_made = request.session.get(JUST_MADE) or []
    confirmation = contact.pk in just_made
    if confirmation:
        request.session[JUST_MADE] = [pk for pk in just_made if pk != contact.pk]
    return render(
        request,
        "frontdoor/partner_contact.html",
        {
            "contact": contact,
            "confirmation": confirmation,
            "children": [link for link in people if link.is_child],
            "adults": [link for link in people if not link.is_child],
            "source": codelists.label("referral-source", contact.source),
            "feedback": list(contact.feedback.all()),
            "attachments": list(contact.attachments.all()),
        },
    )


# --- Checks for your agency ---------------------------------------------------------------


@rule("agency_checks")
def checks(request):
    found = list(selectors.checks_for_agency(request.user).prefetch_related(selectors.check_children_prefetch()))
    now = timezone.now()
    rows = [{"check": check, "children": check.contact.children, "overdue": now > check.due_at} for check in found]
    _withhold_restricted(request.user, [link for row in rows for link in row["children"]])
    audit.record(
        request.user,
        "view",
        summary="Viewed the checks asked of their agency",
        detail={"checks": [check.pk for check in found]},
    )
    return render(request, "frontdoor/checks_list.html", {"rows": rows})


@rule("agency_checks")
def check_detail(request, check_id):
    check = selectors.check_with_children(check_id)
    if check is None or not services.check_may_be_answered_by(request.user, check):
        raise NotFound("check", check_id)
    open_check = check.status == AgencyCheck.Status.REQUESTED
    form = None
    if open_check:
        form = CheckAnswerForm(request.POST) if request.method == "POST" else CheckAnswerForm()

    def page():
        audit.record(
            request.user,
            "view",
            obj=check,
            person=selectors.subject_of(check.contact),
            summary=f"Viewed a {check.get_kind_display().lower()} check on contact {check.contact.reference}",
        )
        return render(
            request,
            "frontdoor/checks_answer.html",
            {
                "check": check,
                "form": form,
                "children": _withhold_restricted(request.user, check.contact.children),
                "overdue": open_check and timezone.now() > check.due_at,
            },
        )

    if form is None:
        return page()
    sent = f"Your answer to the check on contact {check.contact.reference} has been sent"
    try:
        return case_step(
            request,
            form,
            act=lambda data: services.answer_check(
                request.user, check, status=data["status"], information=data.get("information", "")
            ),
            success=lambda _: Success(sent, reverse("contacts:checks")),
            page=page,
        )
    except PermissionError:
        raise NotFound("check", check_id) from None


# --- The threshold document (public) ----------------------------------------------------


def _threshold_context(document):
    if document is None:
        return {"document": None}
    levels = list(document.levels.all())
    domains = []
    for domain in selectors.threshold_domains(document):
        indicators = list(domain.indicators.all())
        by_level = [(level, [ind for ind in indicators if ind.level_id == level.pk]) for level in levels]
        domains.append({"domain": domain, "levels": [(level, found) for level, found in by_level if found]})
    others = selectors.other_threshold_versions(document)
    return {"document": document, "levels": levels, "domains": domains, "other_versions": others}


@public
def threshold(request):
    context = _threshold_context(selectors.published_threshold_document())
    return render(request, "frontdoor/threshold_public.html", context)


@public
def threshold_version(request, document_id):
    document = selectors.threshold_version(document_id)
    if document is None:
        raise Http404("No such version")
    return render(request, "frontdoor/threshold_public.html", {**_threshold_context(document), "version_page": True})
