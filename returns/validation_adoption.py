"""Checks of SSDA903 AD1 and PlacedAdoption before submission (see returns.validation): the
DfE rules on these tables as the sector's validator (csc-validator-be-903 0.1.17, rules in
lac_validator/rules/lac2022_23 and lac2024_25) reads them, each with how to fix it here.

What the fields mean, from those rules: DATE_INT and DATE_PLACED are both the date of the
agency decision maker's decision that the child should be placed for adoption (523: they
must be the same); DATE_MATCH the decision matching the child with the adopters (333, 331);
DATE_PLACED_CEASED and REASON_PLACED_CEASED the decision that the child should no longer be
placed (119, 120, 522). AD1 is for children adopted in the year only (601, 602); every child
with a placement order (E1) needs a PlacedAdoption row (553).
"""

import datetime
from collections import defaultdict

from .validation import Failure

PLACED_FOR_ADOPTION = {"A3", "A4", "A5", "A6"}
WITH_FOSTER_CARERS = {"A3", "A5"}
ADOPTED = {"E11", "E12"}
AD1_FIELDS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
SEX = {"M1", "F1", "MM", "FF", "MF"}
LEGAL_STATUS = {"L0", "L11", "L12", "L2", "L3", "L4"}
# LS_ADOPTR -> the SEX_ADOPTR codes it allows (rules 514, 517, 518, 519, 520, 524).
LEGAL_STATUS_SEX = {
    "L0": {"M1", "F1"},
    "L11": {"MF"},
    "L12": {"MM", "FF"},
    "L2": {"MM", "FF", "MF"},
    "L3": {"MF"},
    "L4": {"MM", "FF"},
}
LEGAL_STATUS_RULE = {"L0": "514", "L11": "520", "L12": "524", "L2": "519", "L3": "517", "L4": "518"}
PLAN = "Correct it on the child's adoption plan"
ADOPTERS = "Check the adopters' household: the number, sex and relationship of the adopters"


def _date(text):
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date() if text else None
    except ValueError:
        return False


def check(tables, year):  # noqa: C901
    """A list of returns.validation.Failure for the AD1 and PlacedAdoption tables."""
    from .collection import collection_period

    start, end = collection_period(year)
    failures = []

    def fail(child, table, field, rule, message, fix=PLAN):
        failures.append(Failure(child, table, field, rule, message, fix))

    episodes = defaultdict(list)
    for row in tables.get("Episodes", []):
        episodes[row["CHILD"]].append(row)
    for rows in episodes.values():
        rows.sort(key=lambda r: _date(r["DECOM"]) or datetime.date.min)
    dob = {row["CHILD"]: _date(row["DOB"]) for row in tables.get("Header", [])}
    ad1 = {}
    for row in tables.get("AD1", []):
        child = row["CHILD"]
        if child in ad1:
            fail(child, "AD1", "CHILD", "INT31", "The child is in AD1 more than once", "Report one adoption per child")
        ad1[child] = row
    placed = defaultdict(list)
    for row in tables.get("PlacedAdoption", []):
        placed[row["CHILD"]].append(row)

    def decom(row):
        return _date(row["DECOM"])

    for child, row in ad1.items():
        eps = episodes.get(child, [])
        given = [f for f in AD1_FIELDS if row.get(f)]
        if given and len(given) != len(AD1_FIELDS):
            missing = ", ".join(f for f in AD1_FIELDS if not row.get(f))
            fail(
                child,
                "AD1",
                missing.split(", ")[0],
                "151",
                f"Some adoption details are missing: {missing}",
                "Record the match and the adopters' household on the adoption plan",
            )
        for field, rule in (("DATE_INT", "112"), ("DATE_MATCH", "113")):
            if _date(row[field]) is False:
                fail(child, "AD1", field, rule, f"{field} is not a valid date")
        if row["FOSTER_CARE"] not in ("", "0", "1"):
            fail(child, "AD1", "FOSTER_CARE", "114", "Adopted by the foster carers is not 0 or 1")
        if row["NB_ADOPTR"] not in ("", "1", "2"):
            fail(child, "AD1", "NB_ADOPTR", "175", "The number of adopters is not 1 or 2", ADOPTERS)
        if row["SEX_ADOPTR"] and row["SEX_ADOPTR"] not in SEX:
            fail(child, "AD1", "SEX_ADOPTR", "176", "The adopters' sex is not a valid code", ADOPTERS)
        if row["LS_ADOPTR"] and row["LS_ADOPTR"] not in LEGAL_STATUS:
            fail(child, "AD1", "LS_ADOPTR", "177", "The adopters' legal status is not a valid code", ADOPTERS)
        if row["NB_ADOPTR"] == "2" and row["SEX_ADOPTR"] in ("M1", "F1"):
            fail(child, "AD1", "SEX_ADOPTR", "511", "Two adopters, but the sex code is for one", ADOPTERS)
        allowed = LEGAL_STATUS_SEX.get(row["LS_ADOPTR"])
        if allowed and row["SEX_ADOPTR"] and row["SEX_ADOPTR"] not in allowed:
            fail(
                child,
                "AD1",
                "LS_ADOPTR",
                LEGAL_STATUS_RULE[row["LS_ADOPTR"]],
                f"The adopters' legal status {row['LS_ADOPTR']} does not fit their sexes {row['SEX_ADOPTR']}",
                ADOPTERS,
            )
        date_int, date_match = _date(row["DATE_INT"]), _date(row["DATE_MATCH"])
        if date_match and not date_int or (date_match and date_int and date_int > date_match):
            fail(child, "AD1", "DATE_INT", "333", "The decision to place for adoption is after the match, or missing")
        starts = [decom(e) for e in eps if e["RNE"] == "S" and decom(e)]
        if date_int and starts and date_int < max(starts):
            fail(
                child,
                "AD1",
                "DATE_INT",
                "334",
                "The decision to place for adoption is before the child's latest period of care began",
                "Check the decision's date, or the date care began",
            )
        for e in eps:
            if e["PLACE"] in PLACED_FOR_ADOPTION and date_int and decom(e) and date_int > decom(e):
                fail(
                    child,
                    "AD1",
                    "DATE_INT",
                    "521",
                    "The decision to place for adoption is after the placement for adoption began",
                )
                break
        adopted = [e for e in eps if e["REC"] in ADOPTED]
        for e in adopted:
            if date_match and decom(e) and date_match > decom(e):
                fail(child, "AD1", "DATE_MATCH", "331", "The match is after the placement for adoption began")
            if date_match and _date(e["DEC"]) == date_match:
                fail(child, "Episodes", "DEC", "582", "The adoption order is on the day of the match")
            if (
                e["PLACE"] in WITH_FOSTER_CARERS
                and row["FOSTER_CARE"] == "0"
                or e["PLACE"] in {"A4", "A6"}
                and row["FOSTER_CARE"] == "1"
            ):
                fail(
                    child,
                    "AD1",
                    "FOSTER_CARE",
                    "335",
                    f"Adopted by the foster carers does not match the placement type {e['PLACE']}",
                    "Check the placement for adoption on the care record",
                )
        in_year = [
            e
            for e in adopted
            if (_date(e["DEC"]) or datetime.date.min) >= start and (_date(e["DEC"]) or datetime.date.max) <= end
        ]
        if given and not in_year:
            fail(
                child,
                "AD1",
                "CHILD",
                "602",
                "Adoption details for a child whose care did not end in adoption this year",
                "Check the end of the period of care (E11 or E12) and the adoption order's date",
            )
        if given and any(r["DATE_PLACED_CEASED"] for r in placed.get(child, [])):
            fail(
                child,
                "AD1",
                "CHILD",
                "525",
                "The child was adopted, but a decision to place them was reversed this year",
                "Check the decisions on the adoption plan",
            )
    for child, eps in episodes.items():
        for e in eps:
            ended = _date(e["DEC"])
            if e["REC"] in ADOPTED and ended and start <= ended <= end:
                row = ad1.get(child)
                if row is None or any(not row.get(f) for f in AD1_FIELDS):
                    fail(
                        child,
                        "AD1",
                        "DATE_INT",
                        "601",
                        "The child was adopted this year but the adoption details are missing",
                        "Record the decision, the match and the adopters on the child's adoption plan",
                    )
                break

    for child, rows in placed.items():
        eps = episodes.get(child, [])
        rows = sorted(rows, key=lambda r: _date(r["DATE_PLACED"]) or datetime.date.min)
        for row in rows:
            day, ceased = _date(row["DATE_PLACED"]), _date(row["DATE_PLACED_CEASED"])
            if day is False:
                fail(child, "PlacedAdoption", "DATE_PLACED", "115", "The decision's date is not a valid date")
            if ceased is False:
                fail(child, "PlacedAdoption", "DATE_PLACED_CEASED", "116", "The reversal's date is not a valid date")
            if bool(row["DATE_PLACED_CEASED"]) != bool(row["REASON_PLACED_CEASED"]):
                fail(
                    child,
                    "PlacedAdoption",
                    "REASON_PLACED_CEASED",
                    "119",
                    "The reversal needs both its date and its reason",
                )
            if row["REASON_PLACED_CEASED"] and row["REASON_PLACED_CEASED"] not in ("RD1", "RD2", "RD3", "RD4"):
                fail(child, "PlacedAdoption", "REASON_PLACED_CEASED", "120", "The reason is not RD1 to RD4")
            if ceased and not day:
                fail(child, "PlacedAdoption", "DATE_PLACED", "563", "A reversal with no decision to place")
            if day and ceased and ceased < day:
                fail(child, "PlacedAdoption", "DATE_PLACED_CEASED", "522", "The reversal is before the decision")
            if day and dob.get(child) and day < dob[child]:
                fail(child, "PlacedAdoption", "DATE_PLACED", "184", "The decision is before the child was born")
            firsts = [decom(e) for e in eps if e["RNE"] == "S" and decom(e)]
            if day and firsts and day < min(firsts):
                fail(
                    child,
                    "PlacedAdoption",
                    "DATE_PLACED",
                    "1003",
                    "The decision is before the child started to be looked after",
                )
            last_end = next((_date(e["DEC"]) for e in reversed(eps) if e["REC"] != "X1"), None)
            if (
                (day and day > end)
                or (ceased and ceased > end)
                or (last_end and ((day and day > last_end) or (ceased and ceased > last_end)))
            ):
                fail(
                    child,
                    "PlacedAdoption",
                    "DATE_PLACED",
                    "117",
                    "A decision is after the year or after the child stopped being looked after",
                )
            not_respite = [decom(e) for e in eps if e["LS"] not in ("V3", "V4") and decom(e)]
            if ceased and (ceased < start or (not_respite and ceased < min(not_respite))):
                fail(
                    child,
                    "PlacedAdoption",
                    "DATE_PLACED_CEASED",
                    "118",
                    "The reversal is before the year or before care began",
                )
        for earlier, later in zip(rows, rows[1:], strict=False):
            ceased = _date(earlier["DATE_PLACED_CEASED"])
            if not ceased or (_date(later["DATE_PLACED"]) and _date(later["DATE_PLACED"]) < ceased):
                fail(
                    child,
                    "PlacedAdoption",
                    "DATE_PLACED",
                    "579",
                    "A new decision to place for adoption while an earlier one was still in force",
                    "Record the reversal of the earlier decision first",
                )
        latest = _date(rows[-1]["DATE_PLACED"]) if rows else None
        adoption_places = [decom(e) for e in eps if e["PLACE"] in PLACED_FOR_ADOPTION and decom(e)]
        if latest and adoption_places and min(adoption_places) < latest:
            fail(
                child, "PlacedAdoption", "DATE_PLACED", "552", "The decision is after the child was placed for adoption"
            )
        orders = [decom(e) for e in eps if e["LS"] == "E1" and decom(e)]
        if orders and any(_date(r["DATE_PLACED"]) and _date(r["DATE_PLACED"]) > min(orders) for r in rows):
            fail(child, "PlacedAdoption", "DATE_PLACED", "554", "The decision is after the placement order")
        if child in ad1 and any(ad1[child].get(f) for f in AD1_FIELDS):
            if rows[-1]["DATE_PLACED"] and ad1[child]["DATE_INT"] and rows[-1]["DATE_PLACED"] != ad1[child]["DATE_INT"]:
                fail(
                    child,
                    "PlacedAdoption",
                    "DATE_PLACED",
                    "523",
                    "The decision's date differs between AD1 and PlacedAdoption",
                )
    for child, eps in episodes.items():
        rows = placed.get(child, [])
        if any(e["LS"] == "E1" for e in eps) and not rows:
            fail(
                child,
                "Episodes",
                "LS",
                "553",
                "A placement order is recorded but no decision that the child should be placed for adoption",
                "Record the agency decision maker's decision on the child's adoption plan",
            )
        if any(e["LS"] == "E1" and not e["DEC"] for e in eps) and any(r["DATE_PLACED_CEASED"] for r in rows):
            fail(
                child,
                "PlacedAdoption",
                "DATE_PLACED_CEASED",
                "553",
                "The decision was reversed but the placement order is still the legal status",
                "Record the legal status after the placement order was revoked",
            )
        left = [
            e
            for e in eps
            if (e["PLACE"] in PLACED_FOR_ADOPTION or e["LS"] == "E1")
            and e["REC"]
            and e["REC"] not in ADOPTED
            and e["REC"] != "X1"
        ]
        if left and (not rows or any(not (r["DATE_PLACED_CEASED"] and r["REASON_PLACED_CEASED"]) for r in rows)):
            fail(
                child,
                "PlacedAdoption",
                "DATE_PLACED_CEASED",
                "557",
                "The child left care without being adopted, but "
                "the decision that they should no longer be placed for adoption is not recorded",
                "Record on the adoption plan that the child should no longer be placed for adoption, with the reason",
            )
    return failures
