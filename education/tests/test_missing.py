"""Children missing education (Education Act 1996 s436A): a case opens for a child of
compulsory school age who is on no school's roll and not on the children not in school
register, keeps the enquiries made, and closes when the child is found on a roll or the
register (in the same transaction as the registration or the entry) or for another reason;
a school's notice of leaving with no known destination opens one; the education team is
involved while it is open. Their status feeds the key facts, the front door's pattern alerts
and the return-home risk signals."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from education import services
from education.keyfacts import education_facts
from education.missing import feeds, selectors
from education.missing import services as missing
from education.models import (
    DeregistrationNotice,
    MissingEducationCase,
    MissingEducationEnquiry,
    RegisterEntry,
    SchoolRegistration,
)
from kernel.rules import RuleBroken, long_date
from partners.models import User
from people.models import Involvement
from testing import builders

from .conftest import TODAY

DAY = datetime.timedelta(days=1)
REGISTER = override_settings(CNIS_COMMENCEMENT="2026-04-29")
pytestmark = pytest.mark.django_db
Reason = MissingEducationCase.ClosureReason


@pytest.fixture
def education_team(la):
    return builders.team(la, "Education welfare team", function="Education")


@pytest.fixture
def ewo(user, education_team):
    return user(User.Role.EDUCATION_WELFARE_OFFICER, team=education_team)


def _open(user, child, **overrides):
    fields = {"opened_on": TODAY() - 20 * DAY, "source": "authority", "last_known_address": "1 Test Street"}
    return missing.open_missing_education_case(user, child, **{**fields, **overrides})


def _rule_broken(field, match, call, *args, **kwargs):
    with pytest.raises(RuleBroken) as raised:
        call(*args, **kwargs)
    assert any(match in message for message in raised.value.errors.get(field, [])), raised.value.errors
    return raised.value


# --- Opening a case -------------------------------------------------------------------------


def test_opening_a_case_involves_the_education_team_and_is_recorded(ewo, education_team, child, school_list):
    case = _open(ewo, child)
    assert case.is_open
    assert case.recorded_by == ewo
    involvement = Involvement.objects.get(person=child, kind=selectors.INVOLVEMENT_KIND)
    assert involvement.team == education_team
    assert involvement.end_date is None
    assert involvement.start_date == case.opened_on
    assert ChronologyEntry.objects.filter(person=child, kind="missing-education").exists()
    assert AuditEvent.objects.filter(person_id=child.pk, summary="Opened a child missing education case").exists()


def test_the_team_is_the_ewos_own_else_the_agencys_education_team(user, la, worker, education_team, school):
    own = builders.team(la, "North education team", function="Education")
    assert selectors.education_team(user(User.Role.EDUCATION_WELFARE_OFFICER, team=own)) == own
    # A social worker (another team): the authority's team whose function is education.
    assert selectors.education_team(worker) == education_team
    # A school's user (the API): the local authority's education team.
    school_user = user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None)
    assert selectors.education_team(school_user) == education_team


def test_without_an_education_team_the_case_still_opens(worker, child, school_list):
    case = _open(worker, child)
    assert case.is_open
    assert not Involvement.objects.filter(person=child, kind=selectors.INVOLVEMENT_KIND).exists()
    assert "No education team" in ChronologyEntry.objects.get(person=child, kind="missing-education").detail


def test_only_a_child_of_compulsory_school_age(worker, school_list):
    # Born 1 April 2022: compulsory school age from 31 August 2027, so not yet.
    young = builders.child(given_names="Robin", date_of_birth=datetime.date(2022, 4, 1))
    _rule_broken("opened_on", "not of compulsory school age", _open, worker, young)
    # Born 1 September 2009: past it since the last Friday of June 2026.
    old = builders.child(given_names="Jo", date_of_birth=datetime.date(2009, 9, 1))
    _rule_broken("opened_on", "not of compulsory school age", _open, worker, old, opened_on=datetime.date(2026, 6, 27))
    assert not MissingEducationCase.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"opened_on": None}, "opened_on", "Enter the date"),
        ({"opened_on": TODAY() + DAY}, "opened_on", "cannot be in the future"),
        ({"source": "rumour"}, "source", "Select how the authority heard"),
        ({"urn": "999999"}, "urn", "not on the authority's school list"),
        ({"source": "school_notice"}, "urn", "Enter the URN of the school the child left"),
    ],
)
def test_bad_input_opens_nothing(worker, child, school_list, overrides, field, message):
    _rule_broken(field, message, _open, worker, child, **overrides)
    assert not MissingEducationCase.objects.exists()
    assert not Involvement.objects.exists()


def test_a_child_on_a_roll_or_the_register_is_not_missing_education(worker, pupil):
    _rule_broken("opened_on", "on the roll of Testbrook Primary School", _open, worker, pupil, urn="999002")
    with REGISTER:
        services.record_school_registration(
            worker, pupil, urn="999002", start_date=TODAY() - 400 * DAY, end_date=TODAY() - 300 * DAY
        )
        SchoolRegistration.objects.filter(person=pupil, school__urn="999001").update(end_date=TODAY() - 40 * DAY)
        services.add_to_register(
            worker,
            pupil,
            added_on=TODAY() - 30 * DAY,
            reason="not_known",
            source="school",
            parents="Pat Testparent",
            address="1 Test Street",
        )
    _rule_broken("opened_on", "children not in school register", _open, worker, pupil)
    assert not MissingEducationCase.objects.exists()


def test_leaving_the_school_named_ends_its_registration_that_day(worker, pupil):
    case = _open(worker, pupil, urn="999001", source="school_notice")
    registration = SchoolRegistration.objects.get(person=pupil)
    assert registration.end_date == case.opened_on
    assert case.school.urn == "999001"
    # On the day they left, the case counts (missing from that day); the day before, the roll.
    status = selectors.education_status([pupil.pk], case.opened_on)[pupil.pk]
    assert status.code == selectors.MISSING
    assert "Testbrook Primary School" in status.detail
    assert selectors.education_status([pupil.pk], case.opened_on - DAY)[pupil.pk].code == selectors.ON_ROLL


def test_one_open_case_per_child(worker, child, school_list):
    _open(worker, child)
    _rule_broken("__all__", "already has an open missing education case", _open, worker, child)
    with pytest.raises(IntegrityError), transaction.atomic():
        MissingEducationCase.objects.create(person=child, opened_on=TODAY(), source="agency", recorded_by=worker)


def test_a_closed_case_needs_its_day_and_reason_in_order(worker, child, school_list):
    case = _open(worker, child)
    for fields in (
        {"closed_on": case.opened_on - DAY, "closure_reason": Reason.DIED},
        {"closed_on": None, "closure_reason": Reason.DIED},
        {"closed_on": TODAY(), "closure_reason": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            MissingEducationCase.objects.filter(pk=case.pk).update(status="closed", **fields)


def test_a_new_case_cannot_start_before_the_last_closed(worker, child, school_list):
    case = _open(worker, child)
    missing.close_missing_education_case(worker, case, closed_on=TODAY() - 5 * DAY, reason="abroad")
    _rule_broken("opened_on", "before the day the last case closed", _open, worker, child, opened_on=TODAY() - 6 * DAY)
    assert _open(worker, child, opened_on=TODAY() - 5 * DAY).is_open


# --- Enquiries --------------------------------------------------------------------------------


def test_enquiries_are_kept_with_the_case(worker, child, school_list):
    case = _open(worker, child)
    missing.record_missing_education_enquiry(
        worker, case, made_on=TODAY() - 10 * DAY, kind="health", made_with="Testtown surgery", outcome="Not registered"
    )
    missing.record_missing_education_enquiry(
        worker, case, made_on=TODAY() - 15 * DAY, kind="home_visit", made_with="Neighbour", outcome="Moved away"
    )
    assert [e.kind for e in selectors.case_with_enquiries(case)] == ["home_visit", "health"]
    assert selectors.cases(worker).get().last_enquiry == TODAY() - 10 * DAY


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"made_on": None}, "made_on", "Enter the date of the enquiry"),
        ({"made_on": TODAY() + DAY}, "made_on", "cannot be in the future"),
        ({"made_on": TODAY() - 21 * DAY}, "made_on", "cannot be before the day the case opened"),
        ({"kind": "guess"}, "kind", "Select what enquiry was made"),
        ({"made_with": " "}, "made_with", "Enter who"),
        ({"outcome": ""}, "outcome", "Enter what the enquiry found"),
    ],
)
def test_a_bad_enquiry_saves_nothing(worker, child, school_list, overrides, field, message):
    case = _open(worker, child)
    fields = {"made_on": TODAY(), "kind": "police", "made_with": "Testshire Police", "outcome": "No trace"}
    _rule_broken(field, message, missing.record_missing_education_enquiry, worker, case, **{**fields, **overrides})
    assert not MissingEducationEnquiry.objects.exists()


def test_no_enquiry_on_a_closed_case(worker, child, school_list):
    case = _open(worker, child)
    missing.close_missing_education_case(worker, case, closed_on=TODAY(), reason="died")
    with pytest.raises(RuleBroken, match="closed on"):
        missing.record_missing_education_enquiry(
            worker, case, made_on=TODAY(), kind="police", made_with="Police", outcome="x"
        )


# --- Closing -------------------------------------------------------------------------------


def test_closing_ends_the_education_teams_involvement(ewo, child, school_list):
    case = _open(ewo, child)
    closed = missing.close_missing_education_case(
        ewo, case, closed_on=TODAY() - 2 * DAY, reason="left_area", detail="Othershire County Council, told by email"
    )
    assert (closed.status, closed.closed_on, closed.closure_reason) == ("closed", TODAY() - 2 * DAY, "left_area")
    assert closed.closed_by == ewo
    assert Involvement.objects.get(person=child, kind=selectors.INVOLVEMENT_KIND).end_date == TODAY() - 2 * DAY
    assert AuditEvent.objects.filter(person_id=child.pk, summary="Closed a child missing education case").exists()
    with pytest.raises(RuleBroken, match="closed on"):
        missing.close_missing_education_case(ewo, closed, closed_on=TODAY(), reason="died")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"closed_on": None, "reason": "died"}, "closed_on", "Enter the date the case closed"),
        ({"closed_on": TODAY() + DAY, "reason": "died"}, "closed_on", "cannot be in the future"),
        ({"closed_on": TODAY() - 21 * DAY, "reason": "died"}, "closed_on", "before the day the case opened"),
        ({"closed_on": TODAY(), "reason": "found"}, "reason", "Select why the case closes"),
        ({"closed_on": TODAY(), "reason": "left_area"}, "detail", "Enter the new local authority"),
        ({"closed_on": TODAY(), "reason": "other"}, "detail", "Enter the reason"),
        ({"closed_on": TODAY(), "reason": "on_roll"}, "urn", "Enter the URN"),
        ({"closed_on": TODAY(), "reason": "on_roll", "urn": "999002"}, "urn", "is not on the roll"),
        ({"closed_on": TODAY(), "reason": "on_register"}, "reason", "is not on the children not in school register"),
        ({"closed_on": TODAY(), "reason": "past_age"}, "reason", "still of compulsory school age"),
    ],
)
def test_a_bad_closure_changes_nothing(worker, child, school_list, fields, field, message):
    case = _open(worker, child)
    _rule_broken(field, message, missing.close_missing_education_case, worker, case, **fields)
    case.refresh_from_db()
    assert case.is_open
    assert case.closed_on is None


def test_closing_as_found_on_a_roll_links_the_registration_current_that_day(worker, child, school_list):
    # A registration recorded before the case (the authority heard late): the roll from a day
    # in the case, current on the day of closure.
    case = MissingEducationCase.objects.create(
        person=child, opened_on=TODAY() - 20 * DAY, source="agency", recorded_by=worker
    )
    registration = SchoolRegistration.objects.create(
        person=child, school_id=builders_school("999002"), start_date=TODAY() - 10 * DAY, source="school"
    )
    _rule_broken(
        "urn",
        "is not on the roll",
        missing.close_missing_education_case,
        worker,
        case,
        closed_on=TODAY() - 11 * DAY,
        reason="on_roll",
        urn="999002",
    )
    closed = missing.close_missing_education_case(worker, case, closed_on=TODAY(), reason="on_roll", urn="999002")
    assert closed.registration == registration


def builders_school(urn):
    from education.models import School

    return School.objects.get(urn=urn).pk


# --- Closing itself: a roll or the register --------------------------------------------------


def test_a_school_registration_closes_the_open_case(worker, ewo, child, school_list):
    case = _open(ewo, child)
    registration = services.record_school_registration(worker, child, urn="999002", start_date=TODAY() - 3 * DAY)
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.closed_on) == ("closed", "on_roll", TODAY() - 3 * DAY)
    assert case.registration == registration
    assert Involvement.objects.get(person=child, kind=selectors.INVOLVEMENT_KIND).end_date == TODAY() - 3 * DAY


def test_a_registration_from_before_the_case_closes_it_on_the_day_it_opened(worker, child, school_list):
    case = _open(worker, child)
    services.record_school_registration(worker, child, urn="999002", start_date=TODAY() - 100 * DAY)
    case.refresh_from_db()
    assert (case.status, case.closed_on) == ("closed", case.opened_on)


def test_a_registration_that_ended_before_the_case_does_not_close_it(worker, child, school_list):
    case = _open(worker, child)
    services.record_school_registration(
        worker, child, urn="999002", start_date=TODAY() - 100 * DAY, end_date=TODAY() - 50 * DAY
    )
    case.refresh_from_db()
    assert case.is_open


@REGISTER
def test_coming_onto_the_register_closes_the_open_case(worker, child, school_list):
    case = _open(worker, child)
    entry = services.add_to_register(
        worker,
        child,
        added_on=TODAY() - DAY,
        reason="home_educated",
        source="parent",
        parents="Pat Testparent",
        address="1 Test Street",
        provider="Pat Testparent",
        hours_per_week=Decimal("15"),
    )
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.closed_on, case.register_entry) == (
        "closed",
        "on_register",
        TODAY() - DAY,
        entry,
    )


def test_if_closing_fails_the_registration_is_not_saved_either(worker, child, school_list, monkeypatch):
    _open(worker, child)

    def broken(*args, **kwargs):
        raise RuntimeError("closing failed")

    monkeypatch.setattr(missing, "_close", broken)
    with pytest.raises(RuntimeError):
        services.record_school_registration(worker, child, urn="999002", start_date=TODAY())
    assert not SchoolRegistration.objects.exists()
    assert MissingEducationCase.objects.get().is_open


# --- A school's notice: no known destination -----------------------------------------------


def _notice(school_user, school, **overrides):
    fields = {
        "agency": school,
        "key": "k1",
        "digest": "d",
        "urn": "999001",
        "given_names": "Alex",
        "family_name": "Testchild",
        "date_of_birth": datetime.date(2016, 4, 1),
        "removal_date": TODAY() - 2 * DAY,
        "reason": "no_known_destination",
        "details": "Family left; phone disconnected",
    }
    return services.receive_deregistration_notice(school_user, **{**fields, **overrides})


def test_a_notice_of_no_known_destination_opens_a_case(user, school, pupil, education_team):
    school_user = user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None)
    notice = _notice(school_user, school)
    assert notice.status == DeregistrationNotice.Status.MISSING_EDUCATION
    case = MissingEducationCase.objects.get(person=pupil)
    assert (case.source, case.opened_on, case.school.urn, case.notice) == (
        "school_notice",
        TODAY() - 2 * DAY,
        "999001",
        notice,
    )
    assert case.details == "Family left; phone disconnected"
    assert SchoolRegistration.objects.get(person=pupil).end_date == TODAY() - 2 * DAY
    assert Involvement.objects.get(person=pupil, kind=selectors.INVOLVEMENT_KIND).team == education_team


def test_a_notice_that_cannot_open_a_case_keeps_why(user, school, pupil, worker):
    _open(worker, pupil, opened_on=TODAY() - 30 * DAY, urn="999001")
    school_user = user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None)
    notice = _notice(school_user, school)
    assert notice.status == DeregistrationNotice.Status.MATCHED
    assert "already has an open missing education case" in notice.note
    assert MissingEducationCase.objects.count() == 1


def test_an_unmatched_notice_opens_nothing(user, school, school_list):
    school_user = user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None)
    notice = _notice(school_user, school, given_names="Nobody")
    assert notice.status == DeregistrationNotice.Status.UNMATCHED
    assert not MissingEducationCase.objects.exists()


# --- Status, key facts, feeds ------------------------------------------------------------------


@REGISTER
def test_education_status_in_bulk_in_three_queries(worker, child, sibling, school_list, django_assert_num_queries):
    pupil = builders.child(given_names="Pip")
    nobody = builders.child(given_names="Nat")
    services.record_school_registration(worker, pupil, urn="999002", start_date=TODAY() - 100 * DAY)
    _open(worker, child)
    services.add_to_register(
        worker,
        sibling,
        added_on=TODAY() - 10 * DAY,
        reason="not_known",
        source="agency",
        parents="Pat Testparent",
        address="1 Test Street",
    )
    with django_assert_num_queries(3):
        status = selectors.education_status([child.pk, sibling.pk, pupil.pk, nobody.pk], TODAY())
    assert {pk: s.code for pk, s in status.items()} == {
        child.pk: "missing_education",
        sibling.pk: "not_in_school",
        pupil.pk: "on_roll",
        nobody.pk: "not_known",
    }
    assert status[pupil.pk].detail == "Testbrook Academy"
    # Before the case opened, the child's education was not known.
    assert selectors.education_status([child.pk], TODAY() - 21 * DAY)[child.pk].code == "not_known"


def test_the_key_fact_says_since_when_in_one_query(worker, child, sibling, school_list, django_assert_num_queries):
    case = _open(worker, child, urn="999002")
    with django_assert_num_queries(1):
        facts = education_facts([child.pk, sibling.pk], TODAY())
    fact = next(f for f in facts[child.pk] if f.kind == "missing_education")
    assert fact.label == "Missing education"
    assert fact.since == case.opened_on
    assert "left Testbrook Academy with no known destination" in fact.detail
    assert sibling.pk not in facts
    missing.close_missing_education_case(worker, case, closed_on=TODAY(), reason="abroad")
    assert "missing_education" not in {f.kind for f in education_facts([child.pk], TODAY()).get(child.pk, [])}


@REGISTER
def test_the_pattern_alert_sources_say_why_in_one_query_each(
    worker, child, sibling, school_list, django_assert_num_queries
):
    case = _open(worker, child, urn="999001")
    services.add_to_register(
        worker,
        sibling,
        added_on=TODAY() - 10 * DAY,
        reason="not_known",
        source="school",
        parents="Pat Testparent",
        address="1 Test Street",
    )
    ids = [child.pk, sibling.pk]
    with django_assert_num_queries(1):
        alerts = feeds.missing_education_alerts(None, ids, TODAY())
    [(kind, person_id, why)] = alerts
    assert (kind, person_id) == ("missing_education", child.pk)
    assert why.startswith(f"Alex Testchild has been missing education since {long_date(case.opened_on)} ")
    assert "(left Testbrook Primary School with no known destination)" in why
    with django_assert_num_queries(1):
        [(kind, person_id, why)] = feeds.not_in_school_alerts(None, ids, TODAY())
    assert (kind, person_id) == ("not_in_school", sibling.pk)
    assert "children not in school register since" in why
    with django_assert_num_queries(0):
        assert feeds.missing_education_alerts(None, [], TODAY()) == []


def test_the_risk_signals_cover_the_child_and_siblings_for_twelve_months(worker, child, sibling, school_list):
    old = _open(worker, sibling, opened_on=TODAY() - 500 * DAY)
    missing.close_missing_education_case(worker, old, closed_on=TODAY() - 400 * DAY, reason="abroad")
    recent = _open(worker, sibling, opened_on=TODAY() - 300 * DAY)
    missing.close_missing_education_case(worker, recent, closed_on=TODAY() - 200 * DAY, reason="other", detail="x")
    now = _open(worker, child)
    signals = feeds.missing_education_signals(child, {sibling.pk: sibling}, lambda p: p.full_name)
    assert {s.key for s in signals} == {f"missing-education:{recent.pk}", f"missing-education:{now.pk}"}
    mine = next(s for s in signals if s.key == f"missing-education:{now.pk}")
    assert mine.summary.startswith("This child: missing education from")
    assert "still missing" in mine.summary
    theirs = next(s for s in signals if s.key == f"missing-education:{recent.pk}")
    assert theirs.summary.startswith("Sam Testchild:")
    withheld = feeds.missing_education_signals(child, {sibling.pk: sibling}, lambda p: "A sibling (name withheld)")
    assert any(s.summary.startswith("A sibling (name withheld):") for s in withheld)


@REGISTER
def test_the_register_signal(worker, child, school_list):
    entry = services.add_to_register(
        worker,
        child,
        added_on=TODAY() - 10 * DAY,
        reason="not_known",
        source="school",
        parents="Pat Testparent",
        address="1 Test Street",
    )
    [signal] = feeds.not_in_school_signals(child, {}, lambda p: p.full_name)
    assert signal.key == f"not-in-school:{entry.pk}"
    assert signal.kind == "Not in school"
    assert "removed the child from its roll" in signal.summary
    RegisterEntry.objects.filter(pk=entry.pk).update(removed_on=TODAY() - 5 * DAY, removal_reason="on_roll")
    assert feeds.not_in_school_signals(child, {}, lambda p: p.full_name)


def test_a_case_cannot_open_before_a_roll_or_register_the_child_is_known_on_since(worker, child, school_list):
    services.record_school_registration(worker, child, urn="999002", start_date=TODAY() - 10 * DAY)
    _rule_broken("opened_on", "is on the roll of Testbrook Academy from", _open, worker, child)
    # A school they left on the day the case opens does not stop it.
    SchoolRegistration.objects.filter(person=child).update(end_date=TODAY() - 5 * DAY)
    assert _open(worker, child, opened_on=TODAY() - 5 * DAY).is_open


def test_the_api_takes_no_known_destination(client, school, pupil):
    import json

    from partners.tokens import issue_token

    token = issue_token(school, "School information system", ["education:notify"])[1]
    body = {
        "urn": "999001",
        "given_names": "Alex",
        "family_name": "Testchild",
        "date_of_birth": "2016-04-01",
        "removal_date": (TODAY() - DAY).isoformat(),
        "reason": "no_known_destination",
    }
    response = client.post(
        "/api/v1/deregistration-notices/",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="nkd-1",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "missing_education"
    assert MissingEducationCase.objects.get(person=pupil).opened_on == TODAY() - DAY


def test_the_batch_of_registrations_closes_the_open_cases_too(worker, child, sibling, school_list):
    case = _open(worker, child)
    rows = [
        services.RegistrationRow(person_id=child.pk, urn="999002", start_date=TODAY() - 4 * DAY),
        services.RegistrationRow(person_id=child.pk, urn="999003", start_date=TODAY() - 2 * DAY),
        services.RegistrationRow(person_id=sibling.pk, urn="999001", start_date=TODAY() - 2 * DAY),
    ]
    made = services.record_school_registrations(worker, rows)
    case.refresh_from_db()
    assert case.status == "closed"
    assert case.closure_reason == "on_roll"
    assert case.closed_on == TODAY() - 4 * DAY
    assert case.registration == made[0]
