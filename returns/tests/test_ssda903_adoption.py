"""SSDA903 AD1 and PlacedAdoption built from adoption journeys recorded through the services,
the checks before submission (each rule firing on a broken row, none on good ones), the
sector validator on the export (when installed), and Annex A Lists 10 and 11."""

import datetime
import json
import subprocess
from pathlib import Path

import pytest

from adoption import services
from adoption.testing import approved_household, household
from childrenincare.testing import looked_after
from people.services import record_person
from returns import ssda903, validation_adoption
from returns.annex_a import adoption as annex_a_adoption
from returns.annex_a import selectors as annex_a

D = datetime.date
YEAR = 2026  # 1 April 2025 to 31 March 2026
ROOT = Path(__file__).resolve().parents[2]
ADOPTION_RULES = {
    "112",
    "113",
    "114",
    "115",
    "116",
    "117",
    "118",
    "119",
    "120",
    "134",
    "151",
    "175",
    "176",
    "177",
    "184",
    "187",
    "331",
    "333",
    "334",
    "335",
    "336",
    "390",
    "408",
    "511",
    "514",
    "517",
    "518",
    "519",
    "520",
    "521",
    "522",
    "523",
    "524",
    "525",
    "551",
    "552",
    "553",
    "554",
    "557",
    "558",
    "563",
    "579",
    "582",
    "583",
    "601",
    "602",
    "1003",
    "1012",
    "INT01",
    "INT02",
    "INT11",
    "INT12",
    "INT31",
    "217",
}


def baby(name, born):
    return record_person(None, kind="child", given_names=name, family_name="Testadoption", date_of_birth=born, sex="F")


@pytest.fixture
def journeys(worker):
    made = {}
    # Adopted under a placement order by new adopters (A6, E12).
    child = baby("Ada", D(2023, 5, 1))
    period = looked_after(worker, child, D(2024, 6, 3), legal_status="C1")
    decision = services.record_decision(worker, period, decided_on=D(2024, 12, 2), decision_maker="ADM")
    services.record_placement_order(worker, decision, on=D(2025, 1, 10))
    adopters = approved_household(worker, approved_on=D(2025, 2, 1), sexes=("F", "F"), relationship="civil_partners")
    services.record_match(worker, decision, household=adopters, matched_on=D(2025, 5, 1), late_reason="Search")
    services.record_placement(worker, decision, on=D(2025, 5, 20))
    services.record_adoption_order(worker, decision, on=D(2025, 11, 3), reason="E12")
    made["a6"] = child
    # Fostering for adoption, consent, adopted by the foster carers (U5, A3, E11).
    child = baby("Bea", D(2025, 3, 20))
    period = looked_after(worker, child, D(2025, 4, 10), legal_status="V2")
    decision = services.record_decision(worker, period, decided_on=D(2025, 5, 1), decision_maker="ADM")
    carers = approved_household(worker, approved_on=D(2025, 4, 1), ffa=True, sexes=("M",), relationship="single")
    services.record_early_placement(worker, decision, household=carers, on=D(2025, 5, 5))
    services.record_consent(worker, decision, on=D(2025, 6, 1))
    services.record_match(worker, decision, household=carers, matched_on=D(2025, 7, 1))
    services.record_placement(worker, decision, on=D(2025, 7, 15))
    services.record_adoption_order(worker, decision, on=D(2026, 2, 10), reason="E11")
    made["a3"] = child
    # A decision reversed in the year (RD1); the child stays looked after.
    child = baby("Cal", D(2024, 1, 1))
    period = looked_after(worker, child, D(2025, 4, 7), legal_status="C1")
    decision = services.record_decision(worker, period, decided_on=D(2025, 6, 2), decision_maker="ADM")
    services.record_no_longer_placed(worker, decision, on=D(2025, 9, 1), reason="RD1")
    made["reversed"] = child
    # Waiting: a placement order, no match yet.
    child = baby("Dee", D(2024, 2, 2))
    period = looked_after(worker, child, D(2025, 4, 14), legal_status="C1")
    decision = services.record_decision(worker, period, decided_on=D(2025, 5, 1), decision_maker="ADM")
    services.record_placement_order(worker, decision, on=D(2025, 6, 2))
    made["waiting"] = child
    household(worker, enquiry_on=D(2025, 10, 1), name="The Enquiring household")
    return made


def built():
    ids = {}
    tables = ssda903.build(YEAR, children=ids)
    by_person = {pk: child for child, pk in ids.items()}
    return tables, by_person


def test_ad1_and_placed_adoption_rows(journeys):
    tables, child_of = built()
    ad1 = {row["CHILD"]: row for row in tables["AD1"]}
    assert set(ad1) == {child_of[journeys["a6"].pk], child_of[journeys["a3"].pk]}
    assert ad1[child_of[journeys["a6"].pk]] == {
        "CHILD": child_of[journeys["a6"].pk],
        "DOB": "01/05/2023",
        "DATE_INT": "02/12/2024",
        "DATE_MATCH": "01/05/2025",
        "FOSTER_CARE": "0",
        "NB_ADOPTR": "2",
        "SEX_ADOPTR": "FF",
        "LS_ADOPTR": "L2",
    }
    single = ad1[child_of[journeys["a3"].pk]]
    assert (single["FOSTER_CARE"], single["NB_ADOPTR"], single["SEX_ADOPTR"], single["LS_ADOPTR"]) == (
        "1",
        "1",
        "M1",
        "L0",
    )
    placed = {row["CHILD"]: row for row in tables["PlacedAdoption"]}
    assert len(tables["PlacedAdoption"]) == 4
    assert placed[child_of[journeys["reversed"].pk]]["DATE_PLACED_CEASED"] == "01/09/2025"
    assert placed[child_of[journeys["reversed"].pk]]["REASON_PLACED_CEASED"] == "RD1"
    assert placed[child_of[journeys["waiting"].pk]] == {
        "CHILD": child_of[journeys["waiting"].pk],
        "DOB": "02/02/2024",
        "DATE_PLACED": "01/05/2025",
        "DATE_PLACED_CEASED": "",
        "REASON_PLACED_CEASED": "",
    }
    episodes = {(row["CHILD"], row["PLACE"]) for row in tables["Episodes"]}
    assert (child_of[journeys["a3"].pk], "U5") in episodes
    assert (child_of[journeys["a3"].pk], "A3") in episodes


def test_the_checks_pass_good_rows_and_name_each_broken_rule(journeys):
    tables, child_of = built()
    assert validation_adoption.check(tables, YEAR) == []
    adopted, waiting = child_of[journeys["a6"].pk], child_of[journeys["waiting"].pk]

    def rules_after(change):
        broken = {name: [dict(row) for row in rows] for name, rows in tables.items()}
        change(broken)
        return {(f.rule, f.child) for f in validation_adoption.check(broken, YEAR)}

    def ad1_row(broken, child):
        return next(r for r in broken["AD1"] if r["CHILD"] == child)

    assert ("333", adopted) in rules_after(lambda t: ad1_row(t, adopted).update(DATE_MATCH="01/11/2024"))
    assert ("523", adopted) in rules_after(lambda t: ad1_row(t, adopted).update(DATE_INT="03/12/2024"))
    assert ("519", adopted) in rules_after(lambda t: ad1_row(t, adopted).update(SEX_ADOPTR="F1"))
    assert ("511", adopted) in rules_after(lambda t: ad1_row(t, adopted).update(SEX_ADOPTR="F1"))
    assert ("151", adopted) in rules_after(lambda t: ad1_row(t, adopted).update(LS_ADOPTR=""))
    assert ("335", adopted) in rules_after(lambda t: ad1_row(t, adopted).update(FOSTER_CARE="1"))
    assert ("601", adopted) in rules_after(lambda t: t.update(AD1=[r for r in t["AD1"] if r["CHILD"] != adopted]))
    assert ("553", waiting) in rules_after(
        lambda t: t.update(PlacedAdoption=[r for r in t["PlacedAdoption"] if r["CHILD"] != waiting])
    )
    assert ("119", waiting) in rules_after(
        lambda t: next(r for r in t["PlacedAdoption"] if r["CHILD"] == waiting).update(DATE_PLACED_CEASED="01/10/2025")
    )
    assert ("554", waiting) in rules_after(
        lambda t: next(r for r in t["PlacedAdoption"] if r["CHILD"] == waiting).update(DATE_PLACED="03/06/2025")
    )
    failure = next(
        f
        for f in validation_adoption.check({**tables, "AD1": [r for r in tables["AD1"] if r["CHILD"] != adopted]}, YEAR)
        if f.rule == "601"
    )
    assert failure.table == "AD1"
    assert "adoption plan" in failure.fix


def test_the_sector_validator_finds_no_adoption_issue_in_the_export(journeys, tmp_path):
    python = ROOT / ".venv-903" / "bin" / "python"
    if not python.exists():
        pytest.skip("the SSDA903 validator is not installed (scripts/sector-validators.sh)")
    tables, _ = built()
    ssda903.write(tables, tmp_path)
    run = subprocess.run(
        [
            str(python),
            str(ROOT / "scripts" / "validate_903.py"),
            str(tmp_path),
            "--year",
            str(YEAR),
            "--la",
            "E08000035",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode in (0, 1), run.stderr[-2000:]
    found = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    adoption = [
        f for f in found if not f.get("crashed") and not f.get("leaked") and f.get("rule_code") in ADOPTION_RULES
    ]
    assert not adoption, adoption[:5]


def test_annex_a_lists_10_and_11(journeys):
    window = annex_a.Window(D(2026, 3, 31))
    rows = annex_a_adoption.list_10(window)
    assert len(rows) == 4
    assert all(list(row) == annex_a.HEADERS["List 10"] for row in rows)
    reversed_row = next(r for r in rows if r["Date of Decision that Child Should No Longer be Placed for Adoption"])
    assert reversed_row["Reason Why Child No Longer Placed for Adoption"] == "a) Child\u2019s needs changed"
    ffa = next(r for r in rows if r["Date the child was placed for fostering in FFA or concurrent planning placement"])
    assert ffa["Date Placed for Adoption"] == D(2025, 7, 15)
    assert ffa["Date of Adoption Order"] == D(2026, 2, 10)
    assert ffa["Family identifier"].startswith("AF")
    adopters = annex_a_adoption.list_11(window)
    assert all(list(row) == annex_a.HEADERS["List 11"] for row in adopters)
    single = [r for r in adopters if r["Is the (prospective) adopter fostering for adoption?"] == "Yes"]
    assert len(single) == 1
    assert single[0]["No. of children placed"] == 1
    assert single[0]["Sex"] == "a) Male"
    assert any(r["Date Stage 1 started"] is None and r["Date enquiry received"] == D(2025, 10, 1) for r in adopters)
    earlier = annex_a_adoption.list_10(annex_a.Window(D(2025, 5, 2)))
    assert {r["Date of Adoption Order"] for r in earlier} == {None}
    workbook = annex_a.build(D(2026, 3, 31))
    assert len(workbook["List 10"]) == 4
    assert len(workbook["List 11"]) == len(adopters)
