"""Ofsted Annex A built from the case records for an inspection date: the template's sheets
and exact headers, each list's look-back (a day inside and a day outside it), the lettered
drop-down values, the command (a workbook openpyxl reads back, audited without names) and
the page (analysts and the head of service only, audited; a bad date answers 400 with the
GOV.UK error summary and keeps what was typed) and its download."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from childprotection.models import (
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    Section47Enquiry,
    StrategyDiscussion,
)
from childrenincare.models import PeriodOfCare
from childrenincare.testing import looked_after
from exploitation.models import MissingEpisode, ReturnInterview
from familyhelp.models import Allocation, Assessment, ChildInNeedPlan, Visit
from familyhelp.testing import open_episode
from frontdoor import services as front_door
from frontdoor.models import Contact, ContactPerson
from partners.models import User
from people.models import Identifier, PersonDisability
from people.services import record_person
from returns.annex_a import selectors as annex_a

D = datetime.date
INSPECTION = D(2026, 6, 30)  # the last 6 months: 30 December 2025 to 30 June 2026; 12 months from 30 June 2025
FIRST_DAY = D(2025, 12, 30)
DAY_BEFORE = D(2025, 12, 29)


def moment(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def kid(given, dob=D(2014, 5, 20), sex="F", ethnicity=""):
    return record_person(
        None, kind="child", given_names=given, family_name="Testannex", date_of_birth=dob, sex=sex, ethnicity=ethnicity
    )


def contact(worker, day, *people):
    return front_door.receive_contact(
        worker,
        channel=Contact.Channel.PHONE,
        source="2A",
        concerns="Synthetic concern.",
        consent=Contact.Consent.NOT_NEEDED,
        referrer_name="A test referrer",
        people=list(people),
        received_at=moment(day),
    )


def about(person, role=ContactPerson.Role.SUBJECT):
    return front_door.PersonDetails(role=role, person=person)


def rows(name, day=INSPECTION):
    return annex_a.build(day)[name]


def by_id(table, person):
    return [row for row in table if row["Child Unique ID"] == str(person.pk)]


def read_back(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


# --- The template ----------------------------------------------------------------------------------


def test_the_workbook_has_the_templates_sheets_and_exact_headers(db):
    buffer = io.BytesIO()
    annex_a.write(annex_a.build(INSPECTION), buffer)
    sheets = read_back(buffer.getvalue())
    assert list(sheets) == [f"List {n}" for n in range(1, 12)]
    for name, header in annex_a.HEADERS.items():
        assert list(sheets[name][0]) == header, name
        assert len(sheets[name]) == 1, name  # no children: headers only
    assert annex_a.HEADERS["List 1"] == [
        "Child Unique ID",
        "Sex",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of Contact",
        "Contact Source",
    ]
    assert annex_a.HEADERS["List 3"][5:] == [
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ]
    assert "Was the child assessed as requiring LA children's social care support?" in annex_a.HEADERS["List 4"]
    assert (
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)"
        in annex_a.HEADERS["List 7"]
    )
    assert annex_a.HEADERS["List 8"][5] == "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"
    assert len(annex_a.HEADERS["List 8"]) == 34
    assert annex_a.HEADERS["List 10"][:3] == ["Child Unique ID", "Family identifier", "Sex"]
    assert annex_a.HEADERS["List 11"][0] == "Individual adopter identifier"
    assert annex_a.HEADERS_ONLY == {}  # every list is built from the records


def test_the_lettered_values_are_the_templates_strings():
    assert annex_a.ETHNICITY["WBRI"] == "a) WBRI"
    assert annex_a.ETHNICITY["APKN"] == "k) APKN"
    assert annex_a.ETHNICITY["NOBT"] == "t) NOBT"
    assert annex_a.SOURCE["6"] == "q) 6: Police"
    assert annex_a.SOURCE["5D"] == "p1) 5D: LA services"
    assert annex_a.PLACEMENT_TYPE["U1"] == "a) U1: Foster placement - relatives - long term"
    assert annex_a.PROVIDER["PR1"] == "b) PR1: Own provision"
    assert annex_a.REASON_CEASED["E4A"] == "e) E4A: Returned home to live with parents or relatives - part of planning"
    assert (annex_a.YES, annex_a.NO, annex_a.UNKNOWN) == ("a) Yes", "b) No", "c) Unknown")


def test_dates_are_excel_dates_and_ids_are_the_la_child_id(worker, child):
    Identifier.objects.create(person=child, id_type=Identifier.Type.LA_CHILD_ID, value="LA123")
    contact(worker, D(2026, 3, 2), about(child))
    buffer = io.BytesIO()
    annex_a.write(annex_a.build(INSPECTION), buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["List 1"]
    assert sheet["A2"].value == "LA123"
    assert sheet["D2"].value.date() == D(2016, 4, 1)
    assert sheet["D2"].number_format == "DD/MM/YYYY"
    assert sheet["F2"].value.date() == D(2026, 3, 2)


# --- List 1: contacts ------------------------------------------------------------------------------


def test_list_1_every_child_of_every_contact_in_the_last_6_months(worker, child, sibling):
    child.ethnicity = "BAFR"
    child.save()
    adult = record_person(None, kind="adult", given_names="Pat", family_name="Testannex", date_of_birth=D(1990, 1, 1))
    contact(
        worker,
        FIRST_DAY,
        about(child),
        about(sibling, ContactPerson.Role.CHILD_IN_HOUSEHOLD),
        about(adult, ContactPerson.Role.ADULT_IN_HOUSEHOLD),
    )
    contact(worker, DAY_BEFORE, about(child))
    contact(worker, D(2026, 7, 1), about(child))
    contact(worker, INSPECTION, about(child))
    table = rows("List 1")
    assert sorted((r["Child Unique ID"], r["Date of Contact"]) for r in table) == sorted(
        [(str(child.pk), FIRST_DAY), (str(sibling.pk), FIRST_DAY), (str(child.pk), INSPECTION)]
    )
    first = by_id(table, child)[0]
    assert first == {
        "Child Unique ID": str(child.pk),
        "Sex": "a) Male",
        "Ethnicity": "o) BAFR",
        "Date of Birth": D(2016, 4, 1),
        "Age of Child (Years)": 10,
        "Date of Contact": FIRST_DAY,
        "Contact Source": "e) 2A: Schools",
    }
    sister = by_id(table, sibling)[0]
    assert sister["Sex"] == "b) Female"
    assert sister["Ethnicity"] == "t) NOBT"
    assert sister["Age of Child (Years)"] == 6


# --- List 3: referrals -----------------------------------------------------------------------------


def test_list_3_referrals_in_the_last_6_months_with_the_12_month_count_and_allocation(worker, manager, team, child):
    open_episode(worker, child, D(2025, 7, 1))  # 12 months: counted, not listed
    inside = open_episode(worker, child, FIRST_DAY, source="6")
    open_episode(worker, child, DAY_BEFORE)
    open_episode(worker, child, D(2026, 7, 1))  # after the inspection date
    Allocation.objects.create(
        episode=inside,
        team=team,
        worker=manager,
        start_date=D(2026, 1, 2),
        end_date=D(2026, 2, 1),
        allocated_by=manager,
    )
    Allocation.objects.create(episode=inside, team=team, worker=worker, start_date=D(2026, 2, 2), allocated_by=manager)
    table = rows("List 3")
    assert [r["Date of referral"] for r in table] == [FIRST_DAY]
    assert {k: table[0][k] for k in annex_a.HEADERS["List 3"][5:]} == {
        "Date of referral": FIRST_DAY,
        "Referral Source": "q) 6: Police",
        "Referral NFA?": "b) No",
        "Number of Referrals in Last 12 Months": 3,
        "Allocated Team": "Assessment team 1",
        "Allocated Worker": worker.get_full_name(),
    }


# --- List 4: assessments ---------------------------------------------------------------------------


def test_list_4_assessments_open_or_authorised_in_the_last_6_months(worker, manager, child, sibling):
    episode = open_episode(worker, child, D(2025, 4, 1))
    PersonDisability.objects.create(person=child, code="NONE")
    PersonDisability.objects.create(person=sibling, code="MOB")

    def assessment(person, start, authorised=None, outcome=""):
        return Assessment.objects.create(
            episode=episode,
            person=person,
            start_date=start,
            worker=worker,
            authorised_date=authorised,
            outcome=outcome,
            status="authorised" if authorised else "in_progress",
        )

    done = assessment(child, D(2026, 3, 1), D(2026, 4, 1), Assessment.Outcome.CHILD_IN_NEED_PLAN)
    assessment(child, D(2025, 5, 1), DAY_BEFORE, Assessment.Outcome.NO_FURTHER_ACTION)  # authorised before the window
    edge = assessment(child, D(2025, 11, 1), FIRST_DAY, Assessment.Outcome.NO_FURTHER_ACTION)
    open_one = assessment(sibling, D(2025, 10, 1))
    assessment(child, D(2026, 7, 5))  # after the inspection date
    Visit.objects.create(
        person=child,
        episode=episode,
        kind=Visit.Kind.ASSESSMENT,
        visit_date=D(2026, 3, 10),
        seen=True,
        visited_by=worker,
    )
    table = {(r["Child Unique ID"], r["Continuous Assessment Start Date"]): r for r in rows("List 4")}
    assert set(table) == {
        (str(child.pk), done.start_date),
        (str(child.pk), edge.start_date),
        (str(sibling.pk), open_one.start_date),
    }
    row = table[(str(child.pk), done.start_date)]
    assert row["Does the Child have a Disability"] == "b) No"
    assert row["Child Seen During Continuous Assessment"] == "a) Yes"
    assert row["Continuous Assessment Date of Authorisation"] == D(2026, 4, 1)
    assert row["Was the child assessed as requiring LA children's social care support?"] == "a) Yes"
    assert (
        table[(str(child.pk), edge.start_date)][
            "Was the child assessed as requiring LA children's social care support?"
        ]
        == "b) No"
    )
    pending = table[(str(sibling.pk), open_one.start_date)]
    assert pending["Does the Child have a Disability"] == "a) Yes"
    assert pending["Child Seen During Continuous Assessment"] == "b) No"
    assert pending["Continuous Assessment Date of Authorisation"] is None
    assert pending["Was the child assessed as requiring LA children's social care support?"] == ""


# --- List 5: section 47 enquiries and ICPCs --------------------------------------------------------


def _discussion(worker, day):
    return StrategyDiscussion.objects.create(
        held_at=moment(day),
        information_shared="Synthetic.",
        police_decision=StrategyDiscussion.PoliceDecision.SINGLE_AGENCY,
        chair=worker,
        recorded_by=worker,
    )


def test_list_5_enquiries_in_the_last_6_months_with_their_initial_conference(worker, chair, child):
    episode = open_episode(worker, child, D(2025, 12, 1))

    def enquiry(day, **fields):
        return Section47Enquiry.objects.create(
            person=child,
            episode=episode,
            strategy_discussion=_discussion(worker, day),
            start_date=day,
            initial_conference_target=day + datetime.timedelta(21),
            **fields,
        )

    enquiry(DAY_BEFORE)
    first = enquiry(FIRST_DAY, outcome=Section47Enquiry.Outcome.INITIAL_CONFERENCE, outcome_date=D(2026, 1, 10))
    later = enquiry(
        D(2026, 6, 1),
        initial_conference_not_required=True,
        outcome=Section47Enquiry.Outcome.NO_FURTHER_ACTION,
        outcome_date=D(2026, 6, 10),
    )
    enquiry(D(2026, 7, 2))
    conference = Conference.objects.create(
        kind=Conference.Kind.INITIAL, held_on=D(2026, 1, 20), chair=chair, recorded_by=worker
    )
    ConferenceChild.objects.create(
        conference=conference,
        person=child,
        episode=episode,
        enquiry=first,
        decision=ConferenceChild.Decision.PLAN,
        category="NEG",
        reasons="Synthetic.",
    )
    table = {r["Strategy discussion initiating Section 47 Enquiry Start Date"]: r for r in rows("List 5")}
    assert set(table) == {first.start_date, later.start_date}
    assert {k: table[FIRST_DAY][k] for k in annex_a.HEADERS["List 5"][6:12]} == {
        "Strategy discussion initiating Section 47 Enquiry Start Date": FIRST_DAY,
        "Was an Initial Child Protection Conference deemed unnecessary?": "b) No",
        "Date of Initial Child Protection Conference": D(2026, 1, 20),
        "Did the Initial Child Protection Conference Result in a Child Protection Plan": "a) Yes",
        "Number of Section 47 Enquiries in the last 12 months": 3,
        "Number of ICPCs in the last 12 months": 1,
    }
    assert table[later.start_date]["Was an Initial Child Protection Conference deemed unnecessary?"] == "a) Yes"
    assert table[later.start_date]["Date of Initial Child Protection Conference"] is None
    assert (
        table[later.start_date]["Did the Initial Child Protection Conference Result in a Child Protection Plan"] == ""
    )


# --- List 6: children in need ----------------------------------------------------------------------


def test_list_6_episodes_open_or_closed_in_the_last_6_months_with_the_case_status(worker, child, sibling):
    open_ep = open_episode(worker, child, D(2025, 3, 1))
    closed_in = open_episode(worker, kid("Closedin"), D(2025, 10, 1))
    closed_in.closure_date, closed_in.closure_reason = FIRST_DAY, "RC8"
    closed_in.save()
    closed_before = open_episode(worker, kid("Closedbefore"), D(2025, 10, 1))
    closed_before.closure_date, closed_before.closure_reason = DAY_BEFORE, "RC7"
    closed_before.save()
    nfa = open_episode(worker, kid("Nfa"), D(2026, 2, 1))
    nfa.referral_nfa, nfa.closure_date, nfa.closure_reason = True, D(2026, 2, 1), "RC7"
    nfa.save()
    on_plan = open_episode(worker, sibling, D(2026, 1, 5), primary_need="N2")
    ChildInNeedPlan.objects.create(
        episode=on_plan, person=sibling, start_date=D(2026, 2, 1), services="Synthetic.", created_by=worker
    )
    in_care = kid("Incare")
    looked_after(worker, in_care, D(2026, 2, 1))
    Visit.objects.create(
        person=child,
        episode=open_ep,
        kind=Visit.Kind.CHILD_IN_NEED,
        visit_date=D(2026, 5, 1),
        seen=True,
        visited_by=worker,
    )
    Visit.objects.create(
        person=child,
        episode=open_ep,
        kind=Visit.Kind.CHILD_IN_NEED,
        visit_date=D(2026, 6, 1),
        seen=False,
        visited_by=worker,
    )
    table = {r["Child Unique ID"]: r for r in rows("List 6")}
    assert set(table) == {str(child.pk), str(closed_in.person_id), str(sibling.pk), str(in_care.pk)}
    assert table[str(child.pk)]["Case Status"] == "d) Open assessment"
    assert table[str(child.pk)]["Date Child Was Last Seen"] == D(2026, 5, 1)
    assert table[str(child.pk)]["Primary Need Code"] == "N1 - Abuse or neglect"
    closed = table[str(closed_in.person_id)]
    assert (closed["CIN Closure Date"], closed["Reason for Closure"], closed["Case Status"]) == (
        FIRST_DAY,
        "RC8 - Case closed after assessment, no further action",
        "e) Closed episode",
    )
    assert table[str(sibling.pk)]["Case Status"] == "c) Child in need plan"
    assert table[str(sibling.pk)]["Primary Need Code"] == "N2 - Child\u2019s disability"
    assert table[str(in_care.pk)]["Case Status"] == "a) Looked after child"


# --- List 7: child protection ----------------------------------------------------------------------


def test_list_7_plans_open_or_ended_in_the_last_6_months(worker, chair, child, sibling):
    episode = open_episode(worker, child, D(2025, 6, 1))
    ChildProtectionPlan.objects.create(
        person=sibling,
        episode=open_episode(worker, sibling, D(2025, 6, 1)),
        start_date=D(2025, 7, 1),
        initial_category="PHY",
        latest_category="PHY",
        end_date=DAY_BEFORE,
    )  # ended the day before the look-back
    plan = ChildProtectionPlan.objects.create(
        person=child,
        episode=episode,
        start_date=D(2025, 7, 1),
        initial_category="NEG",
        latest_category="EMO",
        previous_plans=1,
        end_date=FIRST_DAY,
    )
    Visit.objects.create(
        person=child,
        episode=episode,
        kind=Visit.Kind.CHILD_PROTECTION,
        visit_date=D(2025, 12, 1),
        seen=True,
        seen_alone=True,
        visited_by=worker,
    )
    Visit.objects.create(
        person=child,
        episode=episode,
        kind=Visit.Kind.CHILD_PROTECTION,
        visit_date=D(2026, 1, 5),
        seen=True,
        seen_alone=False,
        visited_by=worker,
    )  # after the plan ended
    review = Conference.objects.create(
        kind=Conference.Kind.REVIEW, held_on=D(2025, 10, 1), chair=chair, recorded_by=worker
    )
    ConferenceChild.objects.create(
        conference=review,
        person=child,
        episode=episode,
        plan=plan,
        decision=ConferenceChild.Decision.CONTINUE,
        reasons="Synthetic.",
    )
    table = rows("List 7")
    assert [r["Child Unique ID"] for r in table] == [str(child.pk)]
    assert {k: table[0][k] for k in annex_a.HEADERS["List 7"][5:-2]} == {
        "Does the Child have a Disability": "c) Unknown",
        "Child Protection Plan Start Date": D(2025, 7, 1),
        "Initial Category of Abuse": "a) Neglect",
        "Latest Category of Abuse": "d) Emotional abuse",
        "Date of the Last Statutory Visit": D(2025, 12, 1),
        "Was the Child Seen Alone?": "a) Yes",
        "Date of latest review conference": D(2025, 10, 1),
        "Child Protection Plan End Date": FIRST_DAY,
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)": "b) No",
        "Number of Previous Child Protection Plans": 1,
    }


# --- List 8: children in care ----------------------------------------------------------------------


def test_list_8_children_looked_after_or_ceased_in_the_last_6_months(worker, la, child, sibling):
    looked_after(worker, child, D(2026, 1, 10))
    earlier = looked_after(worker, sibling, D(2025, 1, 10))
    PeriodOfCare.objects.filter(pk=earlier.pk).update(end_date=DAY_BEFORE, end_reason="E8")
    went_home = kid("Wenthome")
    gone = looked_after(worker, went_home, D(2025, 9, 1))
    PeriodOfCare.objects.filter(pk=gone.pk).update(end_date=FIRST_DAY, end_reason="E4B")
    MissingEpisode.objects.create(
        person=child,
        kind="M",
        missing_from="placement",
        recorded_by=worker,
        started_at=moment(D(2026, 2, 1), 21),
        ended_at=moment(D(2026, 2, 2), 9),
    )
    away = MissingEpisode.objects.create(
        person=child,
        kind="A",
        missing_from="placement",
        recorded_by=worker,
        started_at=moment(D(2026, 3, 1), 21),
        ended_at=moment(D(2026, 3, 2), 9),
    )
    ReturnInterview.objects.create(
        episode=away,
        offered_at=moment(D(2026, 3, 3)),
        response="declined",
        responded_at=moment(D(2026, 3, 3)),
        recorded_by=worker,
    )
    table = {r["Child Unique ID"]: r for r in rows("List 8")}
    assert set(table) == {str(child.pk), str(went_home.pk)}
    row = table[str(child.pk)]
    assert {k: row[k] for k in annex_a.HEADERS["List 8"][5:]} == {
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": "b) No",
        "Does the Child have a Disability": "c) Unknown",
        "Date Started to be Looked After": D(2026, 1, 10),
        "Child's Category of Need": "N1 - Abuse or neglect",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)": "b) No",
        "Start date of current legal status": D(2026, 1, 10),
        "Child's Legal Status": "V2: Single period under S20",
        "Date of Latest Statutory Review": None,
        "Date of Last Social Work Visit": None,
        "What is the permanence plan for this child?": "",
        "Date of Last IRO Visit / Contact to the Child": None,
        "Date of Last Health Assessment": None,
        "Date of Last Dental Check": None,
        "Number of Placements in the Last 12 months": 1,
        "Date Ceased to be Looked After": None,
        "Reason Ceased to be Looked After": "",
        "Start Date of Most Recent Placement": D(2026, 1, 10),
        "Placement Type": "f) U6: Foster placement - not FFA",
        "Placement Provider": "b) PR1: Own provision",
        "Placement postcode": "TE1 1AA",
        "URN of Placement": "SC900001",
        "Placement Location": "a) In",
        "LA of Placement": la.name,
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months": 1,
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months": 1,
        "Was the child offered a Return Interview after their last missing episode (Y/N)?": "a) Yes",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?": "b) No",
        "Allocated Team": "",
        "Allocated Worker": "",
    }
    home = table[str(went_home.pk)]
    assert home["Date Ceased to be Looked After"] == FIRST_DAY
    assert home["Reason Ceased to be Looked After"] == (
        "f) E4B: Returned home to live with parents or relatives - not part of planning"
    )
    assert "Was the child offered a Return Interview after their last missing episode (Y/N)?" in home
    assert home["Was the child offered a Return Interview after their last missing episode (Y/N)?"] == ""


def test_list_8_on_the_day_before_care_began_the_child_is_not_listed(worker, child):
    looked_after(worker, child, D(2026, 1, 10))
    assert rows("List 8", D(2026, 1, 9)) == []
    assert len(rows("List 8", D(2026, 1, 10))) == 1


def test_the_number_of_queries_does_not_grow_with_the_children(worker, child, sibling):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            annex_a.build(INSPECTION)
        return len(captured)

    looked_after(worker, child, D(2026, 1, 10))
    contact(worker, D(2026, 3, 2), about(child))
    few = queries()
    for n in range(4):
        other = kid(f"More{n}")
        looked_after(worker, other, D(2026, 2, 1 + n))
        contact(worker, D(2026, 3, 3 + n), about(other), about(sibling, ContactPerson.Role.CHILD_IN_HOUSEHOLD))
    assert len(rows("List 8")) == 5
    assert len(rows("List 1")) == 14
    assert queries() == few


# --- The command -----------------------------------------------------------------------------------


def test_the_command_writes_a_workbook_openpyxl_reads_and_audits_it(tmp_path, worker, child):
    contact(worker, D(2026, 3, 2), about(child))
    out = tmp_path / "annex_a.xlsx"
    call_command("export_annex_a", "--date", "2026-06-30", "--out", str(out))
    sheets = read_back(out.read_bytes())
    assert list(sheets["List 1"][0]) == annex_a.HEADERS["List 1"]
    assert len(sheets["List 1"]) == 2
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, summary="Annex A lists for 30 June 2026 exported")
    assert event.detail["inspection_date"] == "2026-06-30"
    assert event.detail["rows"]["List 1"] == 1
    assert child.family_name not in str(event.detail)
    assert child.given_names not in str(event.detail)


def test_the_command_refuses_a_date_that_is_not_one(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("export_annex_a", "--date", "30/06/2026", "--out", str(tmp_path / "x.xlsx"))


# --- The page and the download -----------------------------------------------------------------------


@pytest.fixture
def analyst(user, la):
    return user(User.Role.ANALYST, agency=la, team=None)


DATE = {"date_0": "30", "date_1": "6", "date_2": "2026"}


def test_the_workbook_is_prepared_in_the_background_with_the_rows_in_each_list(
    client, analyst, worker, child, immediate_tasks
):
    contact(worker, D(2026, 3, 2), about(child))
    client.force_login(analyst)
    response = client.get(reverse("returns:annex_a"), DATE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The workbook for 30 June 2026" in page
    assert 'name="date_0" value="30"' in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, summary="Annex A for 30 June 2026")
    assert event.detail == {"inspection_date": "2026-06-30"}
    response = client.post(reverse("returns:annex_a_prepare"), DATE)
    assert response.status_code == 303
    response = client.get(response["Location"])
    page = response.content.decode()
    assert "List 1: Contacts" in page
    assert response.context["lists"][0] == {"name": "List 1", "title": "Contacts", "rows": 1, "not_kept": None}
    assert "Download annex-a-2026-06-30.xlsx" in page


def test_the_page_defaults_to_today(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("returns:annex_a"))
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()


def test_a_social_worker_may_not_see_annex_a(client, worker):
    client.force_login(worker)
    assert client.get(reverse("returns:annex_a")).status_code == 403
    assert client.get(reverse("returns:annex_a_download"), DATE).status_code == 403


def test_a_date_that_is_not_a_date_shows_the_error_summary_and_keeps_what_was_typed(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse("returns:annex_a"), {"date_0": "31", "date_1": "2", "date_2": "2026"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Inspection date must be a real date" in page
    assert 'value="31"' in page
    assert 'value="2026"' in page
    assert "Download the spreadsheet" not in page
    assert client.get(reverse("returns:annex_a_download"), {"date_0": "1", "date_1": "13"}).status_code == 400


def test_the_download_is_an_xlsx_attachment_and_is_audited(client, analyst, worker, child):
    contact(worker, D(2026, 3, 2), about(child))
    client.force_login(analyst)
    response = client.get(reverse("returns:annex_a_download"), DATE)
    assert response.status_code == 200
    assert response["Content-Type"] == annex_a_xlsx()
    assert response["Content-Disposition"] == 'attachment; filename="annex-a-2026-06-30.xlsx"'
    sheets = read_back(response.content)
    assert sheets["List 1"][1][0] == str(child.pk)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, summary="Annex A lists for 30 June 2026 downloaded")
    assert event.user == analyst
    assert event.detail == {
        "inspection_date": "2026-06-30",
        "rows": annex_a.counts(annex_a.build(INSPECTION)),
    }


def annex_a_xlsx():
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
