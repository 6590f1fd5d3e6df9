"""The writes of the contact's question pages: a draft kept on the server while the pages are
answered (frontdoor.models.ContactDraft), the files uploaded to it, and sending it, which calls
frontdoor.services.receive_contact, the one service that makes a contact (its checks, deadline
and pattern alerts). Nothing is written to the contact tables before the draft is sent.

A file is checked when it is uploaded (frontdoor.attachments.check: its content, not its name)
and kept beside the stored attachments under a random name, so that an error on any page never
loses it; it becomes the contact's attachment when the draft is sent, and is removed then."""

from __future__ import annotations

import datetime
import os
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from frontdoor import attachments
from frontdoor import services as front_door
from frontdoor.models import Contact, ContactDraft, ContactPerson
from partners.models import Agency, User
from people.models import Person

Role = ContactPerson.Role
MAX_FILES = 10
# Drafts not touched for this long are removed, with their files (manage.py sweep_attachments).
DRAFT_KEEP = datetime.timedelta(days=2)


def start_draft(user: User, person: Person | None = None) -> ContactDraft:
    return ContactDraft.objects.create(user=user, person=person, answers={})


def save_answers(draft: ContactDraft, page: str, answers: Any) -> None:
    """Keep one page's answers in the draft (JSON: strings, ISO dates, lists and dicts)."""
    draft.answers[page] = answers
    draft.save(update_fields=["answers", "updated_at"])


def _draft_file_name() -> str:
    return "draft" + uuid.uuid4().hex


def keep_file(draft: ContactDraft, name: str, data: bytes) -> dict:
    """Check an uploaded file and keep it with the draft. AttachmentRefused saying why not."""
    files = draft.answers.setdefault("files", [])
    if len(files) >= MAX_FILES:
        raise attachments.AttachmentRefused(f"You can upload {MAX_FILES} files or fewer")
    checked = attachments.check(name, data)
    stored = _draft_file_name()
    directory = attachments.root()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = attachments.path_of(stored)
    with open(path, "wb") as handle:
        handle.write(checked.data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o600)
    kept = {"stored": stored, "name": checked.name, "size": checked.size}
    files.append(kept)
    draft.save(update_fields=["answers", "updated_at"])
    return kept


def remove_file(draft: ContactDraft, stored: str) -> bool:
    files = draft.answers.get("files", [])
    kept = [item for item in files if item["stored"] != stored]
    if len(kept) == len(files):
        return False
    draft.answers["files"] = kept
    draft.save(update_fields=["answers", "updated_at"])
    attachments.path_of(stored).unlink(missing_ok=True)
    return True


def _remove_files(stored_names: list[str]) -> None:
    for stored in stored_names:
        attachments.path_of(stored).unlink(missing_ok=True)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def people_of(draft: ContactDraft) -> list[front_door.PersonDetails]:
    """The draft's people as receive_contact takes them: the child, then the household."""
    answers = draft.answers
    address = answers.get("address") or {}
    given_address = (
        {key: address.get(key, "") for key in ("line_1", "line_2", "town", "postcode")}
        if address.get("known") == "yes"
        else None
    )
    if draft.person is not None:
        found = [front_door.PersonDetails(role=Role.SUBJECT, person=draft.person, address=given_address)]
    else:
        child = answers.get("child") or {}
        identifiers = {key: child[field] for key, field in (("NHS", "nhs_number"), ("UPN", "upn")) if child.get(field)}
        found = [
            front_door.PersonDetails(
                role=Role.SUBJECT,
                given_names=child.get("given_names", ""),
                family_name=child.get("family_name", ""),
                date_of_birth=_date(child.get("date_of_birth")),
                expected_date_of_birth=_date(child.get("expected_date")),
                kind=Person.Kind.CHILD,
                identifiers=identifiers,
                address=given_address,
            )
        ]
    for row in answers.get("children") or []:
        found.append(
            front_door.PersonDetails(
                role=Role.CHILD_IN_HOUSEHOLD,
                given_names=row["given_names"],
                family_name=row["family_name"],
                date_of_birth=_date(row.get("date_of_birth")),
                kind=Person.Kind.CHILD,
                relationship=row.get("relationship", ""),
            )
        )
    for row in answers.get("adults") or []:
        role = row.get("role") if row.get("role") in (Role.ADULT_IN_HOUSEHOLD, Role.PERSON_OF_CONCERN) else None
        found.append(
            front_door.PersonDetails(
                role=role or Role.ADULT_IN_HOUSEHOLD,
                given_names=row["given_names"],
                family_name=row["family_name"],
                date_of_birth=_date(row.get("date_of_birth")),
                kind=Person.Kind.ADULT,
                relationship=row.get("relationship", ""),
            )
        )
    return found


FAMILY_TOLD_WORDS = {
    "yes": "The family knows about this contact.",
    "no": "The family does not know about this contact.",
    "unsafe": "The family has not been told about this contact: telling them could put the child at risk.",
}


def contact_fields(draft: ContactDraft, *, for_others: bool, source_for_partner: str) -> dict[str, Any]:
    """receive_contact's keyword arguments other than people and files, from the draft."""
    answers = draft.answers
    concerns = answers.get("concerns") or {}
    consent = answers.get("consent") or {}
    referrer = answers.get("referrer") or {}
    text = concerns.get("concerns", "").strip()
    if concerns.get("child_said", "").strip():
        text += "\n\nWhat the child said:\n" + concerns["child_said"].strip()
    consent_detail = " ".join(
        part
        for part in (
            FAMILY_TOLD_WORDS.get(consent.get("family_told", ""), ""),
            consent.get("consent_detail", "").strip(),
        )
        if part
    )
    fields: dict[str, Any] = {
        "concerns": text,
        "consent": consent.get("consent", ""),
        "consent_detail": consent_detail,
        "immediate_risk": concerns.get("immediate_risk") == "yes",
        "immediate_risk_detail": concerns.get("immediate_risk_detail", ""),
        "referrer_name": referrer.get("referrer_name", ""),
        "referrer_role": referrer.get("referrer_role", ""),
        "referrer_phone": referrer.get("referrer_phone", ""),
        "referrer_email": referrer.get("referrer_email", ""),
    }
    if for_others:
        agency_id = referrer.get("referrer_agency")
        received = referrer.get("received_at")
        fields.update(
            channel=referrer.get("channel", ""),
            source=referrer.get("source", ""),
            referrer_agency=Agency.objects.filter(pk=agency_id).first() if agency_id else None,
            referrer_relationship=referrer.get("referrer_relationship", ""),
            received_at=datetime.datetime.fromisoformat(received) if received else None,
        )
    else:
        user = draft.user
        fields.update(
            channel=Contact.Channel.WEB_FORM,
            source=referrer.get("health_source") or source_for_partner,
            referrer_agency=user.agency,
        )
    return fields


@transaction.atomic
def send_draft(user: User, draft_id: uuid.UUID, *, for_others: bool, source_for_partner: str) -> tuple[Contact, bool]:
    """Make the contact from the draft (receive_contact), attaching the files uploaded to it.
    (contact, True) when made now; (contact, False) when the draft was sent already, so that a
    second press of the button, or two at once, makes one contact. The draft is locked while it
    is sent. Raises FrontDoorError or AttachmentRefused as receive_contact does; the draft is
    kept then, files and all."""
    draft = (
        ContactDraft.objects.select_for_update(of=("self",))
        .select_related("user", "person")
        .get(pk=draft_id, user=user)
    )
    if draft.contact is not None:
        return draft.contact, False
    files = []
    for item in draft.answers.get("files") or []:
        path = attachments.path_of(item["stored"])
        if not path.exists():
            raise attachments.AttachmentRefused(
                f"The file {item['name']} is no longer here: remove it and upload it again"
            )
        files.append((item["name"], path.read_bytes()))
    contact = front_door.receive_contact(
        user,
        people=people_of(draft),
        files=files,
        **contact_fields(draft, for_others=for_others, source_for_partner=source_for_partner),
    )
    stored = [item["stored"] for item in draft.answers.get("files") or []]
    # What the draft held is now the contact's: only the link to it is kept.
    draft.contact = contact
    draft.answers = {}
    draft.save(update_fields=["contact", "answers", "updated_at"])
    transaction.on_commit(lambda: _remove_files(stored))
    return contact, True


def sweep_drafts(now: datetime.datetime | None = None) -> int:
    """Remove drafts not touched for DRAFT_KEEP, with the files uploaded to them."""
    cutoff = (now or timezone.now()) - DRAFT_KEEP
    old = list(ContactDraft.objects.filter(updated_at__lt=cutoff))
    for draft in old:
        _remove_files([item["stored"] for item in (draft.answers or {}).get("files") or []])
    ContactDraft.objects.filter(pk__in=[draft.pk for draft in old]).delete()
    return len(old)
