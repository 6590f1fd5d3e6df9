"""Ofsted Annex A (issue 25, finding 15), written from the template and the sector's pipeline that
reads it (liia-tools-pipeline, Annex_A_schema.yml), not from the code:

- list 8 "LA of Placement" names the local authority the placement is in (the pipeline's
  column may not be blank and its values are the authorities' names, "Bradford", "York"): for
  a placement outside the area, the authority of the placement's postcode (ONS postcode
  directory);
- list 8 "Placement Type" is one of the template's lettered strings: K3 and Z11 to Z14, which
  came after the template, take the entries they replaced (H5, 903 rule 503D; Z1, 903 rule
  146), kept as data by the template's year;
- list 2 is early help *assessments* (the pipeline requires "Assessment start date" and
  "Organisation completing assessment"): the assessments of the last 6 months and those of
  early help open on the inspection date; open early help with no assessment yet has no row.
"""

import datetime
import json
from pathlib import Path

import pytest

from childrenincare.models import Placement
from childrenincare.testing import looked_after
from familyhelp.early_help import services as early_help
from familyhelp.tests.test_early_help import start
from kernel import codelists
from returns import placement_areas
from returns.annex_a import selectors as annex_a
from returns.tests.test_annex_a import kid

D = datetime.date
INSPECTION = D(2026, 6, 30)
DATA = Path(__file__).resolve().parents[1] / "data" / "annex_a_placement_types.json"


def list_8(day=INSPECTION):
    return {row["Child Unique ID"]: row for row in annex_a.build(day)["List 8"]}


def placed(worker, child, *, area, postcode, place="U6"):
    period = looked_after(worker, child, D(2026, 1, 12))
    Placement.objects.filter(period=period).update(area=area, postcode=postcode, place=place)
    return period


def test_la_of_placement_is_the_authority_of_the_postcode_for_a_placement_outside_the_area(worker, la, child, sibling):
    # Real postcodes (ONS postcode directory, in demo/data/postcodes.json): BD10 0AA is in Bradford
    # (E08000032), YO10 3AA in York (E06000014).
    placed(worker, child, area=Placement.Area.ADJOINING, postcode="BD10 0AA")
    placed(worker, sibling, area=Placement.Area.DISTANT, postcode="YO103AA")
    rows = list_8()
    assert rows[str(child.pk)]["Placement Location"] == "b) Out"
    assert rows[str(child.pk)]["LA of Placement"] == "Bradford"
    assert rows[str(sibling.pk)]["LA of Placement"] == "York"


def test_la_of_placement_inside_the_area_is_the_authoritys_own_name(worker, la, child):
    la.la_code = "383"  # Leeds, by its DfE code
    la.save()
    placed(worker, child, area=Placement.Area.INSIDE, postcode="LS4 2DU")
    row = list_8()[str(child.pk)]
    assert (row["Placement Location"], row["LA of Placement"]) == ("a) In", "Leeds")


def test_la_of_placement_is_blank_for_a_postcode_the_service_does_not_know(worker, la, child):
    placed(worker, child, area=Placement.Area.DISTANT, postcode="TE9 9ZZ")
    assert list_8()[str(child.pk)]["LA of Placement"] == ""


def test_the_postcode_directory_can_be_the_authoritys_own(settings, tmp_path):
    own = tmp_path / "postcodes.json"
    own.write_text(json.dumps({"postcodes": {"E06000023": ["BS1 4DJ"]}}), encoding="utf-8")
    settings.PLACEMENT_POSTCODES_FILE = str(own)
    placement_areas.clear_cache()
    try:
        assert placement_areas.authority_of("bs1 4dj") == "E06000023"
        assert placement_areas.name_of("E06000023") == "Bristol, City of"
        assert placement_areas.authority_of("BD10 0AA") is None
    finally:
        placement_areas.clear_cache()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("K3", "n) H5: Residential accommodation"),
        ("Z11", "v) Z1: Other placements"),
        ("Z12", "v) Z1: Other placements"),
        ("Z13", "v) Z1: Other placements"),
        ("Z14", "v) Z1: Other placements"),
    ],
)
def test_placement_types_introduced_after_the_template_take_its_lettered_strings(worker, la, child, code, expected):
    placed(worker, child, area=Placement.Area.INSIDE, postcode="LS4 2DU", place=code)
    assert list_8()[str(child.pk)]["Placement Type"] == expected


def test_the_placement_types_are_data_by_the_templates_year(db):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert set(data["years"]) >= {"2024", "2026"}
    # Every placement code the service has ever offered has a lettered string in every year's template.
    every_code = {code for code, _ in codelists._codes("placement-type", None)}
    assert {"K3", "Z11", "Z12", "Z13", "Z14", "U1", "T4"} <= every_code
    for year, strings in data["years"].items():
        assert every_code <= set(strings), (year, every_code - set(strings))
        assert all(")" in text and text.split(")")[0].isalnum() for text in strings.values()), year
    assert placement_areas.placement_types(D(2026, 6, 30)) == data["years"]["2026"]
    assert placement_areas.placement_types(D(2025, 6, 30)) == data["years"]["2024"]
    assert placement_areas.placement_types(D(2023, 6, 30)) == data["years"]["2024"]  # before them all: the first
    assert annex_a.PLACEMENT_TYPE["U1"] == "a) U1: Foster placement - relatives - long term"


def test_list_2_is_early_help_assessments_each_with_its_start_date(worker, fh_lead, dsl, child, sibling):
    # Early help open on the inspection date, its assessment not yet started: no assessment, no row.
    start(worker, [child], dsl, on=D(2026, 6, 25))
    # Early help open on the inspection date with its assessment in progress: a row, started 2 June.
    busy = start(worker, [sibling], fh_lead, on=D(2026, 6, 1))
    early_help.start_assessment(fh_lead, busy, start_date=D(2026, 6, 2))
    rows = annex_a.build(INSPECTION)["List 2"]
    assert [row["Child Unique ID"] for row in rows] == [str(sibling.pk)]
    assert rows[0]["Assessment start date"] == D(2026, 6, 2)
    assert rows[0]["Assessment completion date"] is None
    assert rows[0]["Organisation completing assessment"] == fh_lead.agency.name
    # Once the first family's assessment starts, they are listed.
    first = start(worker, [kid("Laterstart")], dsl, on=D(2026, 6, 20))
    early_help.start_assessment(dsl, first, start_date=D(2026, 6, 29))
    rows = annex_a.build(INSPECTION)["List 2"]
    assert len(rows) == 2
    assert all(row["Assessment start date"] and row["Organisation completing assessment"] for row in rows)
