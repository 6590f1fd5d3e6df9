"""Property-based test (Hypothesis): any sequence of disclosures and decisions not to share,
on days either side of the s16LA commencement date, with any basis asked for (none, s16LA, the
earlier basis, one not on the list), with or without what was shared, reasons and a decision
maker, driven through the services, keeps the log's invariants:

- no disclosure made before commencement rests on s16LA, and one made on or after it with no
  basis asked for rests on s16LA (the duty applies from its commencement date);
- every disclosure and decision kept has exactly one chronology entry and one audit entry, and
  the log holds exactly the steps the services accepted, in the order of their days;
- every decision not to share kept has reasons and a decision maker;
- a refused step is a rule error that changes nothing.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from kernel.rules import RuleBroken
from partners.models import User
from sharing import bases, services
from sharing.models import Disclosure, Withholding
from testing import builders

COMMENCED_DAYS_AGO = 10
BASES = ["", bases.S16LA, "WT2023-DPA2018", "made-up"]

steps = st.lists(
    st.one_of(
        st.tuples(st.just("share"), st.integers(0, 20), st.sampled_from(BASES), st.booleans()),
        st.tuples(st.just("withhold"), st.integers(0, 20), st.booleans(), st.booleans()),
    ),
    min_size=1,
    max_size=8,
)


class Rollback(Exception):
    pass


def snapshot(child):
    return (
        list(Disclosure.objects.filter(person=child).order_by("id").values_list("pk", "lawful_basis")),
        list(Withholding.objects.filter(person=child).order_by("id").values_list("pk", "reasons")),
        ChronologyEntry.objects.filter(person=child).count(),
        AuditEvent.objects.filter(person_id=child.pk).count(),
    )


def check_invariants(child, commencement, accepted):
    disclosures = list(Disclosure.objects.filter(person=child))
    withholdings = list(Withholding.objects.filter(person=child))
    assert len(disclosures) + len(withholdings) == len(accepted)
    for disclosure in disclosures:
        day = timezone.localtime(disclosure.shared_at).date()
        if day < commencement:
            assert disclosure.lawful_basis != bases.S16LA, "s16LA before its commencement"
        assert (
            ChronologyEntry.objects.filter(person=child, kind="information-shared", source_id=disclosure.pk).count()
            == 1
        )
        assert AuditEvent.objects.filter(object_type="sharing.disclosure", object_id=str(disclosure.pk)).count() == 1
    for withholding in withholdings:
        assert withholding.reasons.strip()
        assert withholding.decided_by_id
        assert (
            ChronologyEntry.objects.filter(person=child, kind="information-withheld", source_id=withholding.pk).count()
            == 1
        )
        assert AuditEvent.objects.filter(object_type="sharing.withholding", object_id=str(withholding.pk)).count() == 1
    for kind, day, asked, pk in accepted:
        if kind == "share" and asked == "" and day >= commencement:
            assert Disclosure.objects.get(pk=pk).lawful_basis == bases.S16LA


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_any_sequence_keeps_the_logs_invariants(user, settings, steps):
    worker = user()
    manager = user(User.Role.TEAM_MANAGER)
    today = timezone.localdate()
    commencement = today - datetime.timedelta(days=COMMENCED_DAYS_AGO)
    settings.S16LA_COMMENCEMENT = commencement.isoformat()
    try:
        with transaction.atomic():
            police = builders.police()
            child = builders.child(given_names="Prop")
            accepted = []
            for step in steps:
                kind, ago = step[0], step[1]
                day = today - datetime.timedelta(days=ago)
                before = snapshot(child)
                try:
                    if kind == "share":
                        asked, with_what = step[2], step[3]
                        found = services.record_disclosure(
                            worker,
                            child,
                            what="Shared" if with_what else " ",
                            to_agency=police,
                            shared_at=services.at_noon(day),
                            lawful_basis=asked,
                        )
                        accepted.append((kind, day, asked, found.pk))
                    else:
                        with_reasons, with_maker = step[2], step[3]
                        found = services.record_withholding(
                            worker,
                            child,
                            information="Held back",
                            reasons="More detrimental" if with_reasons else "",
                            decision_maker=manager if with_maker else None,
                            to_agency=police,
                            decided_on=day,
                        )
                        accepted.append((kind, day, "", found.pk))
                except RuleBroken as refused:
                    assert refused.errors, "a refusal says why"
                    assert snapshot(child) == before, f"a refused {kind} changed something"
                check_invariants(child, commencement, accepted)
            raise Rollback
    except Rollback:
        pass
