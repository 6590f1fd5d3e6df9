"""Property-based test (Hypothesis): any sequence of reviewers' decisions on a record (same
child, not this child, new child, escalate, sign off), by any of three reviewers (two
practitioners and a manager), some from a page that is out of date, keeps the invariants:

- a decision refused (a rule, or someone deciding first) writes nothing and changes nothing;
- the current decision is the latest one written, and what waits on the record agrees with it;
- a record is never linked to more than one child, nor twice;
- a child with statutory involvement is linked only with a second reviewer's sign-off, and a
  sign-off is never the proposer's.

Everyone here is synthetic.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kernel.concurrency import EditConflict
from kernel.rules import RuleBroken
from linkage import testing
from linkage.models import LinkDecision, PartnerRecord
from linkage.review import services
from linkage.selectors import current_decision
from partners.models import User
from testing import builders

State = PartnerRecord.ReviewState
Outcome = LinkDecision.Outcome
WAITS = {
    None: State.REVIEW,
    Outcome.ESCALATED: State.ESCALATED,
    Outcome.AWAITING_SIGN_OFF: State.SIGN_OFF,
    Outcome.LINKED: State.NONE,
    Outcome.NOT_A_MATCH: State.NONE,
    Outcome.NEW_PERSON: State.NONE,
}

steps = st.lists(
    st.tuples(
        st.sampled_from(["same", "not", "new", "escalate", "sign_off"]),
        st.integers(0, 1),  # which candidate
        st.integers(0, 2),  # which reviewer
        st.sampled_from([False, False, False, True]),  # from a page out of date (now and then)
        st.sampled_from(["Checked", "Checked", "Checked", ""]),  # a reason, or (now and then) none
    ),
    min_size=1,
    max_size=6,
)


class Rollback(Exception):
    pass


@pytest.fixture
def world(user, worker, manager):
    police = builders.police()
    plain = builders.child("Alex", "Testchild", date_of_birth=datetime.date(2016, 4, 1))
    statutory = builders.child("Alexa", "Testchild", date_of_birth=datetime.date(2016, 4, 1), sex="F")
    builders.allocated_episode(worker, manager, statutory, timezone.localdate() - datetime.timedelta(days=20))
    reviewers = [user(User.Role.MASH_PRACTITIONER), user(User.Role.MASH_PRACTITIONER), user(User.Role.MASH_MANAGER)]
    testing.approved_model(reviewers[2])
    return {"police": police, "people": [plain, statutory], "statutory": statutory, "reviewers": reviewers}


def _snapshot(record):
    record.refresh_from_db()
    return (record.version, record.review_state, list(record.decisions.order_by("id").values_list("id", flat=True)))


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps, order=st.permutations([0, 1]))
# The sign-off path, always: a link of the child with statutory involvement, signed off by its
# proposer (refused), then by another reviewer.
@example(
    steps=[
        ("same", 1, 0, False, "Checked"),
        ("sign_off", 0, 0, False, "Checked"),
        ("sign_off", 0, 1, True, "Checked"),
        ("sign_off", 0, 1, False, "Checked"),
    ],
    order=[0, 1],
)
def test_any_sequence_of_decisions_keeps_the_invariants(world, steps, order):
    try:
        with transaction.atomic():
            people = [world["people"][i] for i in order]
            record = testing.scored_record(world["police"], people)
            for decision, which, who, stale, reason in steps:
                before = _snapshot(record)
                version = record.version - 1 if stale else record.version
                try:
                    with transaction.atomic():
                        made = services.decide(
                            world["reviewers"][who],
                            record,
                            decision=decision,
                            person_id=people[which].pk,
                            reason=reason,
                            version=version,
                        )
                except (RuleBroken, EditConflict):
                    assert _snapshot(record) == before, "a refused decision changes nothing"
                    continue
                assert not stale, "a decision from an old page is refused"
                assert reason, "a decision without a reason is refused"
                after = _snapshot(record)
                assert after[2] == [*before[2], made.pk]
                assert current_decision(record) == made, "the current decision is the latest"
                assert after[0] > before[0]
                _check(record, world)
            _check(record, world)
            raise Rollback
    except Rollback:
        pass


def _check(record, world):
    current = current_decision(record)
    assert record.review_state == WAITS[current.outcome if current else None]
    linked = list(record.decisions.filter(outcome=Outcome.LINKED))
    assert len(linked) <= 1, "a record is linked once, to one child"
    for decision in record.decisions.exclude(signed_off_by=None):
        assert decision.signed_off_by_id != decision.decided_by_id, "never signed off by the proposer"
    for decision in linked:
        if decision.person_id == world["statutory"].pk:
            assert decision.signed_off_by_id is not None, "statutory involvement needs a second reviewer"
