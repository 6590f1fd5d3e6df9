"""The contact's question pages: a short journey of GOV.UK question pages, one thing per page
(about the child, their address, the other children and the adults in the household, the
concerns, consent, about the referrer, files), then check your answers, then the confirmation
with the contact's reference (views.contact_detail shows it once, as a GOV.UK panel).

The answers live in a draft on the server (frontdoor.partner.services) until the contact is
sent from the check-your-answers page; only then is anything written to the contact tables, by
frontdoor.services.receive_contact, so the front door's rules (the deadline, pattern alerts) are
the same as for every other contact, and sending a draft twice makes one contact.

Every page works without JavaScript: the "add another" lists post their "Add another" and
"Remove" buttons, and the address look-up is a form."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from audit import services as audit
from frontdoor import attachments
from frontdoor import services as front_door
from frontdoor.models import ContactDraft
from kernel.access import rule
from partners.models import Agency
from people.postcodes import look_up, looks_like_postcode

from . import selectors
from . import services as drafts
from .forms import (
    ADULT_ROLES,
    SOURCE_FOR_AGENCY_KIND,
    AddressForm,
    ChildPageForm,
    ConcernsForm,
    ConsentForm,
    FilesForm,
    PostcodeForm,
    ReferrerForm,
    check_household,
    date_of_row,
    household_rows,
    is_blank,
    records_contacts_for_others,
)
from .views import JUST_MADE, NotFound, _after_making, _starting_child

PAGES = ["child", "address", "children", "adults", "concerns", "consent", "referrer", "files"]
REQUIRED = {"child", "address", "concerns", "consent", "referrer"}
TITLES = {
    "child": "About the child",
    "address": "What is the child's address?",
    "children": "Other children in the household",
    "adults": "Adults in the household",
    "concerns": "What are your concerns about the child?",
    "consent": "The family and consent",
    "referrer": "About you",
    "files": "Upload files",
    "check": "Check your answers before sending the contact",
}
FORMS = {"child": ChildPageForm, "concerns": ConcernsForm, "consent": ConsentForm, "referrer": ReferrerForm}


def pages_of(draft: ContactDraft) -> list[str]:
    return [page for page in PAGES if not (page == "child" and draft.person_id)]


def page_url(draft: ContactDraft, page: str, change: bool = False) -> str:
    url = reverse("contacts:page", args=[draft.pk, page])
    return f"{url}?change=1" if change else url


def _next_url(request, draft: ContactDraft, page: str) -> str:
    pages = pages_of(draft)
    if request.GET.get("change") or page == pages[-1]:
        return page_url(draft, "check")
    return page_url(draft, pages[pages.index(page) + 1])


def _back_url(request, draft: ContactDraft, page: str) -> str:
    pages = pages_of(draft)
    if request.GET.get("change") or page == "check":
        return page_url(draft, "check") if page != "check" else page_url(draft, pages[-1])
    index = pages.index(page)
    return page_url(draft, pages[index - 1]) if index else reverse("contacts:new")


def _for_others(user) -> bool:
    return records_contacts_for_others(user)


def _source_for_partner(user) -> str:
    sources = {str(kind): code for kind, code in SOURCE_FOR_AGENCY_KIND.items()}
    return sources.get(str(getattr(user.agency, "kind", "")), "8")


def _render(request, draft, page, template, context, status=200) -> HttpResponse:
    pages = pages_of(draft)
    context = {
        "draft": draft,
        "page": page,
        "title": TITLES[page],
        "back_url": _back_url(request, draft, page),
        "step": pages.index(page) + 1 if page in pages else None,
        "steps": len(pages),
        "for_others": _for_others(request.user),
        **context,
    }
    return render(request, template, context, status=status)


# --- The start --------------------------------------------------------------------------


@rule("contact_submit")
def start(request):
    """What the journey asks, and the start button (a POST: it makes the draft)."""
    person = _starting_child(request)
    if request.method == "POST":
        draft = drafts.start_draft(request.user, person)
        return redirect(page_url(draft, pages_of(draft)[0]))
    if person is not None:
        audit.record(request.user, "view", obj=person, person=person, summary="Started a contact from the record")
    return render(request, "frontdoor/contact_new.html", {"person": person, "for_others": _for_others(request.user)})


# --- One page ---------------------------------------------------------------------------


@rule("contact_submit")
def page(request, draft_id: uuid.UUID, page: str):
    draft = selectors.draft_for(request.user, draft_id)
    if draft is None or (page not in PAGES and page != "check") or (page == "child" and draft.person_id):
        raise NotFound("draft contact", draft_id)
    if draft.contact_id is not None:
        # Sent already (say, the back button after sending): the contact, not the pages again.
        return redirect(_after_making(request.user, draft.contact))
    if page in FORMS:
        return _form_page(request, draft, page)
    handler = {"address": _address_page, "children": _household_page, "adults": _household_page}.get(page)
    if handler is not None:
        return handler(request, draft, page)
    if page == "files":
        return _files_page(request, draft)
    return _check_page(request, draft)


def _stored(value: Any) -> Any:
    """A cleaned value as the draft keeps it (JSON)."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, Agency):
        return value.pk
    return value if value is not None else ""


def _initial(form_class, answers: dict) -> dict:
    initial = {}
    for name, value in (answers or {}).items():
        if name in form_class.base_fields and value not in ("", None):
            field = form_class.base_fields[name]
            if value and isinstance(value, str) and field.__class__.__name__ == "DateField":
                value = datetime.date.fromisoformat(value)
            initial[name] = value
    return initial


def _form_page(request, draft: ContactDraft, page: str) -> HttpResponse:
    form_class = FORMS[page]
    kwargs: dict[str, Any] = {"user": request.user} if page == "referrer" else {}
    answers = draft.answers.get(page)
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            drafts.save_answers(draft, page, {name: _stored(value) for name, value in form.cleaned_data.items()})
            return redirect(_next_url(request, draft, page))
        status = 400
    else:
        initial = _initial(form_class, answers)
        if page == "referrer" and answers is None:
            initial = _referrer_initial(request.user)
        form = form_class(initial=initial, **kwargs)
        status = 200
    title = TITLES[page]
    if page == "referrer" and getattr(form, "for_others", False):
        title = "Who the contact is from"
    return _render(
        request, draft, page, "frontdoor/contact_journey/question.html", {"form": form, "title": title}, status
    )


def _referrer_initial(user) -> dict:
    from django.utils import timezone

    if _for_others(user):
        now = timezone.localtime()
        return {"received_on": now.date(), "received_time": now.strftime("%H:%M")}
    initial = {"referrer_name": user.get_full_name(), "referrer_role": user.job_title, "referrer_email": user.email}
    if getattr(user.agency, "kind", None) in {Agency.Kind.ICB, Agency.Kind.HEALTH_PROVIDER}:
        initial["health_source"] = "3F"
    return initial


# --- The address, with the postcode look-up ---------------------------------------------


def _address_page(request, draft: ContactDraft, page: str) -> HttpResponse:
    saved = draft.answers.get("address") or {}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    finder, address_form, found = PostcodeForm(), None, None
    status = 200
    if action == "find":
        finder = PostcodeForm(request.POST)
        if finder.is_valid():
            found = look_up(finder.cleaned_data["postcode"])
            address_form = AddressForm(initial={"postcode": found.postcode})
        else:
            status = 400
    elif action == "manual":
        address_form = AddressForm()
    elif action == "unknown":
        drafts.save_answers(draft, page, {"known": "no"})
        return redirect(_next_url(request, draft, page))
    elif action == "save":
        address_form = AddressForm(request.POST)
        if address_form.is_valid():
            data = address_form.cleaned_data
            found = look_up(data["postcode"])
            drafts.save_answers(
                draft,
                page,
                {
                    "known": "yes",
                    **{name: data[name].strip() for name in ("line_1", "line_2", "town")},
                    "postcode": data["postcode"],
                    "postcode_known": found.known,
                    "in_area": found.in_area,
                },
            )
            return redirect(_next_url(request, draft, page))
        status = 400
        postcode = address_form.data.get("postcode", "")
        found = look_up(postcode) if looks_like_postcode(postcode) else None
    elif request.GET.get("find") is None and saved.get("known") == "yes":
        address_form = AddressForm(
            initial={name: saved.get(name, "") for name in ("line_1", "line_2", "town", "postcode")}
        )
        found = look_up(saved["postcode"])
    return _render(
        request,
        draft,
        page,
        "frontdoor/contact_journey/address.html",
        {"finder": finder, "address_form": address_form, "found": found, "saved": saved},
        status,
    )


# --- Other children and adults: MOJ "add another" ---------------------------------------


def _rows_for_page(saved: list[dict]) -> list[dict]:
    rows = []
    for row in saved:
        day = month = year = ""
        if row.get("date_of_birth"):
            born = datetime.date.fromisoformat(row["date_of_birth"])
            day, month, year = str(born.day), str(born.month), str(born.year)
        rows.append({**row, "dob_day": day, "dob_month": month, "dob_year": year})
    return rows


BLANK_ROW = dict.fromkeys(
    ("given_names", "family_name", "dob_day", "dob_month", "dob_year", "relationship", "role"), ""
)


def _household_page(request, draft: ContactDraft, page: str) -> HttpResponse:
    label = "child" if page == "children" else "adult"
    errors: dict[tuple[int, str], str] = {}
    status = 200
    if request.method == "POST":
        rows = household_rows(request.POST, page)
        if "add" in request.POST:
            rows.append(dict(BLANK_ROW))
        elif "remove" in request.POST:
            index = request.POST.get("remove", "")
            if index.isdigit() and int(index) < len(rows):
                del rows[int(index)]
        else:
            errors = check_household(rows, label)
            if not errors:
                kept = [
                    {
                        "given_names": row["given_names"],
                        "family_name": row["family_name"],
                        "date_of_birth": date_of_row(row),
                        "relationship": row["relationship"],
                        **({"role": row["role"]} if label == "adult" else {}),
                    }
                    for row in rows
                    if not is_blank(row)
                ]
                drafts.save_answers(draft, page, kept)
                return redirect(_next_url(request, draft, page))
            status = 400
    else:
        rows = _rows_for_page(draft.answers.get(page) or [])
    if not rows:
        rows = [dict(BLANK_ROW)]
    items = []
    for index, row in enumerate(rows):
        items.append(
            {
                "index": index,
                "number": index + 1,
                "row": row,
                "date_parts": [
                    ("day", "Day", 2, row.get("dob_day", "")),
                    ("month", "Month", 2, row.get("dob_month", "")),
                    ("year", "Year", 4, row.get("dob_year", "")),
                ],
                "errors": {field: message for (at, field), message in errors.items() if at == index},
            }
        )
    summary = [
        (f"{page}-{at}-{'dob-day' if field == 'dob' else field.replace('_', '-')}", message)
        for (at, field), message in sorted(errors.items(), key=lambda item: item[0][0])
    ]
    return _render(
        request,
        draft,
        page,
        "frontdoor/contact_journey/household.html",
        {"items": items, "label": label, "group": page, "error_list": summary, "adult_roles": ADULT_ROLES},
        status,
    )


# --- Files: uploaded at once, kept whatever happens on other pages -----------------------


def _files_page(request, draft: ContactDraft) -> HttpResponse:
    page = "files"
    form = FilesForm()
    status = 200
    if request.method == "POST":
        if "remove" in request.POST:
            drafts.remove_file(draft, request.POST["remove"])
            return redirect(page_url(draft, page, change=bool(request.GET.get("change"))))
        form = FilesForm(request.POST, request.FILES)
        if form.is_valid():
            for name, data in form.cleaned_data["upload"]:
                try:
                    drafts.keep_file(draft, name, data)
                except attachments.AttachmentRefused as refused:
                    form.add_error("upload", str(refused))
        if form.errors:
            status = 400
        elif request.POST.get("action") == "upload":
            return redirect(page_url(draft, page, change=bool(request.GET.get("change"))))
        else:
            drafts.save_answers(draft, "files", draft.answers.get("files") or [])
            return redirect(_next_url(request, draft, page))
    return _render(
        request,
        draft,
        page,
        "frontdoor/contact_journey/files.html",
        {"form": form, "files": draft.answers.get("files") or []},
        status,
    )


# --- Check your answers, and sending --------------------------------------------------------

# Where each of the service's error keys is answered.
SERVICE_PAGES = {
    "received_at": "referrer",
    "source": "referrer",
    "referrer_name": "referrer",
    "concerns": "concerns",
    "immediate_risk_detail": "concerns",
    "consent": "consent",
    "attachments": "files",
    "people": "child",
}


def _check_page(request, draft: ContactDraft) -> HttpResponse:
    missing = [page for page in pages_of(draft) if page in REQUIRED and page not in draft.answers]
    if missing:
        return redirect(page_url(draft, missing[0]))
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        try:
            contact, _made_now = drafts.send_draft(
                request.user,
                draft.pk,
                for_others=_for_others(request.user),
                source_for_partner=_source_for_partner(request.user),
            )
        except front_door.FrontDoorError as refused:
            for key, messages in refused.errors.items():
                target = SERVICE_PAGES.get(key, "check")
                if target == "child" and draft.person_id:
                    target = "check"
                errors += [(page_url(draft, target, change=True) if target != "check" else "#", m) for m in messages]
            status = 400
        except attachments.AttachmentRefused as refused:
            errors.append((page_url(draft, "files", change=True), str(refused)))
            status = 400
        else:
            if _made_now:
                request.session[JUST_MADE] = (request.session.get(JUST_MADE) or [])[-9:] + [contact.pk]
            return redirect(_after_making(request.user, contact))
    return _render(
        request,
        draft,
        "check",
        "frontdoor/contact_journey/check.html",
        {"answers": _answers_to_show(request.user, draft), "error_list": errors},
        status,
    )


def _answers_to_show(user, draft: ContactDraft) -> list[dict]:
    """The summary cards of the check-your-answers page: (title, rows, change URL) by page."""
    from frontdoor.models import Contact
    from kernel import codelists

    answers = draft.answers
    sections = []

    def card(page, title, rows):
        sections.append({"page": page, "title": title, "rows": rows, "change": page_url(draft, page, change=True)})

    def day(value):
        return datetime.date.fromisoformat(value).strftime("%-d %B %Y") if value else ""

    if draft.person is not None:
        person = draft.person
        sections.append(
            {
                "page": None,
                "title": "The child",
                "rows": [
                    ("Name", person.full_name),
                    ("Date of birth", day(str(person.date_of_birth or "")) or "Not known"),
                ],
                "change": None,
            }
        )
    else:
        child = answers.get("child") or {}
        born = (
            f"Not born yet: due {day(child.get('expected_date'))}"
            if child.get("born") == "no"
            else day(child.get("date_of_birth")) or "Not known"
        )
        card(
            "child",
            "About the child",
            [
                ("Name", f"{child.get('given_names', '')} {child.get('family_name', '')}".strip()),
                ("Date of birth", born),
                ("NHS number", child.get("nhs_number") or "Not given"),
                ("Unique pupil number", child.get("upn") or "Not given"),
            ],
        )
    address = answers.get("address") or {}
    if address.get("known") == "yes":
        lines = [str(address[name]) for name in ("line_1", "line_2", "town", "postcode") if address.get(name)]
        shown = "\n".join(lines)
    else:
        shown = "Not known"
    card("address", "The child's address", [("Address", shown)])
    for page, title in (("children", "Other children in the household"), ("adults", "Adults in the household")):
        rows = []
        for number, row in enumerate(answers.get(page) or [], start=1):
            parts = [f"{row['given_names']} {row['family_name']}"]
            if row.get("date_of_birth"):
                parts.append(f"born {day(row['date_of_birth'])}")
            if row.get("relationship"):
                parts.append(row["relationship"])
            if row.get("role"):
                parts.append(dict(ADULT_ROLES).get(row["role"], ""))
            rows.append((f"{'Child' if page == 'children' else 'Adult'} {number}", ", ".join(p for p in parts if p)))
        card(page, title, rows or [("People", "None given")])
    concerns = answers.get("concerns") or {}
    card(
        "concerns",
        "Your concerns",
        [
            ("What has happened", concerns.get("concerns", "")),
            ("What the child said", concerns.get("child_said") or "Not given"),
            (
                "Immediate risk of harm",
                f"Yes: {concerns.get('immediate_risk_detail', '')}"
                if concerns.get("immediate_risk") == "yes"
                else "No",
            ),
        ],
    )
    consent = answers.get("consent") or {}
    from .forms import FAMILY_TOLD

    card(
        "consent",
        "The family and consent",
        [
            ("Does the family know", dict(FAMILY_TOLD).get(consent.get("family_told", ""), "")),
            ("Consent to early help", dict(Contact.Consent.choices).get(consent.get("consent", ""), "")),
            ("About consent", consent.get("consent_detail") or "Not given"),
        ],
    )
    referrer = answers.get("referrer") or {}
    rows = [
        ("Name", referrer.get("referrer_name") or "Not given"),
        ("Job title or role", referrer.get("referrer_role") or "Not given"),
    ]
    if _for_others(user):
        agency = (
            Agency.objects.filter(pk=referrer["referrer_agency"]).first() if referrer.get("referrer_agency") else None
        )
        received = referrer.get("received_at")
        rows = [
            (
                "How the contact was made",
                dict(Contact.Channel.choices).get(referrer.get("channel", ""), ""),
            ),
            ("Who the contact is from", codelists.label("referral-source", referrer.get("source", ""))),
            *rows,
            ("Agency", str(agency) if agency else "None"),
            ("Relationship to the child", referrer.get("referrer_relationship") or "Not given"),
            (
                "Received",
                datetime.datetime.fromisoformat(received).strftime("%-d %B %Y at %H:%M") if received else "",
            ),
        ]
    else:
        rows.insert(0, ("Agency", str(user.agency) if user.agency else "No agency"))
        if referrer.get("health_source"):
            rows.append(("Health service", codelists.label("referral-source", referrer["health_source"])))
    rows += [
        ("Phone number", referrer.get("referrer_phone") or "Not given"),
        ("Email address", referrer.get("referrer_email") or "Not given"),
    ]
    card("referrer", "Who the contact is from" if _for_others(user) else "About you", rows)
    files = answers.get("files") or []
    card("files", "Files", [("Files", "\n".join(item["name"] for item in files) or "None")])
    return sections
