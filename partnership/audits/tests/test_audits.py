"""Multi-agency audits, from the issue's words: "a themed audit of a sample of cases (chosen by
rule, e.g. children on a plan for neglect over 12 months), each agency answering the audit
questions for the cases it knows, graded findings, and actions; the sample is drawn from the
records and access to each case follows the need-to-know rules (auditors get time-limited
access, audited)". Bad input: "an audit sample that names a restricted child to someone not named
on it" is a clear error, nothing half-saved.

Each refusal checks the message and that nothing was saved."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from kernel.rules import RuleBroken
from kernel.timescales import add_months
from partners.models import User
from partnership.audits import rules, selectors, services
from partnership.audits.models import AgencyAnswer, AgencyReturn, AuditAction, MultiAgencyAudit, SampledCase
from people.access import Level, level, levels, person_for
from people.models import Involvement, RestrictedAccess

from .conftest import SAMPLE_DATE

R = User.Role
NEGLECT = "neglect-plan-12-months"
MISSING = "missing-3-times"


def matched(slug, on=SAMPLE_DATE):
    return {match.person_id for match in rules.matches(rules.sample_rule(slug), on)}


# --- The sampling rules, on hand-built records ---------------------------------------------------


def test_neglect_rule_takes_plans_for_neglect_of_over_12_months_on_the_sample_date(on_plan):
    twelve_months_before = add_months(SAMPLE_DATE, -12)
    over = on_plan("Over", twelve_months_before - datetime.timedelta(days=1))
    exactly = on_plan("Exactly", twelve_months_before)
    under = on_plan("Under", twelve_months_before + datetime.timedelta(days=1))
    physical = on_plan("Physical", datetime.date(2024, 1, 1), category="PHY")
    ended = on_plan("Ended", datetime.date(2024, 1, 1), end=SAMPLE_DATE - datetime.timedelta(days=1))
    ends_on_the_day = on_plan("EndsOnTheDay", datetime.date(2024, 1, 1), end=SAMPLE_DATE)
    ended_later = on_plan("EndedLater", datetime.date(2024, 1, 1), end=SAMPLE_DATE + datetime.timedelta(days=3))

    found = matched(NEGLECT)

    assert over.pk in found
    assert ended_later.pk in found  # open on the sample date, whatever happened after
    assert exactly.pk not in found  # exactly 12 months is not "over 12 months"
    assert under.pk not in found
    assert physical.pk not in found
    assert ended.pk not in found
    assert ends_on_the_day.pk not in found
    reason = next(m.reason for m in rules.matches(rules.sample_rule(NEGLECT), SAMPLE_DATE) if m.person_id == over.pk)
    assert "neglect" in reason
    assert "more than 12 months" in reason


def test_missing_rule_counts_episodes_in_the_12_months_to_the_sample_date(missing):
    days_in_year = (SAMPLE_DATE - add_months(SAMPLE_DATE, -12)).days
    three = missing("Three", [0, 100, days_in_year - 1])
    two = missing("Two", [10, 20])
    one_too_old = missing("OneTooOld", [10, 20, days_in_year])  # exactly 12 months before: outside
    after = missing("After", [10, 20, -1])  # the day after the sample date: not yet

    found = matched(MISSING)

    assert found == {three.pk}
    assert {two.pk, one_too_old.pk, after.pk}.isdisjoint(found)


@settings(max_examples=60, deadline=None)
@given(
    ids=st.sets(st.integers(min_value=1, max_value=10_000), max_size=40),
    size=st.integers(min_value=1, max_value=50),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
)
def test_a_draw_never_exceeds_its_size_takes_only_matches_and_repeats_by_seed(ids, size, seed):
    found = [rules.Match(pk, f"Reason {pk}") for pk in ids]
    shuffled = list(reversed(found))

    drawn = rules.draw(found, size, seed)

    assert len(drawn) == min(size, len(found))
    assert len({m.person_id for m in drawn}) == len(drawn)
    assert {m.person_id for m in drawn} <= ids
    # The same matches (in any order), size and seed draw the same sample in the same order.
    assert rules.draw(shuffled, size, seed) == drawn


# --- Planning --------------------------------------------------------------------------------------


def test_the_access_window_is_at_most_90_days(plan):
    start = datetime.date.today()
    with pytest.raises(RuleBroken) as refused:
        plan(access_from=start, access_to=start + datetime.timedelta(days=91))
    assert "at most 90 days" in refused.value.errors["access_to"][0]
    assert not MultiAgencyAudit.objects.exists()
    assert plan(access_from=start, access_to=start + datetime.timedelta(days=90)).pk


def test_planning_needs_theme_auditors_agencies_questions_and_a_known_rule(officer):
    with pytest.raises(RuleBroken) as refused:
        services.plan_audit(
            officer,
            theme=" ",
            sample_rule="no-such-rule",
            sample_size=0,
            sample_date=None,
            auditors=[],
            agencies=[],
            questions=[(" ", [])],
            access_from=None,
            access_to=None,
        )
    assert set(refused.value.errors) == {
        "theme",
        "sample_rule",
        "sample_size",
        "sample_date",
        "auditors",
        "agencies",
        "questions",
        "access_from",
        "access_to",
    }
    assert not MultiAgencyAudit.objects.exists()


def test_an_analyst_cannot_be_an_auditor(plan, user):
    with pytest.raises(RuleBroken) as refused:
        plan([user(R.ANALYST)])
    assert "cannot be an auditor" in refused.value.errors["auditors"][0]


# --- Drawing the sample, and a restricted child -------------------------------------------------


def test_the_sample_is_drawn_by_the_rule_and_the_seed_with_why_each_was_chosen(plan, on_plan):
    children = [on_plan(f"Child{n}", datetime.date(2024, 1, 1 + n)) for n in range(6)]
    on_plan("TooRecent", SAMPLE_DATE - datetime.timedelta(days=30))
    audit = plan(size=4, seed=11)

    cases = services.draw_sample(audit.created_by, audit)

    audit.refresh_from_db()
    assert audit.status == MultiAgencyAudit.Status.SAMPLED
    assert audit.eligible_count == 6
    assert len(cases) == 4
    expected = rules.draw(rules.matches(rules.sample_rule(NEGLECT), SAMPLE_DATE), 4, 11)
    assert [case.person_id for case in cases] == [m.person_id for m in expected]
    assert {case.person_id for case in cases} <= {c.pk for c in children}
    assert all("neglect" in case.reason for case in cases)
    # The grant is in each sampled child's audit trail, with the audit's reason.
    for case in cases:
        assert AuditEvent.objects.filter(
            person_id=case.person_id, reason=f"multi-agency audit {audit.reference}"
        ).exists()
    with pytest.raises(RuleBroken, match="already been drawn"):
        services.draw_sample(audit.created_by, audit)


def test_a_sample_naming_a_restricted_child_to_an_auditor_not_named_on_it_is_refused_whole(plan, on_plan, user):
    children = [on_plan(f"Child{n}", datetime.date(2024, 1, 1 + n)) for n in range(3)]
    secret = children[1]
    secret.restricted = True
    secret.save(update_fields=["restricted"])
    officer_named = plan().created_by
    partner = user(R.PARTNER_PRACTITIONER)
    RestrictedAccess.objects.create(person=secret, user=officer_named)
    audit = plan([officer_named, partner])
    events = AuditEvent.objects.count()

    with pytest.raises(RuleBroken) as refused:
        services.draw_sample(officer_named, audit)

    message = str(refused.value)
    assert "restricted record that not every auditor is named on" in message
    assert secret.family_name not in message
    assert secret.given_names not in message
    assert not SampledCase.objects.filter(audit=audit).exists()
    audit.refresh_from_db()
    assert audit.status == MultiAgencyAudit.Status.PLANNED
    assert AuditEvent.objects.count() == events

    # With every auditor named on the restriction, the same draw goes ahead.
    RestrictedAccess.objects.create(person=secret, user=partner)
    assert len(services.draw_sample(officer_named, audit)) == 3


def test_no_matching_child_is_a_clear_error(plan):
    audit = plan()
    with pytest.raises(RuleBroken, match="No child matches the rule"):
        services.draw_sample(audit.created_by, audit)


# --- The auditors' time-limited access ---------------------------------------------------------


def test_an_auditor_holds_the_record_only_in_the_window_of_a_live_audit(plan, on_plan, user, settings):
    child = on_plan("Audited", datetime.date(2024, 2, 2))
    officer = user(R.PARTNERSHIP_OFFICER)
    scrutineer = user(R.SCRUTINEER)
    bystander = user(R.SCRUTINEER)
    worker = user(R.SOCIAL_WORKER, team=None)
    today = datetime.date.today()
    audit = plan(
        [officer, scrutineer, worker],
        access_from=today + datetime.timedelta(days=2),
        access_to=today + datetime.timedelta(days=30),
    )
    services.draw_sample(audit.created_by, audit)

    # Before the window: none (a social worker sees the index, as of any child).
    assert level(officer, child) == Level.NONE
    assert level(scrutineer, child) == Level.NONE
    assert level(worker, child) == Level.INDEX

    # During the window: the full record, in levels and in person_for.
    MultiAgencyAudit.objects.filter(pk=audit.pk).update(access_from=today - datetime.timedelta(days=1))
    for auditor in (officer, scrutineer, worker):
        assert level(auditor, child) == Level.FULL
        assert person_for(auditor, child.pk).access_level == Level.FULL
    assert level(bystander, child) == Level.NONE  # not named: still none

    # After the window: none.
    MultiAgencyAudit.objects.filter(pk=audit.pk).update(access_to=today - datetime.timedelta(days=1))
    assert level(officer, child) == Level.NONE
    assert level(worker, child) == Level.INDEX

    # Back in the window but the audit complete: none.
    MultiAgencyAudit.objects.filter(pk=audit.pk).update(access_to=today + datetime.timedelta(days=5))
    case = SampledCase.objects.get(audit=audit)
    services.grade_case(officer, case, grade="good", findings="Synthetic findings")
    services.complete_audit(audit.created_by, audit, summary="Synthetic summary", completed_on=today)
    assert level(officer, child) == Level.NONE
    assert level(scrutineer, child) == Level.NONE
    assert level(worker, child) == Level.INDEX
    assert AuditEvent.objects.filter(
        person_id=child.pk,
        reason=f"multi-agency audit {audit.reference}",
        summary__contains="access to the record has ended",
    ).exists()


def test_levels_keep_a_fixed_number_of_queries_with_grants(plan, on_plan, user, django_assert_num_queries):
    officer = user(R.PARTNERSHIP_OFFICER)
    worker = user(R.SOCIAL_WORKER, team=None)
    few = [on_plan(f"Few{n}", datetime.date(2024, 1, 1 + n)) for n in range(2)]
    many = few + [on_plan(f"Many{n}", datetime.date(2024, 2, 1 + n)) for n in range(8)]
    services.draw_sample(officer, plan([officer, worker], size=10))
    for someone in (officer, worker):
        with django_assert_num_queries(1):
            small = levels(someone, few)
        with django_assert_num_queries(1):
            large = levels(someone, many)
        assert set(small.values()) == set(large.values()) == {Level.FULL}


# --- The agencies' answers ----------------------------------------------------------------------


@pytest.fixture
def live_audit(plan, on_plan, health, user):
    child = on_plan("Known", datetime.date(2024, 3, 3))
    Involvement.objects.create(
        person=child, agency=health, kind="Health visiting", start_date=datetime.date(2023, 1, 1)
    )
    audit = plan(
        questions=[
            ("Asked of all", []),
            ("Asked of health only", [health]),
        ]
    )
    services.draw_sample(audit.created_by, audit)
    return audit, SampledCase.objects.get(audit=audit)


def test_an_agency_answers_once_per_case_and_question(live_audit, user, health):
    audit, case = live_audit
    nurse = user(R.PARTNER_PRACTITIONER, agency=health)
    questions = services.questions_for(audit, health)
    answers = {q.pk: f"Synthetic answer {q.number}" for q in questions}

    services.answer_case(nurse, case, known="yes", grade="requires_improvement", findings="Synthetic", answers=answers)
    with pytest.raises(RuleBroken, match="already answered"):
        services.answer_case(nurse, case, known="yes", grade="good", findings="Again", answers=answers)

    assert AgencyReturn.objects.filter(case=case, agency=health).count() == 1
    assert AgencyAnswer.objects.filter(agency_return__case=case).count() == len(questions) == 2
    audit.refresh_from_db()
    assert audit.status == MultiAgencyAudit.Status.IN_PROGRESS


def test_an_answer_needs_every_question_a_grade_and_findings(live_audit, user, health):
    _, case = live_audit
    nurse = user(R.PARTNER_PRACTITIONER, agency=health)
    with pytest.raises(RuleBroken) as refused:
        services.answer_case(nurse, case, known="yes", grade="very good", findings=" ", answers={})
    assert {"grade", "findings"} <= set(refused.value.errors)
    assert sum(1 for key in refused.value.errors if key.startswith("question_")) == 2
    assert not AgencyReturn.objects.exists()
    # "Not known to us" needs nothing else.
    assert services.answer_case(nurse, case, known="no").known is False


def test_the_inbox_lists_only_cases_the_agency_knows(live_audit, user, health):
    audit, case = live_audit
    nurse = user(R.PARTNER_PRACTITIONER, agency=health)
    police = user(R.PARTNER_PRACTITIONER)  # a police force not taking part
    assert [row.case for row in selectors.inbox(nurse)] == [case]
    assert selectors.inbox(police) == []
    services.answer_case(nurse, case, known="no")
    assert selectors.inbox(nurse) == []


# --- Findings, actions and the yearly figures -----------------------------------------------------


def test_completing_needs_every_case_graded_and_gives_the_yearly_figures(live_audit, health):
    audit, case = live_audit
    officer = audit.created_by
    today = datetime.date.today()
    with pytest.raises(RuleBroken, match="Grade every case first: 1 case has no overall grade"):
        services.complete_audit(officer, audit, summary="Synthetic", completed_on=today)
    services.grade_case(officer, case, grade="inadequate", findings="Synthetic")
    late = services.add_action(officer, audit, text="Late", owner=health, due_on=SAMPLE_DATE)
    services.add_action(officer, audit, text="Later", owner=health, due_on=today + datetime.timedelta(days=30))
    done = services.add_action(officer, audit, text="Done", owner=health, due_on=SAMPLE_DATE)
    services.update_action(officer, done, status=AuditAction.Status.COMPLETE, completed_on=today)
    with pytest.raises(RuleBroken) as refused:
        services.add_action(officer, audit, text="No owner", owner=None, due_on=today)
    assert "Select the agency that owns the action" in refused.value.errors["owner"]
    services.complete_audit(officer, audit, summary="Synthetic", completed_on=today)

    figures = selectors.audit_figures(today - datetime.timedelta(days=365), today)

    assert figures.audits_completed == 1
    assert figures.cases_audited == 1
    assert dict(figures.grades) == {"Outstanding": 0, "Good": 0, "Requires improvement": 0, "Inadequate": 1}
    assert (figures.actions_open, figures.actions_overdue, figures.actions_complete) == (2, 1, 1)
    assert late.pk
    assert (
        selectors.audit_figures(today + datetime.timedelta(days=1), today + datetime.timedelta(days=2)).audits_completed
        == 0
    )
