"""Checks of the SSDA903 tables before submission, in the product, each failure naming the
child, the table and field, the DfE rule and how to fix it (a link to the record to fix
follows with the analysts' page). A first set of the DfE 2025/26 rules, as the
Data to Insight validator reads them (shared/domain/returns.md section 6); the rest follow
with issue 7.

`check(tables, year)` returns a list of Failure; none means these rules pass. Only rules whose
DfE numbers are confirmed in the specification are here; the builder itself keeps dates in
the year and the models keep missing episodes in order.
"""

import dataclasses
import datetime
import re

from kernel import codelists

from .ssda903 import collection_period

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
NO_PROVIDER = {"T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}  # rules 178 and 213
NO_URN = {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}
TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}
FOSTER = {"U1", "U2", "U3", "U4", "U5", "U6"}


PROGRESS_EVERY = 100  # children between two calls of a check's progress callback


@dataclasses.dataclass(frozen=True)
class Failure:
    child: str
    table: str
    field: str
    rule: str
    message: str
    fix: str


def _date(text):
    return datetime.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def _temporary_with_a_reason(episodes):
    """Rule 226: where PLACE is T0 to T4, REASON_PLACE_CHANGE is null on that episode and on the
    child's episode before it (by start date). Yields the temporary episodes that break it."""
    by_child = {}
    for row in episodes:
        by_child.setdefault(row["CHILD"], []).append(row)
    for rows in by_child.values():
        rows.sort(key=lambda row: _date(row["DECOM"]) or datetime.date.min)
        for before, row in zip([None] + rows, rows, strict=False):
            if row["PLACE"] in TEMPORARY and (
                row["REASON_PLACE_CHANGE"] or (before is not None and before["REASON_PLACE_CHANGE"])
            ):
                yield row


def check(tables, year, progress=None):  # noqa: C901
    """The failures of the tables for the collection year ending 31 March `year`. `progress`,
    if given, is called as progress(children checked, children) every PROGRESS_EVERY children."""
    _, end = collection_period(year)
    failures = []

    def fail(row, table, field, rule, message, fix):
        failures.append(Failure(row.get("CHILD", ""), table, field, rule, message, fix))

    long_looked_after = {
        row["CHILD"]
        for row in tables.get("Episodes", [])
        if not row["DEC"] and _date(row["DECOM"]) <= end - datetime.timedelta(days=7)
    }
    # Motherhood is asked of a girl looked after in the year other than only on short breaks (393, 399).
    with_episodes = {row["CHILD"] for row in tables.get("Episodes", []) if row["LS"] not in {"V3", "V4"}}
    headers = tables.get("Header", [])
    for index, row in enumerate(headers):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index, len(headers))
        if row["SEX"] not in {"M", "F", "U"}:
            fail(row, "Header", "SEX", "101", "Sex is not a valid code", "Record the child's sex on their record")
        elif row["SEX"] == "U":
            fail(
                row,
                "Header",
                "SEX",
                "232",
                "Sex is recorded as unknown (a query the DfE asks about)",
                "Record the child's sex on their record if it is known; otherwise be ready to explain why not",
            )
        if not codelists.is_valid("ethnicity", row["ETHNIC"], on=end):
            fail(
                row,
                "Header",
                "ETHNIC",
                "103",
                "Ethnicity is missing or not a valid code",
                "Record the child's ethnicity on their record (NOBT if not obtained, REFU if refused)",
            )
        if row["UPN"] == "UN4" and row["CHILD"] in long_looked_after:
            fail(
                row,
                "Header",
                "UPN",
                "210",
                "The UPN is not recorded for a child looked after for more than a week at 31 March",
                "Ask the child's school or the virtual school for the UPN and add it to the record",
            )
        if row["SEX"] == "F" and row["CHILD"] in with_episodes and row["MOTHER"] not in {"0", "1"}:
            fail(
                row,
                "Header",
                "MOTHER",
                "393",
                "Whether a looked-after girl is a mother is missing",
                "Record whether she is a mother",
            )
    for row in tables.get("Episodes", []):
        day = _date(row["DECOM"])
        if row["RNE"] not in {c for c, _ in codelists.codes("new-episode-reason", on=day)}:
            fail(
                row,
                "Episodes",
                "RNE",
                "143",
                "Reason for new episode is not a valid code",
                "The reason is worked out from the changes: check the legal status and placement history",
            )
        if not codelists.is_valid("legal-status", row["LS"], on=day):
            fail(row, "Episodes", "LS", "144", "Legal status is not a valid code", "Correct the legal status")
        if not codelists.is_valid("placement-type", row["PLACE"], on=end):
            fail(
                row,
                "Episodes",
                "PLACE",
                "146",
                f"Placement type {row['PLACE']} is not used in {year - 1} to {year}",
                "Record the placement again with a type in use this year",
            )
        place = row["PLACE"]
        if place in NO_PROVIDER and row["PLACE_PROVIDER"]:
            fail(
                row,
                "Episodes",
                "PLACE_PROVIDER",
                "178",
                "Placement provider must be blank for this placement type",
                "Remove the provider from the placement",
            )
        if place not in NO_PROVIDER and place not in TEMPORARY and not row["PLACE_PROVIDER"]:
            fail(row, "Episodes", "PLACE_PROVIDER", "178", "Placement provider is missing", "Record the provider")
        if place not in NO_URN and not row["URN"]:
            fail(
                row,
                "Episodes",
                "URN",
                "218",
                "Ofsted URN is missing for this placement type",
                "Record the provider's Ofsted unique reference number on the placement",
            )
        if place in NO_URN and row["URN"]:
            fail(
                row,
                "Episodes",
                "URN",
                "222",
                "Ofsted URN must not be given for this placement type",
                "Remove the URN from the placement",
            )
        for field in ("HOME_POST", "PL_POST"):
            if row[field] and not POSTCODE.match(row[field]):
                fail(row, "Episodes", field, "392c", "Postcode is not a valid postcode", "Correct the postcode")
        if row["DEC"] and not row["REC"]:
            fail(row, "Episodes", "REC", "149", "Reason episode ceased is missing", "Record why care ended")
        if row["REC"] in ("E45", "E46") and row["PLACE"] not in FOSTER:
            fail(
                row,
                "Episodes",
                "REC",
                "516",
                "A special guardianship order to former foster carers needs a foster placement",
                "Check the last placement, or record the order as to other carers (E47 or E48)",
            )
        if row["REC"] and row["REC"] != "X1" and not codelists.is_valid("episode-end-reason", row["REC"], on=end):
            fail(row, "Episodes", "REC", "149", "Reason episode ceased is not a valid code", "Correct the reason")
    for row in _temporary_with_a_reason(tables.get("Episodes", [])):
        fail(
            row,
            "Episodes",
            "REASON_PLACE_CHANGE",
            "226",
            "Reason for placement change is not required on a temporary placement or on the episode before it",
            "Record the move into the temporary placement again "
            "without a reason (the reason is given when the child moves on to a placement that is not temporary)",
        )
    for row in tables.get("OC2", []):
        if row["SUBSTANCE_MISUSE"] == "":
            fail(
                row,
                "OC2",
                "SUBSTANCE_MISUSE",
                "OC2",
                "The outcomes for the year are not recorded for a child looked after for 12 months at 31 March",
                "Record the year's outcomes on the care record (SDQ, offending, substance misuse)",
            )
        elif row["SDQ_REASON"] and not codelists.is_valid("sdq-reason", row["SDQ_REASON"], on=end):
            fail(row, "OC2", "SDQ_REASON", "196", "The reason there is no SDQ score is not valid", "Record it again")
    for row in tables.get("PrevPerm", []):
        if not codelists.is_valid("previous-permanence", row["PREV_PERM"], on=end):
            fail(
                row,
                "PrevPerm",
                "PREV_PERM",
                "630",
                "Whether the child was permanent before is not recorded",
                "Record on the period of care whether the child was adopted, or under a special guardianship or "
                "child arrangements order, before (Z1 if not, or not known)",
            )
        elif row["PREV_PERM"] != "Z1" and not (row["LA_PERM"] and row["DATE_PERM"]):
            fail(
                row,
                "PrevPerm",
                "LA_PERM",
                "630",
                "The local authority and date of the earlier order are missing",
                "Record them on the period of care",
            )
    for row in tables.get("SWEpisodes", []):
        if not row["SW_REASON"]:
            fail(
                row,
                "SWEpisodes",
                "SW_REASON",
                "SW15STG2",
                "Reason for the change of social worker is missing",
                "Record why the social worker changed when allocating the case",
            )
        elif not codelists.is_valid("social-worker-change-reason", row["SW_REASON"], on=end):
            fail(
                row,
                "SWEpisodes",
                "SW_REASON",
                "SW13STG1",
                "Reason for the change of social worker is not valid",
                "Record the reason again",
            )
    for row in tables.get("Reviews", []):
        if not codelists.is_valid("review-participation", row["REVIEW_CODE"], on=end):
            fail(
                row,
                "Reviews",
                "REVIEW_CODE",
                "167",
                "Review participation is not a valid code",
                "Record the child's participation on the review",
            )
    from . import validation_adoption, validation_leaving_care  # noqa: PLC0415  (they import Failure from here)

    failures += validation_leaving_care.check(tables, year)
    failures += validation_adoption.check(tables, year)
    failures += short_breaks(tables, year)
    return failures


# --- Short breaks (V3, V4): DfE rules 366, 367 and 384 (issue 25, finding 10) ---------------

SHORT_BREAKS = {"V3", "V4"}
SHORT_BREAK_DAYS_A_YEAR = 75  # 903 rule 367; Care Planning Regulations 2010 reg 48(2)(c)
LONG_TERM_FOSTERING = {"U1", "U4"}


def short_breaks(tables, year):
    """The DfE rules on short breaks, as the Data to Insight validator reads them:
    366, an episode of V3 (short breaks recorded break by break) starts a period of care (RNE
    S): a child cannot change placement or legal status during a break; 367, the V3 episodes
    of a child last at most 75 days in the collection year (each counted from DECOM to DEC,
    or to 31 March when open, from 1 April when it began before); 384, a child on short breaks
    (V3 or V4) is not in a long-term foster placement (U1, U4)."""
    start, end = collection_period(year)
    failures = []
    used = {}
    for row in tables.get("Episodes", []):
        if row["LS"] == "V3" and row["RNE"] != "S":
            failures.append(
                Failure(
                    row["CHILD"],
                    "Episodes",
                    "RNE",
                    "366",
                    "A child cannot change placement or legal status during a short break recorded break by break (V3)",
                    "Record each short break as its own period of care: end the break, then record the next one",
                )
            )
        if row["LS"] in SHORT_BREAKS and row["PLACE"] in LONG_TERM_FOSTERING:
            failures.append(
                Failure(
                    row["CHILD"],
                    "Episodes",
                    "PLACE",
                    "384",
                    "A child on short breaks cannot be in a long-term foster placement (U1 or U4)",
                    "Record the short-break placement with its type (U3 or U6 for foster carers)",
                )
            )
        began = _date(row["DECOM"])
        if row["LS"] == "V3" and began is not None:
            ended = _date(row["DEC"])
            ended = end if ended is None or ended > end else ended
            days = (ended - max(began, start)).days
            if days > 0:
                used.setdefault(row["CHILD"], []).append((row, days))
    for rows in used.values():
        total = sum(days for _, days in rows)
        if total > SHORT_BREAK_DAYS_A_YEAR:
            for row, _ in rows:
                failures.append(
                    Failure(
                        row["CHILD"],
                        "Episodes",
                        "DEC",
                        "367",
                        f"Short breaks recorded break by break "
                        f"(V3) last {total} days in the year: at most {SHORT_BREAK_DAYS_A_YEAR} are "
                        "allowed in 12 months",
                        "Check the breaks' dates; a child away from home for "
                        "longer is looked after under a single period of accommodation (V2)",
                    )
                )
    return failures
