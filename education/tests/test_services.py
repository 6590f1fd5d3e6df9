"""The education services: the school list, school registrations, and consent to withdraw a
child for home education (s434A) from the request to the decision; each refuses bad input with
nothing half-saved, and the consent steps refuse before commencement."""

import datetime

import pytest
from django.test import override_settings

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from education import services
from education.models import ConsentNotification, ConsentRequest, School, SchoolRegistration
from kernel.rules import RuleBroken
from testing import builders

from .conftest import IN_FORCE, TODAY, plan

DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


def test_the_school_list_is_loaded_and_updated_by_urn(school_list):
    assert School.objects.count() == 4
    services.load_school_list([{"urn": "999001", "name": "Testbrook Primary Academy", "phase": "primary"}])
    assert School.objects.get(urn="999001").name == "Testbrook Primary Academy"


def test_a_bad_row_refuses_the_whole_list(db):
    with pytest.raises(RuleBroken, match="Row 2"):
        services.load_school_list([{"urn": "999010", "name": "A", "phase": "primary"}, {"urn": "12", "name": "B"}])
    assert not School.objects.exists()


def test_a_registration_needs_a_urn_on_the_list(child, worker, school_list):
    with pytest.raises(RuleBroken) as error:
        services.record_school_registration(worker, child, urn="999999", start_date=TODAY() - 10 * DAY)
    assert "not on the authority's school list" in error.value.errors["urn"][0]
    assert not SchoolRegistration.objects.exists()


def test_a_registration_needs_its_dates_in_order(child, worker, school_list):
    with pytest.raises(RuleBroken) as error:
        services.record_school_registration(
            worker, child, urn="999001", start_date=TODAY() - 10 * DAY, end_date=TODAY() - 20 * DAY
        )
    assert "end_date" in error.value.errors
    assert not SchoolRegistration.objects.exists()


def test_a_registration_goes_in_the_chronology_and_the_audit(pupil, worker):
    registration = SchoolRegistration.objects.get()
    assert ChronologyEntry.objects.filter(person=pupil, kind="school-registration").exists()
    assert AuditEvent.objects.filter(person_id=pupil.pk, object_id=str(registration.pk)).exists()


def test_a_registration_cannot_overlap_another_at_the_same_school(pupil, worker):
    with pytest.raises(RuleBroken, match="already on the roll"):
        services.record_school_registration(worker, pupil, urn="999001", start_date=TODAY() - 10 * DAY)


# --- Consent to withdraw ------------------------------------------------------------------


def _ask(worker, child, **overrides):
    fields = {
        "source": ConsentRequest.Source.PARENT,
        "received_on": TODAY() - 5 * DAY,
        "requested_by": "Pat Testparent",
        "urn": "999001",
        "details": "Wants to educate at home",
    }
    return services.receive_consent_request(worker, child, **{**fields, **overrides})


def test_before_commencement_the_request_is_refused(pupil, worker):
    with override_settings(S434A_COMMENCEMENT=None), pytest.raises(RuleBroken, match="not in force"):
        _ask(worker, pupil)
    with override_settings(S434A_COMMENCEMENT=TODAY().isoformat()), pytest.raises(RuleBroken, match="in force from"):
        _ask(worker, pupil)
    assert not ConsentRequest.objects.exists()


@IN_FORCE
def test_a_request_for_a_relevant_child_is_open_and_the_worker_and_school_are_told(pupil, worker, episode):
    plan(episode, TODAY() - 60 * DAY)
    request = _ask(worker, pupil)
    assert request.status == ConsentRequest.Status.OPEN
    assert request.relevant_child
    assert request.conditions == ["B"]
    assert "On a child protection plan" in request.reasons[0]
    told = {(n.to, n.user_id) for n in ConsentNotification.objects.filter(request=request)}
    assert told == {("social_worker", worker.pk), ("school", None)}
    assert ChronologyEntry.objects.filter(person=pupil, kind="home-education-consent").count() == 2


@IN_FORCE
def test_a_request_for_a_child_who_is_not_relevant_is_kept_closed(pupil, worker):
    request = _ask(worker, pupil)
    assert request.status == ConsentRequest.Status.NOT_NEEDED
    assert not request.relevant_child
    assert not request.notifications.exists()


@IN_FORCE
def test_a_child_not_of_compulsory_school_age_is_refused(worker, school_list):
    toddler = builders.child(given_names="Sam", date_of_birth=TODAY() - 3 * 365 * DAY)
    services.record_school_registration(worker, toddler, urn="999001", start_date=TODAY() - 30 * DAY)
    with pytest.raises(RuleBroken, match="not of compulsory school age"):
        _ask(worker, toddler)
    assert not ConsentRequest.objects.exists()


@IN_FORCE
def test_a_urn_not_on_the_list_or_not_the_childs_school_is_refused(pupil, worker):
    with pytest.raises(RuleBroken) as error:
        _ask(worker, pupil, urn="999999")
    assert "not on the authority's school list" in error.value.errors["urn"][0]
    with pytest.raises(RuleBroken) as error:
        _ask(worker, pupil, urn="999002")
    assert "not on the roll of Testbrook Academy" in error.value.errors["urn"][0]
    assert not ConsentRequest.objects.exists()


@IN_FORCE
def test_the_decision_needs_the_best_interests_analysis_first(pupil, worker, manager, episode):
    plan(episode, TODAY() - 60 * DAY)
    request = _ask(worker, pupil)
    with pytest.raises(RuleBroken, match="best-interests analysis before the decision"):
        services.record_consent_decision(
            manager, request, decision="refused", decided_on=TODAY(), decision_maker=manager, reasons="Unsafe"
        )
    request.refresh_from_db()
    assert request.status == ConsentRequest.Status.OPEN
    assert request.decided_on is None


@IN_FORCE
def test_information_cannot_be_dated_before_the_request(pupil, worker, episode):
    plan(episode, TODAY() - 60 * DAY)
    request = _ask(worker, pupil)
    with pytest.raises(RuleBroken) as error:
        services.gather_consent_information(
            worker, request, kind="school_view", gathered_on=TODAY() - 6 * DAY, given_by="DSL", summary="Worried"
        )
    assert "cannot be before the day the request was received" in error.value.errors["gathered_on"][0]
    assert not request.information.exists()


@IN_FORCE
def test_the_whole_workflow_to_a_refusal(pupil, worker, manager, episode):
    plan(episode, TODAY() - 60 * DAY)
    request = _ask(worker, pupil)
    for kind in ("school_view", "social_worker_view", "child_view", "visit"):
        services.gather_consent_information(
            worker, request, kind=kind, gathered_on=TODAY() - 3 * DAY, given_by="Someone", summary=f"About {kind}"
        )
    services.record_best_interests_analysis(
        worker, request, analysis="School is a protective factor while on a plan", completed_on=TODAY() - 2 * DAY
    )
    with pytest.raises(RuleBroken) as error:
        services.record_consent_decision(
            manager, request, decision="refused", decided_on=TODAY() - 3 * DAY, decision_maker=manager, reasons="x"
        )
    assert "cannot be before the best-interests analysis" in error.value.errors["decided_on"][0]
    services.record_consent_decision(
        manager, request, decision="refused", decided_on=TODAY(), decision_maker=manager, reasons="Not safe now"
    )
    request.refresh_from_db()
    assert request.status == ConsentRequest.Status.REFUSED
    assert request.decision_maker == manager
    assert request.may_ask_again_on is not None
    assert request.may_ask_again_on > TODAY() + 150 * DAY
    told = set(request.notifications.filter(about="decision").values_list("to", flat=True))
    assert told == {"social_worker", "school", "parent"}
    with pytest.raises(RuleBroken, match="closed"):
        services.record_best_interests_analysis(worker, request, analysis="Again", completed_on=TODAY())
    assert AuditEvent.objects.filter(person_id=pupil.pk, summary__startswith="Recorded the decision").exists()


@IN_FORCE
def test_consent_given_has_no_date_to_ask_again(pupil, worker, manager, episode):
    plan(episode, TODAY() - 60 * DAY)
    request = _ask(worker, pupil)
    services.record_best_interests_analysis(worker, request, analysis="Fine", completed_on=TODAY())
    services.record_consent_decision(
        manager, request, decision="given", decided_on=TODAY(), decision_maker=manager, reasons="Good plan"
    )
    request.refresh_from_db()
    assert request.status == "given"
    assert request.may_ask_again_on is None


def test_the_school_list_command_loads_the_example_file(db):
    from pathlib import Path

    from django.core.management import call_command

    call_command("load_school_list", str(Path(services.__file__).parent / "data" / "school_list_example.json"))
    assert School.objects.filter(special=True).count() == 2
