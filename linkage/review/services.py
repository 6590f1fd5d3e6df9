"""The reviewers' decisions on a partner record the model could not link on its own (issue 20,
item 4), one transaction each, audited, and in the chronology of the child each names:

- `link_record` ("same child"): the record is the chosen candidate's. A child with statutory
  involvement (linkage.review.selectors.statutory_involvement: a child in need, on a child
  protection plan, looked after, a care leaver) is linked only when a second reviewer signs it
  off: until then the decision is "waiting for sign-off" and the record is not linked;
- `sign_off_link`: a second reviewer, never the one who proposed it, signs the link off;
- `reject_candidate` ("not this child"): the record is not the chosen candidate's;
- `record_new_child` ("new child"): the record is of a child the index does not hold; the
  child is recorded (with their consistent identifier, and the record's NHS number and UPN
  where they are valid) and the record linked to them;
- `escalate_record`: a manager decides (front-door managers, the head of service).

Each decision needs a reason. No lost update: the page carries the record's version, and a
decision is written only if the record is still at it (the record is locked, then checked),
so that of two reviewers deciding the same record at once one wins and the other is told
(`kernel.concurrency.EditConflict`). Only a record waiting for a decision can be decided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from chronology.services import record_event
from kernel.concurrency import EditConflict, save_with_version_check
from kernel.rules import Errors, RuleBroken
from people.access import shown
from people.identifiers import validate_nhs_number, validate_upn
from people.models import Identifier, Person
from people.services import add_identifier, record_person

from ..cleaning import clean_nhs_number, clean_sex, clean_upn
from ..models import CandidatePair, LinkDecision, PartnerRecord
from ..selectors import current_decision
from . import selectors

if TYPE_CHECKING:
    from partners.models import User

State = PartnerRecord.ReviewState
Outcome = LinkDecision.Outcome
REASON_LIMIT = 500


def _locked(user: User, record: PartnerRecord, version: int) -> PartnerRecord:
    """The record, locked, if it is still at the version the reviewer's page showed and waits
    for a decision this user may take."""
    current = PartnerRecord.objects.select_for_update(of=("self",)).select_related("agency", "run").get(pk=record.pk)
    if current.version != version:
        raise EditConflict(current)
    if current.review_state not in selectors.WAITING:
        raise RuleBroken({"decision": ["This record is not waiting for a decision"]})
    if current.review_state == State.ESCALATED and not selectors.is_manager(user):
        raise RuleBroken({"decision": ["A manager decides a record that was escalated"]})
    return current


def _reason(errors: Errors, reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", f"Enter why {what}")
    elif len(reason) > REASON_LIMIT:
        errors.add("reason", f"The reason must be {REASON_LIMIT} characters or fewer")
    return reason


def _candidate(user: User, record: PartnerRecord, person_id: int | str | None, errors: Errors) -> CandidatePair | None:
    """The chosen candidate of the record's last run, if it is one the user may be shown and
    still in the index (not restricted since)."""
    if not person_id or not str(person_id).isdigit():
        errors.add("person", "Select the child")
        return None
    pair = (
        CandidatePair.objects.filter(record=record, run_id=record.run_id, person_id=int(person_id))
        .select_related("person")
        .first()
    )
    if pair is None or not shown(user, [pair.person])[pair.person_id]:
        errors.add("person", "Select one of the children the model found")
        return None
    if not _in_index(pair.person):
        errors.add("person", "This child cannot be linked: their record is no longer on the index")
        return None
    return pair


def _in_index(person: Person) -> bool:
    """Whether the person is in the linkage index now (a child, not restricted: as
    linkage.selectors.index_rows)."""
    return Person.objects.filter(pk=person.pk, kind=Person.Kind.CHILD, restricted=False).exists()


def _decide(
    user: User,
    record: PartnerRecord,
    version: int,
    decision: LinkDecision,
    state: str,
    summary: str,
) -> LinkDecision:
    decision.save(force_insert=True)
    old = record.review_state
    save_with_version_check(record, version, {"review_state": state})
    audit.record_creation(user, decision, person=decision.person_id, summary=summary)
    audit.record_change(
        user,
        record,
        {"review_state": (old, state)},
        person=decision.person_id,
        version=record.version,
        summary=summary,
    )
    return decision


def _chronology(user: User, decision: LinkDecision, kind: str, title: str, detail: str = "") -> None:
    if decision.person_id is None:
        return
    record_event(
        decision.person,
        kind,
        timezone.now(),
        title,
        detail=detail or decision.reason,
        agency=decision.record.agency,
        source=decision,
        recorded_by=user,
    )


def _agency(record: PartnerRecord) -> str:
    return str(record.agency)


@transaction.atomic
def link_record(
    user: User, record: PartnerRecord, *, person_id: int | str | None, reason: str, version: int
) -> LinkDecision:
    """Same child: link the record to the chosen candidate, or, for a child with statutory
    involvement, propose the link for a second reviewer's sign-off."""
    errors = Errors()
    current = _locked(user, record, version)
    pair = _candidate(user, current, person_id, errors)
    reason = _reason(errors, reason, "this is the same child")
    errors.raise_if_any()
    assert pair is not None
    statutory = selectors.statutory_involvement(user, [pair.person])[pair.person_id]
    outcome = Outcome.AWAITING_SIGN_OFF if statutory else Outcome.LINKED
    decision = LinkDecision(
        record=current,
        person=pair.person,
        outcome=outcome,
        run_id=current.run_id,
        decided_by=user,
        reason=reason,
        match_weight=pair.match_weight,
        guards=list(pair.guards),
    )
    if statutory:
        _decide(
            user, current, version, decision, State.SIGN_OFF, "Proposed linking a partner record: waiting for sign-off"
        )
        _chronology(
            user,
            decision,
            "linkage-proposed",
            f"A record from {_agency(current)} proposed as this child's, waiting for a second reviewer",
        )
    else:
        _decide(user, current, version, decision, State.NONE, "Linked a partner record to the child")
        _chronology(user, decision, "linkage-linked", f"A record from {_agency(current)} linked to this child")
    return decision


@transaction.atomic
def sign_off_link(user: User, record: PartnerRecord, *, reason: str, version: int) -> LinkDecision:
    """A second reviewer signs off a proposed link of a child with statutory involvement: the
    record is linked. The reviewer who proposed it cannot."""
    errors = Errors()
    current = _locked(user, record, version)
    proposal = current_decision(current)
    if current.review_state != State.SIGN_OFF or proposal is None or proposal.outcome != Outcome.AWAITING_SIGN_OFF:
        raise RuleBroken({"decision": ["No link of this record is waiting for sign-off"]})
    if proposal.decided_by_id == user.pk:
        errors.add("decision", "You proposed this link: a second reviewer must sign it off")
    reason = _reason(errors, reason, "you sign off the link")
    person = proposal.person
    assert person is not None
    if not _in_index(person) or not shown(user, [person])[person.pk]:
        errors.add("decision", "This child cannot be linked: their record is no longer on the index")
    errors.raise_if_any()
    decision = LinkDecision(
        record=current,
        person=proposal.person,
        outcome=Outcome.LINKED,
        run_id=proposal.run_id,
        decided_by_id=proposal.decided_by_id,
        reason=proposal.reason,
        match_weight=proposal.match_weight,
        guards=proposal.guards,
        signed_off_by=user,
        signed_off_at=timezone.now(),
    )
    _decide(user, current, version, decision, State.NONE, "Signed off the link of a partner record to the child")
    _chronology(
        user,
        decision,
        "linkage-linked",
        f"A record from {_agency(current)} linked to this child, signed off by a second reviewer",
        detail=f"{proposal.reason}\nSigned off: {reason}",
    )
    return decision


@transaction.atomic
def reject_candidate(
    user: User, record: PartnerRecord, *, person_id: int | str | None, reason: str, version: int
) -> LinkDecision:
    """Not this child: the record is not the chosen candidate's (a labelled pair that is not a
    match). The record is left unlinked."""
    errors = Errors()
    current = _locked(user, record, version)
    pair = _candidate(user, current, person_id, errors)
    reason = _reason(errors, reason, "this is not the same child")
    errors.raise_if_any()
    assert pair is not None
    decision = LinkDecision(
        record=current,
        person=pair.person,
        outcome=Outcome.NOT_A_MATCH,
        run_id=current.run_id,
        decided_by=user,
        reason=reason,
        match_weight=pair.match_weight,
        guards=list(pair.guards),
    )
    _decide(user, current, version, decision, State.NONE, "Decided a partner record is not this child")
    _chronology(user, decision, "linkage-not-a-match", f"A record from {_agency(current)} found not to be this child")
    return decision


@transaction.atomic
def record_new_child(user: User, record: PartnerRecord, *, reason: str, version: int) -> LinkDecision:
    """New child: the record is of a child the index does not hold. The child is recorded from
    the record (names, date of birth, sex; the NHS number and UPN where valid), issued their
    consistent identifier, and the record linked to them."""
    errors = Errors()
    current = _locked(user, record, version)
    reason = _reason(errors, reason, "this is a child not on the index")
    errors.raise_if_any()
    person = record_person(
        user,
        kind=Person.Kind.CHILD,
        given_names=current.given_names,
        family_name=current.family_name,
        date_of_birth=current.date_of_birth,
        sex=clean_sex(current.sex) or "",
        agency=current.agency,
    )
    nhs_number, _ = clean_nhs_number(current.nhs_number)
    if nhs_number:
        add_identifier(user, person, id_type=Identifier.Type.NHS, value=validate_nhs_number(nhs_number))
    upn, _ = clean_upn(current.upn)
    if upn:
        add_identifier(user, person, id_type=Identifier.Type.UPN, value=validate_upn(upn))
    decision = LinkDecision(
        record=current,
        person=person,
        outcome=Outcome.NEW_PERSON,
        run_id=current.run_id,
        decided_by=user,
        reason=reason,
    )
    _decide(user, current, version, decision, State.NONE, "Recorded a new child from a partner record")
    _chronology(
        user, decision, "linkage-new-child", f"Recorded from a record from {_agency(current)}: a child not on the index"
    )
    return decision


@transaction.atomic
def escalate_record(user: User, record: PartnerRecord, *, reason: str, version: int) -> LinkDecision:
    """Escalate: a manager decides the record."""
    errors = Errors()
    current = _locked(user, record, version)
    if current.review_state == State.ESCALATED:
        errors.add("decision", "This record was escalated already: a manager decides it")
    reason = _reason(errors, reason, "a manager should decide")
    errors.raise_if_any()
    decision = LinkDecision(
        record=current, outcome=Outcome.ESCALATED, run_id=current.run_id, decided_by=user, reason=reason
    )
    return _decide(user, current, version, decision, State.ESCALATED, "Escalated a partner record to a manager")


def decide(
    user: User, record: PartnerRecord, *, decision: str, person_id: int | str | None, reason: str, version: int
) -> LinkDecision:
    """The decision the reviewer chose on the page: "same", "not", "new", "escalate" or
    "sign_off" (linkage.review.forms)."""
    if decision == "same":
        return link_record(user, record, person_id=person_id, reason=reason, version=version)
    if decision == "not":
        return reject_candidate(user, record, person_id=person_id, reason=reason, version=version)
    if decision == "new":
        return record_new_child(user, record, reason=reason, version=version)
    if decision == "escalate":
        return escalate_record(user, record, reason=reason, version=version)
    if decision == "sign_off":
        return sign_off_link(user, record, reason=reason, version=version)
    raise RuleBroken({"decision": ["Select your decision"]})
