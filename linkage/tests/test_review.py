"""The reviewers' decisions (issue 20, item 4): same child / not this child / new child /
escalate, each with a reason, audited and in the chronology of the child it names; a second
reviewer, never the proposer, signs off a link of a child with statutory involvement; two
reviewers deciding at once cannot both win; a child who may not be shown never is. Everyone
here is synthetic."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from kernel.concurrency import EditConflict
from kernel.rules import RuleBroken
from linkage import testing
from linkage.models import LinkDecision, PartnerRecord
from linkage.review import selectors, services
from linkage.selectors import current_decision
from partners.models import User
from people.models import Identifier, Person, RestrictedAccess
from testing import builders

pytestmark = pytest.mark.django_db
R = User.Role
State = PartnerRecord.ReviewState
Outcome = LinkDecision.Outcome


@pytest.fixture
def police(db):
    return builders.police()


@pytest.fixture
def reviewer(user):
    return user(R.MASH_PRACTITIONER)


@pytest.fixture
def second(user):
    return user(R.MASH_PRACTITIONER)


@pytest.fixture
def mash_manager(user):
    return user(R.MASH_MANAGER)


@pytest.fixture
def twin(db):
    return builders.child(given_names="Alexa", date_of_birth=datetime.date(2016, 4, 1), sex="F")


@pytest.fixture
def record(police, child, twin):
    return testing.scored_record(police, [child, twin])


def _with_a_plan(child, worker, manager):
    """A child in need: statutory involvement (an open referral and assessment)."""
    builders.allocated_episode(worker, manager, child, timezone.localdate() - datetime.timedelta(days=20))
    return child


def test_a_run_puts_a_record_in_review_in_the_queue_with_its_candidates(record, reviewer, child):
    assert record.review_state == State.REVIEW
    assert list(selectors.waiting(reviewer)) == [record]
    found = selectors.review(reviewer, record)
    assert [c.person for c in found.candidates][0] == child
    best = found.candidates[0]
    assert best.reasons[0].key == "prior"
    words = [r.sentence for r in best.reasons]
    assert "Dates of birth are the same: +7.1" in words
    assert "Family names are different (Newname, Testchild): −2.0" in words
    assert found.candidates[0].guards == ["Another candidate's weight is close to this one's"]
    assert [f.compared for f in best.fields][:3] == ["Same", "Different", "Same"]


def test_same_child_links_the_record_audited_and_in_the_chronology(record, reviewer, child):
    decision = services.link_record(
        reviewer, record, person_id=child.pk, reason="Same school and address", version=record.version
    )
    record.refresh_from_db()
    assert (decision.outcome, decision.person, decision.decided_by) == (Outcome.LINKED, child, reviewer)
    assert decision.match_weight == pytest.approx(6.4)
    assert record.review_state == State.NONE
    assert not selectors.waiting(reviewer).exists()
    entry = ChronologyEntry.objects.get(person=child, kind="linkage-linked")
    assert "Testshire Police" in entry.title
    assert entry.detail == "Same school and address"
    assert AuditEvent.objects.filter(user=reviewer, action="create", person_id=child.pk, object_id=str(decision.pk))
    assert selectors.labelled_pairs()[0].same is True


def test_each_decision_needs_a_reason_and_a_child_the_model_found(record, reviewer, child, sibling):
    with pytest.raises(RuleBroken) as broken:
        services.link_record(reviewer, record, person_id=sibling.pk, reason="", version=record.version)
    assert broken.value.errors == {
        "person": ["Select one of the children the model found"],
        "reason": ["Enter why this is the same child"],
    }
    with pytest.raises(RuleBroken, match="Select the child"):
        services.reject_candidate(reviewer, record, person_id="", reason="x", version=record.version)
    with pytest.raises(RuleBroken, match="Select your decision"):
        services.decide(reviewer, record, decision="", person_id=child.pk, reason="x", version=record.version)
    assert not LinkDecision.objects.exists()
    assert not ChronologyEntry.objects.filter(kind__startswith="linkage").exists()


def test_not_this_child_is_a_labelled_pair_that_is_not_a_match(record, reviewer, twin):
    decision = services.reject_candidate(
        reviewer, record, person_id=twin.pk, reason="Different NHS number", version=record.version
    )
    assert (decision.outcome, decision.person) == (Outcome.NOT_A_MATCH, twin)
    assert ChronologyEntry.objects.filter(person=twin, kind="linkage-not-a-match").exists()
    [label] = selectors.labelled_pairs()
    assert (label.person_id, label.same) == (twin.pk, False)


def test_a_new_child_is_recorded_with_the_records_valid_identifiers(police, reviewer, child):
    record = testing.scored_record(police, [child], given_names="Robin", nhs_number="9434765919", upn="X12345")
    decision = services.record_new_child(reviewer, record, reason="Born after the index child", version=record.version)
    person = decision.person
    assert decision.outcome == Outcome.NEW_PERSON
    assert (person.given_names, person.family_name, person.kind) == ("Robin", "Newname", Person.Kind.CHILD)
    assert person.identifiers.filter(id_type=Identifier.Type.NHS, value="9434765919").exists()
    assert person.identifiers.filter(id_type=Identifier.Type.CONSISTENT).exists()
    assert not person.identifiers.filter(id_type=Identifier.Type.UPN).exists()  # not a valid UPN
    assert ChronologyEntry.objects.filter(person=person, kind="linkage-new-child").exists()
    # Every candidate the reviewer saw is a pair that is not a match.
    assert [(x.person_id, x.same) for x in selectors.labelled_pairs()] == [(child.pk, False)]


def test_an_escalated_record_is_decided_by_a_manager(record, reviewer, mash_manager, child):
    services.escalate_record(reviewer, record, reason="Two children could be this one", version=record.version)
    record.refresh_from_db()
    assert record.review_state == State.ESCALATED
    with pytest.raises(RuleBroken, match="A manager decides"):
        services.link_record(reviewer, record, person_id=child.pk, reason="x", version=record.version)
    with pytest.raises(RuleBroken, match="escalated already"):
        services.escalate_record(mash_manager, record, reason="x", version=record.version)
    services.link_record(mash_manager, record, person_id=child.pk, reason="The GP confirmed", version=record.version)
    record.refresh_from_db()
    assert record.review_state == State.NONE


def test_a_child_with_statutory_involvement_waits_for_a_second_reviewer(
    record, reviewer, second, child, worker, manager
):
    _with_a_plan(child, worker, manager)
    assert selectors.statutory_involvement(reviewer, [child])[child.pk]
    proposal = services.link_record(reviewer, record, person_id=child.pk, reason="Same GP", version=record.version)
    record.refresh_from_db()
    assert proposal.outcome == Outcome.AWAITING_SIGN_OFF
    assert record.review_state == State.SIGN_OFF
    assert selectors.labelled_pairs() == []  # not linked, not a label yet
    assert ChronologyEntry.objects.filter(person=child, kind="linkage-proposed").exists()
    # The proposer cannot sign off their own link.
    with pytest.raises(RuleBroken, match="a second reviewer must sign it off"):
        services.sign_off_link(reviewer, record, reason="Agreed", version=record.version)
    record.refresh_from_db()
    assert record.review_state == State.SIGN_OFF
    linked = services.sign_off_link(second, record, reason="Checked the NHS number", version=record.version)
    assert (linked.outcome, linked.person, linked.decided_by, linked.signed_off_by) == (
        Outcome.LINKED,
        child,
        reviewer,
        second,
    )
    record.refresh_from_db()
    assert record.review_state == State.NONE
    assert selectors.labelled_pairs()[0].same is True


def test_the_database_refuses_a_sign_off_by_the_proposer(record, reviewer, child):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        LinkDecision.objects.create(
            record=record,
            person=child,
            outcome=Outcome.LINKED,
            decided_by=reviewer,
            signed_off_by=reviewer,
            signed_off_at=timezone.now(),
        )


def test_of_two_reviewers_deciding_at_once_only_the_first_wins(record, reviewer, second, child, twin):
    seen = record.version  # both pages showed this version
    services.link_record(reviewer, record, person_id=child.pk, reason="Same school", version=seen)
    with pytest.raises(EditConflict) as conflict:
        services.reject_candidate(second, record, person_id=child.pk, reason="Not her", version=seen)
    assert conflict.value.current.review_state == State.NONE
    assert LinkDecision.objects.filter(record=record).count() == 1


def test_a_decided_record_cannot_be_decided_again(record, reviewer, child):
    services.link_record(reviewer, record, person_id=child.pk, reason="Same", version=record.version)
    record.refresh_from_db()
    with pytest.raises(RuleBroken, match="not waiting for a decision"):
        services.escalate_record(reviewer, record, reason="x", version=record.version)


def test_a_candidate_restricted_since_the_run_is_never_shown_or_linked(record, reviewer, second, child):
    child.restricted = True
    child.save()
    RestrictedAccess.objects.create(person=child, user=second)
    assert not selectors.waiting(reviewer).exists()
    assert selectors.review(reviewer, record) is None
    with pytest.raises(RuleBroken, match="Select one of the children the model found"):
        services.link_record(reviewer, record, person_id=child.pk, reason="x", version=record.version)
    # Named on the restriction: shown, but never linked (restricted children are not in the index).
    assert list(selectors.waiting(second)) == [record]
    with pytest.raises(RuleBroken, match="no longer on the index"):
        services.link_record(second, record, person_id=child.pk, reason="x", version=record.version)


def test_a_later_run_keeps_a_reviewers_decision(police, reviewer, child):
    record = testing.scored_record(police, [child])
    services.reject_candidate(reviewer, record, person_id=child.pk, reason="Not him", version=record.version)
    again = testing.scored_record(police, [child], band="auto")
    assert again.pk == record.pk
    assert again.review_state == State.NONE
    assert current_decision(again).outcome == Outcome.NOT_A_MATCH  # not linked automatically


def test_accuracy_counts_what_the_model_would_have_done(police, reviewer, child, twin, sibling):
    strong = {**testing.WEIGHTS, "nhs_number": 9.0}  # 15.4: the model would link it
    for number, (person, weights, same) in enumerate(
        [(child, strong, True), (twin, strong, False), (sibling, testing.WEIGHTS, True)]
    ):
        record = testing.scored_record(police, [person], record_id=f"A{number}", weights=[weights], guards=[[]])
        act = services.link_record if same else services.reject_candidate
        act(reviewer, record, person_id=person.pk, reason="Checked", version=record.version)
    found = selectors.accuracy()
    assert (found.labels, found.same) == (3, 2)
    weight_alone = found.rows[0]
    assert (weight_alone.linked_right, weight_alone.linked_wrong, weight_alone.missed) == (1, 1, 1)
    assert weight_alone.precision == pytest.approx(0.5)
    assert weight_alone.recall == pytest.approx(0.5)


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_the_same_moment_on_postgresql(police, child, twin, user):
    """The real race, on PostgreSQL: two reviewers' decisions on one record, in two connections
    at once. The first locks the record; the second waits, then finds it changed: one wins."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once: PostgreSQL's row locks")
    record = testing.scored_record(police, [child, twin])
    reviewers = [user(R.MASH_PRACTITIONER), user(R.MASH_PRACTITIONER)]
    start = threading.Barrier(2)
    outcomes = []

    def decide(reviewer, act, person):
        from django.db import connection as own

        try:
            start.wait()
            act(reviewer, record, person_id=person.pk, reason="At once", version=record.version)
            outcomes.append("won")
        except EditConflict:
            outcomes.append("refused")
        finally:
            own.close()

    threads = [
        threading.Thread(target=decide, args=(reviewers[0], services.link_record, child)),
        threading.Thread(target=decide, args=(reviewers[1], services.reject_candidate, twin)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "won"]
    assert LinkDecision.objects.filter(record=record).count() == 1
