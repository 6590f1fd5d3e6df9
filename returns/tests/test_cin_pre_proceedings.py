"""The CIN census 2026/27 (collection year 2027) module PreProceedingsandFGDM: written last in
CINdetails with its elements in order, each date only when it falls in the year, the checks
of the year's rules (each failure with a fix), and 2025/26 unchanged to the byte."""

import datetime
import io
import json
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from childprotection.models import PreProceedings, PreProceedingsMeeting
from familyhelp.testing import open_episode
from people.models import Identifier, PersonDisability
from returns.cin import census as cin_census
from returns.cin import validation as cin_validation
from returns.tests.test_cin_census import valid_upn

D = datetime.date
NOW = datetime.datetime(2027, 4, 20, 9, 30)
MODULE = [
    "PPStartDate",
    "LBPSentDate",
    "FGDMMeetingOffer",
    "FGDMMeetingFac",
    "InitialPPMeetingDate",
    "ReviewMeetingsCount",
    "StepDecisionDate",
    "PPOutcome",
    "CourtAppDate",
    "LetterInitCPDate",
]


def xml_bytes(data):
    buffer = io.BytesIO()
    cin_census.write(data, buffer)
    return buffer.getvalue()


def details_of(data):
    return etree.fromstring(xml_bytes(data)).find("Children/Child/CINdetails")


def pre_proceedings(worker, manager, episode, start, **fields):
    meetings = fields.pop("meetings", [])
    found = PreProceedings.objects.create(
        person=episode.person,
        episode=episode,
        start_date=start,
        decided_by=manager,
        reasons="Synthetic",
        recorded_by=worker,
        **fields,
    )
    for kind, day in meetings:
        PreProceedingsMeeting.objects.create(
            pre_proceedings=found, kind=kind, held_on=day, notes="Synthetic", recorded_by=worker
        )
    return found


@pytest.fixture
def episode(worker, child):
    child.ethnicity = "WBRI"
    child.save()
    Identifier.objects.create(person=child, id_type=Identifier.Type.UPN, value=valid_upn())
    PersonDisability.objects.create(person=child, code="NONE")
    return open_episode(worker, child, D(2026, 3, 2))


def test_the_module_is_written_last_in_cindetails_in_its_order(worker, manager, episode):
    pre_proceedings(
        worker,
        manager,
        episode,
        D(2026, 5, 4),
        letter_sent_on=D(2026, 5, 8),
        fgdm_offered=True,
        fgdm_response="accepted",
        fgdm_meeting_on=D(2026, 6, 1),
        meetings=[("initial", D(2026, 5, 18)), ("review", D(2026, 7, 1)), ("review", D(2026, 8, 12))],
        decision="issue",
        decision_date=D(2026, 8, 24),
        concluded_on=D(2026, 8, 24),
        court_application_date=D(2026, 8, 27),
        order_sought="care",
        letter_of_issue_sent_on=D(2026, 8, 27),
    )
    data = cin_census.build(2027, now=NOW)
    details = details_of(data)
    assert [e.tag for e in details][-1] == "PreProceedingsandFGDM"
    module = details.find("PreProceedingsandFGDM")
    assert [e.tag for e in module] == MODULE
    assert [e.text for e in module] == [
        "2026-05-04",
        "2026-05-08",
        "1",
        "1",
        "2026-05-18",
        "2",
        "2026-08-24",
        "A",
        "2026-08-27",
        "2026-08-27",
    ]
    assert cin_census.counts(data)["PreProceedingsandFGDM"] == 1
    assert [f for f in cin_validation.check(data, 2027) if f.table == "PreProceedingsandFGDM"] == []


def test_only_the_dates_in_the_year_are_written(worker, manager, episode):
    # Started in 2025/26, decided in 2026/27; one that ended before the year is left out.
    pre_proceedings(
        worker,
        manager,
        episode,
        D(2026, 3, 9),
        letter_sent_on=D(2026, 3, 12),
        fgdm_offered=False,
        fgdm_reasons_not_offered="Not in the child's best interests",
        meetings=[("initial", D(2026, 3, 20)), ("review", D(2026, 5, 1))],
        decision="step_down",
        decision_date=D(2026, 6, 29),
        concluded_on=D(2026, 6, 29),
    )
    old = open_episode(worker, episode.person, D(2025, 4, 7))
    pre_proceedings(
        worker,
        manager,
        old,
        D(2025, 4, 14),
        decision="step_down",
        decision_date=D(2025, 9, 1),
        concluded_on=D(2025, 9, 1),
    )
    data = cin_census.build(2027, now=NOW)
    entries = [e for c in data["children"] for d in c["CINdetails"] for e in d["PreProceedingsandFGDM"]]
    assert len(entries) == 1
    (entry,) = entries
    assert entry["PPStartDate"] is None
    assert entry["LBPSentDate"] is None
    assert entry["FGDMMeetingOffer"] is None
    assert entry["InitialPPMeetingDate"] is None
    assert entry["ReviewMeetingsCount"] == "1"
    assert entry["StepDecisionDate"] == "2026-06-29"
    assert entry["PPOutcome"] == "B"
    assert [f.rule for f in cin_validation.check(data, 2027) if f.table == "PreProceedingsandFGDM"] == ["9000Q"]


def test_a_meeting_shared_with_a_return_home_counts_as_facilitated(worker, manager, episode):
    from childrenincare.models import FamilyGroupDecisionMaking, ReunificationDecision
    from childrenincare.testing import looked_after

    period = looked_after(worker, episode.person, D(2026, 4, 1), episode=episode)
    decision = ReunificationDecision.objects.create(
        period=period,
        person=episode.person,
        route="A",
        proposed_date=D(2026, 9, 1),
        proposed_home="Home",
        reasons="x",
        created_by=worker,
    )
    shared = FamilyGroupDecisionMaking.objects.create(
        decision=decision, response="accepted", meeting_on=D(2026, 6, 2), recorded_by=worker
    )
    pre_proceedings(
        worker,
        manager,
        episode,
        D(2026, 5, 4),
        letter_sent_on=D(2026, 5, 8),
        fgdm_offered=True,
        fgdm_response="accepted",
        fgdm_same_meeting_as=shared,
    )
    (entry,) = cin_census.build(2027, now=NOW)["children"][0]["CINdetails"][0]["PreProceedingsandFGDM"]
    assert entry["FGDMMeetingOffer"] == "1"
    assert entry["FGDMMeetingFac"] == "1"
    assert entry["StepDecisionDate"] is None
    assert entry["PPOutcome"] is None


def test_2026_is_unchanged_to_the_byte(worker, manager, episode):
    before = xml_bytes(cin_census.build(2026, now=NOW))
    pre_proceedings(
        worker,
        manager,
        episode,
        D(2026, 3, 9),
        letter_sent_on=D(2026, 3, 12),
        fgdm_offered=True,
        meetings=[("initial", D(2026, 3, 20))],
    )
    data = cin_census.build(2026, now=NOW)
    assert xml_bytes(data) == before
    assert b"PreProceedings" not in before
    assert "PreProceedingsandFGDM" not in data["children"][0]["CINdetails"][0]
    assert "PreProceedingsandFGDM" not in cin_census.counts(data)
    assert not [f for f in cin_validation.check(data, 2026) if f.table == "PreProceedingsandFGDM"]


def test_no_module_for_any_child_is_a_return_level_query(worker, episode):
    data = cin_census.build(2027, now=NOW)
    (failure,) = [f for f in cin_validation.check(data, 2027) if f.rule == "8995Q"]
    assert failure.child == ""
    assert failure.fix


def entry(**fields):
    base = {
        "PPStartDate": "2026-05-04",
        "LBPSentDate": "2026-05-08",
        "FGDMMeetingOffer": "1",
        "FGDMMeetingFac": "0",
        "InitialPPMeetingDate": "2026-05-18",
        "ReviewMeetingsCount": "0",
        "StepDecisionDate": "2026-08-24",
        "PPOutcome": "A",
        "CourtAppDate": "2026-08-27",
        "LetterInitCPDate": "2026-08-27",
    }
    base.update(fields)
    return base


def checked(worker, episode, module_entry):
    data = cin_census.build(2027, now=NOW)
    data["children"][0]["CINdetails"][0]["PreProceedingsandFGDM"] = [module_entry]
    return {f.rule: f for f in cin_validation.check(data, 2027) if f.table == "PreProceedingsandFGDM"}


@pytest.mark.parametrize(
    ("fields", "rule", "field"),
    [
        ({"PPStartDate": "2026-03-31"}, "9005", "PPStartDate"),
        ({"LBPSentDate": "2026-05-01"}, "9006", "LBPSentDate"),
        ({"LBPSentDate": "2027-04-01", "FGDMMeetingOffer": "1"}, "9006", "LBPSentDate"),
        ({"FGDMMeetingOffer": None, "FGDMMeetingFac": None}, "9007", "FGDMMeetingOffer"),
        ({"FGDMMeetingFac": None}, "9010Q", "FGDMMeetingFac"),
        ({"FGDMMeetingFac": "true"}, "schema", "FGDMMeetingFac"),
        ({"InitialPPMeetingDate": "2027-04-02"}, "9008", "InitialPPMeetingDate"),
        ({"ReviewMeetingsCount": None}, "9015Q", "ReviewMeetingsCount"),
        ({"StepDecisionDate": "2026-05-03"}, "9009", "StepDecisionDate"),
        ({"PPOutcome": "D"}, "9011", "PPOutcome"),
        ({"PPOutcome": None}, "9011", "PPOutcome"),
        ({"CourtAppDate": "2026-08-23"}, "9012", "CourtAppDate"),
        ({"LetterInitCPDate": "2026-08-26"}, "9013", "LetterInitCPDate"),
    ],
)
def test_each_rule_of_the_module_fails_with_a_fix(worker, episode, fields, rule, field):
    found = checked(worker, episode, entry(**fields))
    assert set(found) == {rule}, found
    assert found[rule].field == field
    assert found[rule].fix
    assert found[rule].child == str(episode.person.pk)


def test_a_consistent_entry_passes(worker, episode):
    assert checked(worker, episode, entry()) == {}


def test_the_installed_validator_reads_the_2027_file_but_does_not_know_the_module(
    tmp_path, worker, manager, episode, sector_validators
):
    """csc-validator-be-cin 0.1.13 has a 2026/27 rule pack that is the 2024/25 one unchanged
    (cin_validator/rules/cin2026_27/__init__.py registers no new rule) and its reader takes no
    PreProceedingsandFGDM: the module's rules (8995Q, 9000Q, 9005 to 9015Q) cannot fire, and
    the file is otherwise read as before. The module is tested against the rules above."""
    from returns.tests.test_cin_census import Assessment, AssessmentFactor, Referral

    assessment = Assessment.objects.create(
        episode=episode,
        person=episode.person,
        start_date=D(2026, 4, 6),
        status="authorised",
        authorised_date=D(2026, 4, 20),
    )
    AssessmentFactor.objects.create(assessment=assessment, code="16A")
    pre_proceedings(
        worker,
        manager,
        episode,
        D(2026, 5, 4),
        letter_sent_on=D(2026, 5, 8),
        fgdm_offered=True,
        meetings=[("initial", D(2026, 5, 18))],
        decision="step_down",
        decision_date=D(2026, 8, 24),
        concluded_on=D(2026, 8, 24),
    )
    Referral.objects.filter(pk=episode.pk).update(closure_date=D(2026, 9, 1), closure_reason="RC7")
    out = tmp_path / "cin-2027.xml"
    cin_census.write(cin_census.build(2027, now=NOW), str(out))
    assert etree.parse(str(out)).find("Children/Child/CINdetails/PreProceedingsandFGDM") is not None
    script = Path(__file__).resolve().parents[2] / "scripts" / "validate_cin.py"
    run = subprocess.run(
        [str(sector_validators["cin"]), str(script), str(out), "--year", "2027", "--la", "999"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode in (0, 1), run.stderr[-2000:]
    codes = {json.loads(line)["rule_code"] for line in run.stdout.splitlines() if line.strip()}
    module_rules = {"8995Q", "9000Q", "9005", "9006", "9007", "9008", "9009", "9010Q", "9011", "9012", "9013", "9015Q"}
    assert not codes & module_rules
    assert codes <= {"2887Q", "2888Q"}, run.stdout


def test_the_command_exports_2027_with_the_module(tmp_path, worker, manager, episode):
    pre_proceedings(worker, manager, episode, D(2026, 5, 4))
    out = tmp_path / "cin.xml"
    call_command("export_cin_census", "--year", "2027", "--out", str(out))
    module = etree.parse(str(out)).find("Children/Child/CINdetails/PreProceedingsandFGDM")
    assert [e.tag for e in module] == ["PPStartDate"]
