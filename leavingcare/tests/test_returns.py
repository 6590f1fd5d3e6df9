"""The care leavers' parts of the statutory returns: the SSDA903 OC3 cohort and rows, the
checks of OC3 before submission, and Ofsted Annex A List 9."""

import datetime

import pytest

from leavingcare import services
from leavingcare.eligibility import birthday
from leavingcare.testing import care_period
from people.services import record_person
from returns import ssda903, ssda903_leaving_care, validation, validation_leaving_care
from returns.annex_a import care_leavers as annex_a_care_leavers
from returns.annex_a import selectors as annex_a
from returns.collection import year_in_progress

from .conftest import years_ago

TODAY = datetime.date.today()
D = datetime.timedelta


def person(name, years, days, sex="M"):
    return record_person(
        None, kind="child", given_names=name, family_name="Testleaver", date_of_birth=years_ago(years, days), sex=sex
    )


@pytest.fixture
def leaver(worker, young_person):
    """Left care at 18, aged 19 and 100 days: in OC3 for the 19th birthday."""
    dob = young_person.date_of_birth
    care_period(worker, young_person, birthday(dob, 13), birthday(dob, 18), end_reason="E17")
    return young_person


def year_of(person, age):
    return year_in_progress(birthday(person.date_of_birth, age))


def rows_for(year):
    return {p.pk: row for p, row in ssda903_leaving_care.oc3(year)}


def test_a_care_leaver_with_no_birthday_contact_is_returned_blank_and_listed_with_the_fix(leaver):
    year = year_of(leaver, 19)
    assert rows_for(year)[leaver.pk] == {"IN_TOUCH": "", "ACTIV": "", "ACCOM": ""}
    tables = ssda903.build(year)
    child = [r for r in tables["Header"] if r["DOB"] == f"{leaver.date_of_birth:%d/%m/%Y}"]
    assert child
    assert tables["OC3"][0]["CHILD"] == child[0]["CHILD"]
    failures = [f for f in validation.check(tables, year) if f.table == "OC3"]
    assert [f.rule for f in failures] == ["131"]
    assert failures[0].fix.startswith("Record the birthday contact")
    assert "19th" in failures[0].fix


def test_the_birthday_contact_fills_the_row_and_the_checks_pass(worker, leaver):
    record = services.open_record(worker, leaver)
    day = birthday(leaver.date_of_birth, 19)
    services.record_birthday_contact(
        worker,
        record,
        birthday_age=19,
        contact_on=day,
        in_touch="YES",
        activity="F1",
        accommodation_type="D",
        accommodation_suitable=False,
    )
    year = year_of(leaver, 19)
    assert rows_for(year)[leaver.pk] == {"IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "D2"}
    tables = ssda903.build(year)
    assert not [f for f in validation.check(tables, year) if f.table == "OC3"]


def test_went_home_gives_activity_and_accommodation_0(worker, leaver):
    record = services.open_record(worker, leaver)
    services.record_birthday_contact(worker, record, birthday_age=19, in_touch="RHOM")
    assert rows_for(year_of(leaver, 19))[leaver.pk] == {"IN_TOUCH": "RHOM", "ACTIV": "0", "ACCOM": "0"}


def test_not_for_the_birthday_care_ended_on_nor_before_17(leaver):
    # The 18th birthday: care ended that day (validator rule 1016).
    assert leaver.pk not in rows_for(year_of(leaver, 18))
    assert leaver.pk not in rows_for(year_of(leaver, 16))


def test_who_is_not_in_the_cohort(worker):
    still = person("Still", 17, 40)
    care_period(worker, still, birthday(still.date_of_birth, 14), None)
    short = person("Short", 17, 40)
    care_period(
        worker,
        short,
        birthday(short.date_of_birth, 16) + D(1),
        birthday(short.date_of_birth, 16) + D(80),
        end_reason="E5",
    )
    adopted = person("Adopted", 17, 40)
    care_period(
        worker,
        adopted,
        birthday(adopted.date_of_birth, 14),
        birthday(adopted.date_of_birth, 16) + D(100),
        end_reason="E11",
    )
    breaks = person("Breaks", 17, 40)
    care_period(
        worker,
        breaks,
        birthday(breaks.date_of_birth, 15),
        birthday(breaks.date_of_birth, 16) + D(100),
        legal_status="V4",
        end_reason="E8",
    )
    relevant = person("Relevant", 17, 40)
    care_period(
        worker,
        relevant,
        birthday(relevant.date_of_birth, 16) + D(1),
        birthday(relevant.date_of_birth, 16) + D(92),
        end_reason="E5",
    )
    rows = rows_for(year_of(relevant, 17))
    assert relevant.pk in rows
    assert not {still.pk, short.pk, adopted.pk, breaks.pk} & set(rows)


def _tables(**row):
    oc3 = {"CHILD": "1", "DOB": "01/06/2006", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "U1"}
    oc3.update(row)
    header = {"CHILD": "1", "SEX": "M", "DOB": oc3["DOB"], "ETHNIC": "WBRI", "UPN": "UN4", "MOTHER": "", "MC_DOB": ""}
    return {"Header": [header], "Episodes": [], "OC3": [oc3], "UASC": []}


def rules(tables, year=2026):
    return sorted(f.rule for f in validation_leaving_care.check(tables, year))


def test_the_oc3_checks(db):
    assert rules(_tables()) == []
    assert rules(_tables(IN_TOUCH="MAYBE")) == ["131"]
    assert rules(_tables(ACTIV="")) == ["132", "153"]
    assert rules(_tables(IN_TOUCH="DIED")) == ["344"]
    assert rules(_tables(IN_TOUCH="DIED", ACTIV="0", ACCOM="0")) == []
    assert rules(_tables(ACTIV="0")) == ["345"]
    assert rules(_tables(DOB="01/06/2008", ACCOM="Z1")) == ["3001"]
    assert rules(_tables(DOB="01/06/2007", ACCOM="T1")) == ["347"]
    assert rules(_tables(DOB="01/06/2005", ACCOM="T1")) == []
    assert rules(_tables(DOB="01/06/2010")) == ["391"]
    twice = _tables()
    twice["OC3"].append(dict(twice["OC3"][0]))
    assert rules(twice) == ["INT34"]
    mother = _tables()
    mother["Header"][0]["MOTHER"] = "0"
    assert rules(mother) == ["628"]
    uasc = _tables()
    uasc["UASC"] = [{"CHILD": "1"}]
    assert rules(uasc) == ["1014"]
    ceased = _tables(DOB="01/06/2008")
    ceased["Episodes"] = [{"CHILD": "1", "DEC": "10/06/2025", "DECOM": "01/01/2022"}]
    assert "1016" in rules(ceased)
    missing = _tables()
    missing["Header"] = []
    assert rules(missing) == ["INT06"]


def test_list_9_has_the_entitled_young_people_with_the_template_strings(worker, leaver, young_person):
    record = services.open_record(worker, leaver)
    services.appoint_personal_adviser(worker, record, adviser=worker, on=TODAY - D(50))
    services.record_pathway_plan(worker, record, kind="plan", held_on=TODAY - D(40))
    services.record_birthday_contact(
        worker,
        record,
        birthday_age=19,
        contact_on=birthday(leaver.date_of_birth, 19),
        in_touch="YES",
        activity="G5",
        accommodation_type="S",
    )
    services.record_contact(worker, record, contact_on=TODAY - D(5), method="phone", in_touch=True)
    too_young = person("Young", 15, 0)
    care_period(worker, too_young, birthday(too_young.date_of_birth, 13), None)
    rows = annex_a_care_leavers.list_9(annex_a.Window(TODAY))
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == annex_a.HEADERS["List 9"]
    assert row["Eligibility Category"] == "b) Former relevant child"
    assert row["Allocated Personal Advisor"] == worker.get_full_name()
    assert row["Allocated Worker"]
    assert row["Latest Pathway Plan Review Date"] == TODAY - D(40)
    assert row["LA in Touch"] == "a) Yes"
    assert row["Latest Date of Contact"] == TODAY - D(5)
    assert row["Type of Accommodation"] == "S: No fixed adobe/homeless"
    assert row["Suitability of Accommodation"] == "b) Unsuitable"
    assert row["Activity Status"] == "G5: Not in education, employment or training - other"
    assert row["Age of Child (Years)"] == 19


def test_list_9_leaves_out_former_relevant_over_21_without_an_adviser(worker):
    older = person("Older", 22, 10)
    care_period(worker, older, birthday(older.date_of_birth, 14), birthday(older.date_of_birth, 18), end_reason="E17")
    assert annex_a_care_leavers.list_9(annex_a.Window(TODAY)) == []
    record = services.open_record(worker, older)
    services.appoint_personal_adviser(worker, record, adviser=worker, on=TODAY - D(3))
    assert [r["Eligibility Category"] for r in annex_a_care_leavers.list_9(annex_a.Window(TODAY))] == [
        "b) Former relevant child"
    ]
