"""The SSDA903 tables built from the case records: the exact headers, dd/mm/yyyy dates, the
derived episodes of the children looked after during the year (an episode that ends after
31 March has no DEC or REC yet), reviews and missing episodes in the year, and the command."""

import csv
import datetime

from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from childrenincare import services
from childrenincare.models import LookedAfterReview, PeriodOfCare
from childrenincare.testing import foster_carer, foster_placement, looked_after
from exploitation.models import MissingEpisode
from people.models import Identifier
from returns import collection, ssda903

D = datetime.date


def test_collection_year():
    assert collection.collection_period(2026) == (D(2025, 4, 1), D(2026, 3, 31))
    assert collection.year_in_progress(D(2026, 12, 2)) == 2027
    assert collection.year_in_progress(D(2026, 3, 31)) == 2026


def test_the_tables_come_from_the_records(worker, child, sibling):
    Identifier.objects.create(person=child, id_type=Identifier.Type.LA_CHILD_ID, value="LA123")
    period = looked_after(worker, child, D(2025, 6, 2))
    services.change_legal_status(worker, period, code="C1", on=D(2025, 7, 1))
    second = foster_carer(name="Second carers", urn="SC900002")
    services.change_placement(worker, period, foster_placement(second), on=D(2026, 3, 2), change_reason="CREQB")
    services.change_placement(
        worker,
        period,
        foster_placement(foster_carer(name="Third", urn="SC900003")),
        on=D(2026, 5, 1),
        change_reason="CHILD",
    )
    LookedAfterReview.objects.create(
        period=period, number=1, held_on=D(2025, 6, 27), participation="PN1", recorded_by=worker
    )
    LookedAfterReview.objects.create(
        period=period, number=2, held_on=D(2026, 4, 20), participation="PN1", recorded_by=worker
    )
    MissingEpisode.objects.create(
        person=child,
        kind="M",
        recorded_by=worker,
        started_at=timezone.make_aware(datetime.datetime(2025, 8, 1, 21)),
        ended_at=timezone.make_aware(datetime.datetime(2025, 8, 2, 9)),
    )
    looked_after(worker, sibling, D(2024, 5, 1))  # looked after from before the year, still
    tables = ssda903.build(2026)
    header = {row["CHILD"]: row for row in tables["Header"]}
    assert header["LA123"] == {
        "CHILD": "LA123",
        "SEX": "M",
        "DOB": "01/04/2016",
        "ETHNIC": "",
        "UPN": "UN4",
        "MOTHER": "",
        "MC_DOB": "",
    }
    assert header[str(sibling.pk)]["MOTHER"] == "0"
    episodes = [row for row in tables["Episodes"] if row["CHILD"] == "LA123"]
    assert [(e["DECOM"], e["RNE"], e["LS"], e["DEC"], e["REC"], e["REASON_PLACE_CHANGE"]) for e in episodes] == [
        ("02/06/2025", "S", "V2", "01/07/2025", "X1", ""),
        ("01/07/2025", "L", "C1", "02/03/2026", "X1", "CREQB"),
        # Ends 1 May 2026, after the year: no DEC, REC or reason in this return.
        ("02/03/2026", "P", "C1", "", "", ""),
    ]
    assert [r["REVIEW"] for r in tables["Reviews"]] == ["27/06/2025"]
    assert tables["Missing"] == [
        {"CHILD": "LA123", "DOB": "01/04/2016", "MISSING": "M", "MIS_START": "01/08/2025", "MIS_END": "02/08/2025"}
    ]


def test_the_command_writes_every_table_with_its_exact_header(tmp_path, worker, child):
    looked_after(worker, child, D(2025, 6, 2))
    call_command("export_ssda903", "--year", "2026", "--out", str(tmp_path))
    for name in ssda903.tables_for(2026):
        with (tmp_path / f"{name}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == ssda903.HEADERS[name], name
    assert len(ssda903.tables_for(2026)) == 11
    assert not (tmp_path / "DoLo.csv").exists()
    # From 2026/27 the return has a twelfth table, deprivation of liberty orders.
    call_command("export_ssda903", "--year", "2027", "--out", str(tmp_path / "2027"))
    with (tmp_path / "2027" / "DoLo.csv").open(encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [["CHILD", "DOB", "DOLO_START", "DOLO_END"]]
    with (tmp_path / "Episodes.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 1
    assert AuditEvent.objects.filter(action="export", summary="SSDA903 return 2025/26 exported").exists()


def test_validation_names_the_child_the_field_the_rule_and_the_fix(worker, child):
    from returns import validation

    looked_after(worker, child, D(2025, 6, 2))
    tables = ssda903.build(2026)
    # The test child has no ethnicity recorded (DfE rule 103), and no UPN though looked after
    # for more than a week at 31 March (rule 210: UN4 is only for the newly looked after).
    failures = validation.check(tables, 2026)
    assert [(f.table, f.field, f.rule) for f in failures] == [("Header", "ETHNIC", "103"), ("Header", "UPN", "210")]
    assert failures[0].child == str(child.pk)
    assert "NOBT" in failures[0].fix
    child.ethnicity = "WBRI"
    child.save()
    Identifier.objects.create(person=child, id_type=Identifier.Type.UPN, value="A123456789012")
    assert validation.check(ssda903.build(2026), 2026) == []
    broken = ssda903.build(2026)
    broken["Episodes"][0].update({"PLACE": "H5", "URN": "", "PL_POST": "NOT A POSTCODE"})
    broken["Reviews"].append({"CHILD": "x", "DOB": "", "REVIEW": "01/07/2025", "REVIEW_CODE": "PN9"})
    rules = sorted(f.rule for f in validation.check(broken, 2026))
    assert rules == ["146", "167", "218", "392c"]


def test_rule_226_no_reason_on_a_temporary_placement_or_the_episode_before_it(db):
    """DfE rule 226: if PLACE is T0 to T4, REASON_PLACE_CHANGE is null on that episode and on
    the episode before it. The issue's case: U6 with OTHER, then T2, then U6."""
    from returns import validation

    def episode(child, start, place, reason):
        return {
            "CHILD": child,
            "DECOM": start,
            "RNE": "P",
            "LS": "V2",
            "CIN": "N1",
            "PLACE": place,
            "PLACE_PROVIDER": "" if place.startswith("T") else "PR1",
            "DEC": "",
            "REC": "",
            "REASON_PLACE_CHANGE": reason,
            "HOME_POST": "",
            "PL_POST": "",
            "URN": "" if place.startswith("T") else "SC900001",
        }

    tables = {
        "Episodes": [
            episode("1", "01/06/2025", "U6", "OTHER"),
            episode("1", "02/07/2025", "T2", ""),
            episode("1", "09/07/2025", "U6", ""),
            # A reason on the temporary episode itself breaks it too; one on a later episode does not.
            episode("2", "01/06/2025", "U6", ""),
            episode("2", "02/07/2025", "T0", "CARPL"),
            episode("2", "09/07/2025", "U6", "ALLEG"),
            episode("2", "01/09/2025", "U4", ""),
        ]
    }
    failing = [(f.child, f.rule) for f in validation.check(tables, 2026) if f.rule == "226"]
    assert failing == [("1", "226"), ("2", "226")]


def test_motherhood_comes_from_the_person_index(worker):
    """Header MOTHER and MC_DOB (rules 393, 399, 611, 612, 625): a looked-after young woman is a
    mother when the index records her as the parent of a child born by the end of the year or
    the day she left care; MC_DOB is her first child's date of birth; not asked of a girl
    looked after only on short breaks (V3, V4)."""
    from people.models import Relationship
    from people.services import record_person

    def girl(name, born=D(2009, 5, 5)):
        return record_person(None, kind="child", given_names=name, family_name="Testchild", date_of_birth=born, sex="F")

    def baby_of(mother, born):
        baby = record_person(None, kind="child", given_names="Baby", family_name="Testchild", date_of_birth=born)
        Relationship.objects.create(person=baby, related_person=mother, relationship=Relationship.Type.PARENT)
        return baby

    mother, no_child, short_breaks, later = girl("Mia"), girl("Nia"), girl("Oona"), girl("Pia")
    for person in (mother, no_child):
        looked_after(worker, person, D(2025, 6, 2))
    looked_after(worker, later, D(2025, 6, 2), legal_status="C1")
    baby_of(mother, D(2025, 11, 20))
    baby_of(mother, D(2026, 2, 1))  # a second child: MC_DOB is the first
    looked_after(worker, short_breaks, D(2025, 6, 2), legal_status="V3")
    period = PeriodOfCare.objects.get(person=later)
    services.cease_care(worker, period, on=D(2025, 9, 1), reason="E13")
    baby_of(later, D(2025, 12, 1))  # born after she left care: not in this year's return
    header = {row["CHILD"]: row for row in ssda903.build(2026)["Header"]}
    assert (header[str(mother.pk)]["MOTHER"], header[str(mother.pk)]["MC_DOB"]) == ("1", "20/11/2025")
    assert (header[str(no_child.pk)]["MOTHER"], header[str(no_child.pk)]["MC_DOB"]) == ("0", "")
    assert (header[str(later.pk)]["MOTHER"], header[str(later.pk)]["MC_DOB"]) == ("0", "")
    assert (header[str(short_breaks.pk)]["MOTHER"], header[str(short_breaks.pk)]["MC_DOB"]) == ("", "")
