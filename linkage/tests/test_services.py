"""Feeds are kept whole or not at all; a run scores them with the approved model and keeps each
candidate's per-comparison weights; automatic links are recorded."""

import datetime

import pytest

from kernel.rules import RuleBroken
from linkage import scoring, services
from linkage.models import CandidatePair, LinkageRun, LinkDecision, PartnerRecord, Submission
from people.services import add_identifier, record_address
from testing import builders

pytestmark = pytest.mark.django_db
NHS = "9434765919"


def _record(record_id="A1", **fields):
    return {
        "record_id": record_id,
        "given_names": "Alex",
        "family_name": "Testchild",
        "date_of_birth": "2016-04-01",
        "sex": "M",
        "postcode": "LS28 7FL",
        "nhs_number": NHS,
        "upn": "",
    } | fields


def test_a_feed_with_one_bad_record_keeps_nothing(la, worker):
    rows = [_record("A1"), _record("A2", given_names="", family_name=""), _record("A3", date_of_birth="2016-13-01")]
    with pytest.raises(RuleBroken) as broken:
        services.receive_records(worker, la, rows, source="upload")
    messages = broken.value.errors["records"]
    assert any("Record 2 has no name" in m for m in messages)
    assert any("Record 3" in m and "not a real date" in m for m in messages)
    assert not Submission.objects.exists()
    assert not PartnerRecord.objects.exists()


def test_a_feed_needs_an_agency_and_a_sensible_size(la, worker, settings):
    with pytest.raises(RuleBroken, match="Select the agency"):
        services.receive_records(worker, None, [_record()], source="upload")
    settings.LINKAGE_MAX_RECORDS = 2
    with pytest.raises(RuleBroken, match="at most 2"):
        services.receive_records(worker, la, [_record("1"), _record("2"), _record("3")], source="upload")


def test_a_feed_of_the_wrong_shape_is_refused(la, worker):
    with pytest.raises(RuleBroken, match="fields this feed does not take: colour"):
        services.receive_records(worker, la, [_record() | {"colour": "red"}], source="api")
    with pytest.raises(RuleBroken, match="repeats record_id"):
        services.receive_records(worker, la, [_record("X"), _record("X")], source="api")


def test_an_agency_sending_a_record_again_updates_it(la, worker):
    services.receive_records(worker, la, [_record("A1")], source="upload")
    services.receive_records(worker, la, [_record("A1", family_name="Newname")], source="upload")
    record = PartnerRecord.objects.get()
    assert record.family_name == "Newname"
    assert record.date_of_birth == datetime.date(2016, 4, 1)


def test_a_model_is_approved_once_by_a_named_person(manager, trained):
    model = services.store_model(None, trained, thresholds=scoring.Thresholds.default(), accuracy={})
    assert services.approved_model() is None
    services.approve_model(manager, model)
    assert services.approved_model() == model
    with pytest.raises(RuleBroken, match="approved already"):
        services.approve_model(manager, model)


def test_a_run_links_scores_and_keeps_the_weights_and_leaves_restricted_children_out(
    la, worker, manager, trained, django_capture_on_commit_callbacks
):
    child = builders.child()
    add_identifier(worker, child, id_type="NHS", value=NHS)
    record_address(worker, child, address_fields={"line_1": "1 Road", "town": "Town", "postcode": "LS28 7FL"})
    hidden = builders.child("Robin", "Hidden", date_of_birth=datetime.date(2014, 2, 2))
    hidden.restricted = True
    hidden.save()
    services.approve_model(
        manager, services.store_model(None, trained, thresholds=scoring.Thresholds.default(), accuracy={})
    )
    rows = [
        _record("A1"),
        _record("A2", given_names="Robin", family_name="Hidden", date_of_birth="2014-02-02", nhs_number=""),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.receive_records(worker, la, rows, source="upload")
    run = LinkageRun.objects.get(submission=submission)
    assert run.task_id  # queued for the worker
    assert services.link_records(run.pk) == "finished"
    assert services.link_records(run.pk) == "skipped"  # once only
    run.refresh_from_db()
    assert run.counts["auto"] == 1
    best = CandidatePair.objects.get(record__agency_record_id="A1", rank=1)
    assert best.person == child
    assert best.band == "auto"
    assert set(best.weights) == {*scoring.COMPARISONS, "prior"}
    assert best.weights["nhs_number"] > 0
    assert abs(sum(best.weights.values()) - best.match_weight) < 1e-6
    assert not CandidatePair.objects.filter(person=hidden).exists()
    decision = LinkDecision.objects.get()
    assert (decision.person, decision.outcome) == (child, "auto")
