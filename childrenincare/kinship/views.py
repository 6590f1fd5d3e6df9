"""Kinship care pages: carers and providers with their approvals (temporary approval of a
connected person, its extension, full approval, the end of an approval) and the child's
family network.

Views are thin: the rules are in childrenincare.kinship.services, whose RuleBroken messages go
on the form's fields (status 400, nothing saved). A carer is not a child, but a carer's page shows
the children placed there: only those whose full record the user may see (a placement
gives away where a child lives), each audited. A page about a child needs the child's full
record (people.access.person_for): otherwise the same audited 404 as a record that does not
exist."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from audit import services as audit
from audit.models import AuditEvent
from childrenincare.models import Carer, FamilyNetworkMember
from childrenincare.pages import FORM_PAGE, may_change
from childrenincare.selectors import open_period
from kernel import codelists
from kernel import selectors as deadline_reads
from kernel.access import forbidden, rule
from kernel.casestep import StepPage, Success, case_step, page_viewed_summary, step_page, viewed
from kernel.rules import RuleBroken, long_date
from people.access import Level, RecordNotVisible, levels, person_for, record_or_not_visible
from people.models import Person
from people.services import relationships

from . import selectors
from . import services as kinship
from .forms import (
    ApprovalForm,
    CarerForm,
    EndApprovalForm,
    ExtensionForm,
    NetworkMemberForm,
    NetworkRoleForm,
    TemporaryApprovalForm,
)

CARERS_PAGE_SIZE = 50


# --- Looking records up -------------------------------------------------------------------


def _carer(carer_id):
    return record_or_not_visible(Carer, carer_id, "person")


def _child(request, child_id):
    """A child chosen by id (a query parameter or a form's choice): their full record, or the
    audited 404; None when no id was given."""
    child_id = (child_id or "").strip()
    if not child_id:
        return None
    if not child_id.isdigit():
        raise RecordNotVisible(None, child_id[:40], Level.FULL)
    return person_for(request.user, int(child_id))


def _chosen(cleaned_data, field, people):
    """The record chosen from a list of people, None for "no record"; a forged choice is refused."""
    value = (cleaned_data.get(field) or "").strip()
    if not value:
        return None
    found = {str(p.pk): p for p in people}.get(value)
    if found is None:
        raise RuleBroken({field: ["Select their record from the list"]})
    return found


def _care_url(person):
    period = open_period(person)
    if period is not None:
        return reverse("childrenincare:period", args=[period.pk])
    return reverse("people:detail", args=[person.pk])


def _carer_url(carer):
    return reverse("childrenincare:carer", args=[carer.pk])


def _view_children(request, carer, summary, children=()):
    """Audit, for each child a page about a carer names, that the user saw the child there."""
    audit.record_many(
        [
            audit.entry(
                request.user,
                AuditEvent.Action.VIEW,
                obj=carer,
                person=child,
                summary=f"{summary}, which names the child",
            )
            for child in children
        ]
    )


def _view_carer(request, carer, summary, children=()):
    """Audit a page about a carer: the carer (their own record, if linked) and each child it names."""
    viewed(request, carer, carer.person, summary)
    _view_children(request, carer, summary, children)


def _carer_page(request, carer, title, form, *, children=(), **options):
    """A step about a carer: audited as a view of the carer, and of each child it names."""
    response = step_page(
        request,
        StepPage(
            title=title,
            back=_carer_url(carer),
            person=carer.person,
            about=carer,
            caption=carer.name,
            template=FORM_PAGE,
            extra={"back_text": "Back to the carer"},
            **options,
        ),
        form,
    )
    _view_children(request, carer, page_viewed_summary(title), children)
    return response


def _safe_next(request, url):
    url = (url or "").strip()
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _with_carer(url, carer):
    return f"{url}{'&' if '?' in url else '?'}carer={carer.pk}"


def _related(user, child, adults_only=False):
    found, seen = [], {child.pk}
    for other, _label, _rel in relationships(child, user=user):
        if other.pk in seen or other.kind == Person.Kind.PROFESSIONAL:
            continue
        if adults_only and other.kind == Person.Kind.CHILD:
            continue
        seen.add(other.pk)
        found.append(other)
    return sorted(found, key=lambda p: (p.family_name, p.given_names, p.pk))


# --- Carers -------------------------------------------------------------------------------


def _carers_caption(count):
    plural = "" if count == 1 else "s"
    return f"{count} carer{plural} and provider{plural}"


@rule("case_work")
def carers(request):
    """Every carer and provider, by name, with the kind, approval and placements; filtered by
    kind. A count leaves out restricted children the user is not named on."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Carer.Kind.values else ""
    found = selectors.carers(request.user, kind)
    page = Paginator(found, CARERS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"carer": carer, "approval": kinship.approval_label(carer)} for carer in page.object_list]
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary="Viewed the list of carers",
        detail={"page": page.number, "kind": kind, "carers": [row["carer"].pk for row in rows]},
    )
    return render(
        request,
        "childrenincare/kinship/carers.html",
        {
            "rows": rows,
            "page": page,
            "caption": _carers_caption(page.paginator.count),
            "kind": kind,
            "kinds": Carer.Kind.choices,
            "may_change": may_change(request.user),
            "query": f"kind={kind}&" if kind else "",
        },
    )


@rule("case_change")
def carer_new(request):
    """Add a carer or provider. From a child's pages (`?child=`) the child's relatives are
    offered as records to link; `?next=` (a page of this service) is where to go after."""
    child = _child(request, request.GET.get("child"))
    people = _related(request.user, child, adults_only=True) if child is not None else []
    next_url = _safe_next(request, request.GET.get("next"))
    if request.method == "POST":
        form = CarerForm(request.POST, people=people)
    else:
        kind = request.GET.get("kind", "")
        form = CarerForm(people=people, initial={"kind": kind} if kind in Carer.Kind.values else None)
    if child is not None:
        back, caption = next_url or _care_url(child), child.full_name
    else:
        back, caption = next_url or reverse("childrenincare:carers"), "Carers"
    page = StepPage(
        title="Add a carer or provider",
        back=back,
        person=child,
        caption=caption,
        intro="A connected person is a relative, friend or other person connected with the child who is "
        "assessed to foster them. Record foster carers, homes and other providers here too.",
        template=FORM_PAGE,
        extra={"back_text": "Back"},
    )
    return case_step(
        request,
        form,
        act=lambda d: kinship.add_carer(
            request.user,
            kind=d["kind"],
            name=d["name"],
            provider=d["provider"],
            urn=d["urn"],
            postcode=d["postcode"],
            person=_chosen(d, "person", people) if people else None,
            relationship_to_child=d["relationship_to_child"],
            child=child,
        ),
        success=lambda carer: Success(
            f"{carer.name} added", _with_carer(next_url, carer) if next_url else _carer_url(carer)
        ),
        page=lambda: step_page(request, page, form),
    )


def _approval_rows(carer):
    rows = [("Kind", carer.get_kind_display())]
    if carer.relationship_to_child:
        rows.append(("Relationship to the child", carer.relationship_to_child))
    rows.append(("Approval", kinship.approval_label(carer)))
    for label, day in (
        ("Temporarily approved", carer.temporarily_approved_on),
        ("Temporary approval extended", carer.temporary_approval_extended_on),
        ("Approved as a foster carer", carer.approved_on),
        ("Approval ended", carer.approval_ended_on),
    ):
        if day:
            rows.append((label, long_date(day)))
    reason = kinship.end_reason(carer)
    if reason:
        rows.append(("Why the approval ended", reason))
    return rows


def _actions(carer):
    url = lambda name: reverse(name, args=[carer.pk])  # noqa: E731
    actions = []
    if carer.kind == Carer.Kind.CONNECTED_PERSON and carer.approval == Carer.Approval.NOT_NEEDED:
        actions.append(("Record a temporary approval", url("childrenincare:carer-temporary-approval")))
    if carer.approval == Carer.Approval.TEMPORARY and carer.temporary_approval_extended_on is None:
        actions.append(("Extend the temporary approval", url("childrenincare:carer-extension")))
    if carer.kind in kinship.FOSTER_KINDS and carer.approval in (Carer.Approval.NOT_NEEDED, Carer.Approval.TEMPORARY):
        actions.append(("Record approval as a foster carer", url("childrenincare:carer-approval")))
    if carer.approval in (Carer.Approval.TEMPORARY, Carer.Approval.APPROVED):
        actions.append(("End the approval", url("childrenincare:carer-end-approval")))
    return actions


@rule("case_work")
def carer(request, carer_id):
    found = _carer(carer_id)
    shown, children, due = selectors.carer_record(request.user, found, timezone.localdate())
    placed_now = [p for p in shown if p.end_date is None and p.period.end_date is None]
    for placement in shown:
        placement.place_label = codelists.label("placement-type", placement.place)
    ended_with_children = found.approval == Carer.Approval.ENDED and bool(placed_now)
    _view_carer(request, found, "Viewed a carer", list(children.values()))
    return render(
        request,
        "childrenincare/kinship/carer.html",
        {
            "carer": found,
            "rows": _approval_rows(found),
            "provider": codelists.label("placement-provider", found.provider),
            "placements": shown,
            "placed_now": placed_now,
            "due": due,
            "ended_with_children": ended_with_children,
            "actions": _actions(found) if may_change(request.user) else [],
        },
    )


@rule("case_change")
def carer_temporary_approval(request, carer_id):
    found = _carer(carer_id)
    title = "Record a temporary approval"
    given = _child(request, request.GET.get("child"))
    placed = [p.period.person for p in kinship.current_placements(found)]
    seen = levels(request.user, placed)
    candidates = ([given] if given is not None else []) + [
        c for c in placed if seen[c.pk] >= Level.FULL and (given is None or c.pk != given.pk)
    ]
    not_possible = ""
    if found.kind != Carer.Kind.CONNECTED_PERSON:
        not_possible = (
            "Only a connected person (a relative, friend or other person connected with the child) can be "
            "temporarily approved (Care Planning Regulations 2010 reg 24)."
        )
    elif found.approval != Carer.Approval.NOT_NEEDED:
        not_possible = f"{found.name} is {kinship.approval_label(found).lower()}: temporary approval comes first, once."
    elif not candidates:
        not_possible = (
            "No child you can see is placed with this carer. Record the placement first, or open this "
            "page from the child's care record."
        )
    form = TemporaryApprovalForm(
        request.POST if request.method == "POST" else None,
        children=candidates,
        initial={"child": str(candidates[0].pk)} if len(candidates) == 1 else None,
    )
    return case_step(
        request,
        form,
        act=lambda d: kinship.approve_temporarily(request.user, found, on=d["on"], child=_child(request, d["child"])),
        success=lambda _: Success(f"{found.name} temporarily approved", _carer_url(found)),
        page=lambda: _carer_page(
            request,
            found,
            title,
            form,
            children=candidates,
            not_possible=not_possible,
            rows=_approval_rows(found),
            intro="A connected person may be approved temporarily as the child's foster carer while "
            "their full assessment is done. The temporary approval lasts 16 weeks.",
        ),
    )


EXTENSION_INTRO = (
    "A temporary approval can be extended once, for up to 8 weeks from the end of "
    "the first approval, while the full assessment is finished. A nominated "
    "officer approves the extension, after the fostering panel's views are "
    "sought and the independent reviewing officer is informed (Care Planning "
    "Regulations 2010 reg 25)."
)


@rule("case_change")
def carer_extension(request, carer_id):
    found = _carer(carer_id)
    title = "Extend the temporary approval"
    first = deadline_reads.open_deadline(found, kinship.FIRST_RULE)
    child = person_for(request.user, first.person_id) if first is not None else None
    not_possible = ""
    if found.approval != Carer.Approval.TEMPORARY:
        not_possible = f"{found.name} is not temporarily approved: only a temporary approval can be extended."
    elif found.temporary_approval_extended_on is not None:
        not_possible = (
            f"The temporary approval was already extended on {long_date(found.temporary_approval_extended_on)}: "
            "it can be extended only once (Care Planning Regulations 2010 reg 25)."
        )
    elif first is None:
        not_possible = "There is no open temporary approval to extend."
    form = ExtensionForm(request.POST if request.method == "POST" else None)

    def page():
        rows = _approval_rows(found)
        if first is not None:
            rows += [("Child", child.full_name), ("Temporary approval ends", long_date(first.due_date))]
        return _carer_page(
            request,
            found,
            title,
            form,
            children=[child] if child else [],
            not_possible=not_possible,
            rows=rows,
            intro=EXTENSION_INTRO,
        )

    return case_step(
        request,
        form,
        act=lambda d: kinship.extend_temporary_approval(
            request.user,
            found,
            on=d["on"],
            child=child,
            panel_consulted_on=d["panel_consulted_on"],
            panel_views=d["panel_views"],
            reasons=d["reasons"],
            iro_informed_on=d["iro_informed_on"],
        ),
        success=lambda _: Success("Temporary approval extended", _carer_url(found)),
        page=page,
    )


@rule("case_change")
def carer_approval(request, carer_id):
    found = _carer(carer_id)
    title = "Record approval as a foster carer"
    open_due = kinship.open_temporary_deadline(found)
    child = None
    if open_due is not None and levels(request.user, [open_due.person])[open_due.person_id] >= Level.FULL:
        child = open_due.person
    not_possible = ""
    if found.kind not in kinship.FOSTER_KINDS:
        not_possible = (
            f"{found.name} is recorded as {found.get_kind_display().lower()}: only foster carers are approved here."
        )
    elif found.approval in (Carer.Approval.APPROVED, Carer.Approval.ENDED):
        not_possible = f"{found.name} is {kinship.approval_label(found).lower()}."
    late = open_due is not None and open_due.due_date < timezone.localdate()
    form = ApprovalForm(request.POST if request.method == "POST" else None, late=late)

    def page():
        rows = _approval_rows(found)
        if open_due is not None:
            rows.append(("Temporary approval ends", long_date(open_due.due_date)))
        return _carer_page(
            request, found, title, form, children=[child] if child else [], not_possible=not_possible, rows=rows
        )

    return case_step(
        request,
        form,
        act=lambda d: kinship.approve_carer(request.user, found, on=d["on"], late_reason=d.get("late_reason", "")),
        success=lambda _: Success(f"{found.name} approved as a foster carer", _carer_url(found)),
        page=page,
    )


@rule("case_change")
def carer_end_approval(request, carer_id):
    found = _carer(carer_id)
    title = "End the approval"
    not_possible = ""
    if found.approval == Carer.Approval.ENDED:
        not_possible = f"{found.name}'s approval already ended on {long_date(found.approval_ended_on)}."
    elif found.approval not in (Carer.Approval.TEMPORARY, Carer.Approval.APPROVED):
        not_possible = f"{found.name} has not been approved: there is no approval to end."
    form = EndApprovalForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda d: kinship.end_approval(request.user, found, on=d["on"], reason=d["reason"]),
        success=lambda _: Success("Approval ended", _carer_url(found)),
        page=lambda: _carer_page(
            request,
            found,
            title,
            form,
            not_possible=not_possible,
            rows=_approval_rows(found),
            warning="A child still placed with this carer needs a new placement: record it on the "
            "child's care record, with the reason 'approval of the carers removed'.",
        ),
    )


# --- The family network -------------------------------------------------------------------


@rule("case_work")
def family_network(request, person_id):
    """The child's family network, and (for those who may change records) a form to add someone."""
    child = person_for(request.user, person_id)
    changing = may_change(request.user)
    if request.method == "POST" and not changing:
        return forbidden(request)
    people = _related(request.user, child) if changing else []
    form = NetworkMemberForm(request.POST if request.method == "POST" else None, people=people) if changing else None

    def page():
        viewed(request, child, child, "Viewed the child's family network")
        return render(
            request,
            "childrenincare/kinship/family_network.html",
            {
                "person": child,
                "groups": selectors.network_groups(child),
                "form": form,
                "back": _care_url(child),
                "may_change": changing,
            },
            status=400 if form is not None and form.errors else 200,
        )

    if form is None:
        return page()
    return case_step(
        request,
        form,
        act=lambda d: kinship.add_family_network_member(
            request.user,
            child,
            person=_chosen(d, "person", people) if people else None,
            name=d["name"],
            relationship=d["relationship"],
            role=d["role"],
            notes=d["notes"],
        ),
        success=lambda member: Success(
            f"{kinship.member_name(member)} added to the family network",
            reverse("childrenincare:family-network", args=[child.pk]),
        ),
        page=page,
    )


@rule("case_change")
def family_network_member(request, network_member_id):
    member = record_or_not_visible(FamilyNetworkMember, network_member_id, "person")
    child = member.child = person_for(request.user, member.child_id)
    title = f"Change {kinship.member_name(member)}'s role"
    if request.method == "POST":
        form = NetworkRoleForm(request.POST)
    else:
        form = NetworkRoleForm(initial={"role": member.role, "notes": member.notes})
    network = reverse("childrenincare:family-network", args=[child.pk])
    rows = [
        ("Relationship to the child", member.relationship),
        ("Role now", member.get_role_display()),
        ("Added", long_date(member.added_on)),
    ]
    page = StepPage(
        title=title,
        back=network,
        person=child,
        about=member,
        caption=child.full_name,
        rows=rows,
        # The title names the family member: the audit trail names the page, not them.
        audit_summary="Viewed the page: change a family network member's role",
        template=FORM_PAGE,
        extra={"back_text": "Back to the family network"},
    )
    return case_step(
        request,
        form,
        act=lambda d: kinship.change_network_role(request.user, member, role=d["role"], notes=d["notes"]),
        success=lambda _: Success("Role changed", network),
        page=lambda: step_page(request, page, form),
    )
