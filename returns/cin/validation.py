"""Checks of the children in need census before submission, in the product, each failure
naming the child (LAchildID), the module and field, the DfE rule and how to fix it on the
record. The rules are those shared/domain/returns.md section 7 confirms, read as the Data to
Insight validator (csc-validator-be-cin 0.1.13) reads them:

- code lists: 4180 sex, 4220 ethnicity, 8540 disability, 8794 a disability twice,
  8866 referral source, 8650 primary need, 8640 reason for closure, 8905 and 8910 initial
  and latest category of abuse, 8869 "21" (no factors) on its own;
- 2884 an initial conference recorded on both the episode and the enquiry; 8805 and 8810 a
  closure date and a reason only together; 8831, 4000 and 8832 a referral with no further
  action (ReferralNFA 1) that has an assessment, section 47 enquiry or initial conference, a
  child in need plan or a child protection plan; 8825Q RC8 or RC9 with no assessment; 8873Q a lone
  "21" that did not close RC8 or RC9; 2990 RC8 or RC9 with a section 47 enquiry, child
  protection plan, initial conference or child in need plan; 8736 an assessment not
  authorised that started before the year; 8740 a section 47 enquiry from before the year
  with no conference and no outcome;
- 8820 episodes of a child that overlap (one closing on or after the next referral);
- UPN: 1510 the check letter (people.identifiers.upn_check_letter, the DfE algorithm),
  1530 characters 2 to 4 a recognised LA code, 1540 characters 5 to 12 numeric, 1550
  character 13 a digit or an allowed letter, 1560Q the former UPN's format, 8770Q a
  school-age child with no UPN and no reason;
- "schema": what the CIN schema itself requires (the header's LEA, a date of birth or
  expected date of birth, assessment factor codes of the schema's list).
- from 2026/27 (collection year 2027), module 5 PreProceedingsandFGDM, as Data to Insight's
  validator reads the DfE's rules (branch pre-proceedings-rules; the installed 0.1.13 has none
  of them, and the DfE's guide was not found [U]): 9005 PPStartDate, 9008
  InitialPPMeetingDate in the year; 9006 LBPSentDate in the year and on or after PPStartDate;
  9009 StepDecisionDate in the year and on or after PPStartDate; 9012 CourtAppDate in the
  year and on or after StepDecisionDate; 9013 LetterInitCPDate in the year and on or after
  CourtAppDate; 9007 a letter with no answer on the offer of family group decision-making
  (as the DfE's text says it; the validator's code tests the reverse); 9010Q an offer with
  no answer on whether the meeting was facilitated; 9011 PPOutcome not A, B or C; 9015Q an
  initial meeting with no count of reviews; 8995Q (return level) no module 5 for any child;
  9000Q (return level) no PPStartDate anywhere; "schema" flags that are not 0 or 1 and a
  count that is not a whole number.

Use:

    children = {}
    data = cin_census.build(year, children=children)   # children: {LAchildID: person pk}
    failures = cin_validation.check(data, year)
    for f in failures:
        person_pk = children.get(f.child)   # None for a failure of the header

`check(data, year)` returns a list of returns.validation.Failure; none means these rules pass.
`person_ids(data)` gives the same {LAchildID: person pk} map from the built data.
"""

import datetime

from people.identifiers import UPN_LETTERS, upn_check_letter

from ..validation import PROGRESS_EVERY, Failure
from .census import PRE_PROCEEDINGS_FROM, collection_period, school_age

SEX = {"M", "F", "U"}
ETHNICITY = {
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
}
DISABILITY = {"NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"}
REFERRAL_SOURCE = {
    "1A",
    "1B",
    "1C",
    "1D",
    "2A",
    "2B",
    "3A",
    "3B",
    "3C",
    "3D",
    "3E",
    "3F",
    "4",
    "5A",
    "5B",
    "5C",
    "5D",
    "6",
    "7",
    "8",
    "9",
    "10",
}
PRIMARY_NEED = {f"N{n}" for n in range(10)}
CLOSURE_REASON = {f"RC{n}" for n in range(1, 10)}
CATEGORY_OF_ABUSE = {"NEG", "PHY", "SAB", "EMO", "MUL"}
ASSESSMENT_FACTORS = {f"{n}{x}" for n in range(1, 7) for x in "ABC"} | {
    "7A",
    "8B",
    "8C",
    "8D",
    "8E",
    "8F",
    "9A",
    "10A",
    "11A",
    "12A",
    "13A",
    "14A",
    "15A",
    "16A",
    "17A",
    "18A",
    "18B",
    "18C",
    "19A",
    "19B",
    "19C",
    "20",
    "21",
    "22A",
    "23A",
    "24A",
}
NO_FACTORS = "21"
AFTER_ASSESSMENT = {"RC8", "RC9"}


def _la_codes():
    """The LA codes rule 1530 accepts: post-April 1998 LA codes and recognised pseudo-LA codes."""
    ranges = [
        (1, 5),
        (201, 213),
        (301, 320),
        (330, 336),
        (340, 344),
        (350, 359),
        (370, 373),
        (380, 384),
        (390, 394),
        (420, 420),
        (660, 681),
        (701, 708),
        (800, 803),
        (805, 808),
        (810, 813),
        (815, 816),
        (820, 823),
        (825, 826),
        (830, 831),
        (835, 841),
        (845, 846),
        (850, 852),
        (855, 857),
        (860, 861),
        (865, 896),
        (908, 909),
        (916, 916),
        (919, 919),
        (921, 921),
        (925, 926),
        (928, 929),
        (931, 931),
        (933, 933),
        (935, 938),
        (940, 941),
    ]
    return {f"{code:03d}" for low, high in ranges for code in range(low, high + 1)}


LA_CODES = _la_codes()


def person_ids(data):
    """{LAchildID: person pk} of the children in the built census, for links to their records."""
    return {child["ChildIdentifiers"]["LAchildID"]: child["person_id"] for child in data["children"]}


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def upn_problems(upn):
    """The UPN rules a UPN breaks: [(rule, message)]."""
    problems = []
    if len(upn) != 13:
        return [("1510", f"The UPN has {len(upn)} characters, not 13")]
    if not upn[4:12].isdigit():
        problems.append(("1540", "Characters 5 to 12 of the UPN are not all numbers"))
    if not (upn[12].isdigit() or upn[12] in UPN_LETTERS):
        problems.append(("1550", "Character 13 of the UPN is not a number or an allowed letter"))
    if upn[1:4] not in LA_CODES:
        problems.append(("1530", f"Characters 2 to 4 of the UPN ({upn[1:4]}) are not a recognised LA code"))
    body_ok = upn[1:12].isdigit() and (upn[12].isdigit() or upn[12] in UPN_LETTERS)
    if body_ok and upn_check_letter(upn[1:]) != upn[0]:
        problems.append(("1510", "The UPN's check letter (character 1) does not match the rest"))
    return problems


def check(data, year, progress=None):  # noqa: C901
    """The failures of the built census for the collection year ending 31 March `year`.
    `progress`, if given, is called as progress(children checked, children) every
    PROGRESS_EVERY children."""
    start, end = collection_period(year)
    failures = []

    def fail(child, table, field, rule, message, fix):
        failures.append(Failure(child, table, field, rule, message, fix))

    if not data["header"].get("LEA"):
        fail(
            "",
            "Header",
            "LEA",
            "schema",
            "The local authority's DfE code is not recorded",
            "An administrator records the 3-digit DfE code on the local authority in the admin (Agencies)",
        )

    for index, child in enumerate(data["children"]):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index, len(data["children"]))
        ids = child["ChildIdentifiers"]
        cid = ids["LAchildID"]
        if ids["Sex"] not in SEX:
            fail(
                cid,
                "ChildIdentifiers",
                "Sex",
                "4180",
                "Sex is missing or not M, F or U",
                "Record the child's sex on their record (U if not known)",
            )
        if not ids["PersonBirthDate"] and not ids["ExpectedPersonBirthDate"]:
            fail(
                cid,
                "ChildIdentifiers",
                "PersonBirthDate",
                "schema",
                "Neither a date of birth nor an expected date of birth is recorded",
                "Record the child's date of birth, or the expected date for an unborn child",
            )
        upn = ids.get("UPN")
        if upn:
            for rule, message in upn_problems(upn):
                fail(
                    cid,
                    "ChildIdentifiers",
                    "UPN",
                    rule,
                    message,
                    "Check the UPN with the child's school and correct it on the child's record",
                )
        former = ids.get("FormerUPN")
        if former and not (len(former) == 13 and former[0].isalpha() and former[1:12].isdigit()):
            fail(
                cid,
                "ChildIdentifiers",
                "FormerUPN",
                "1560Q",
                "The former UPN is not in the UPN format",
                "Check the former UPN and correct it on the child's record",
            )
        further_action = any(d["ReferralNFA"] == "0" for d in child["CINdetails"])
        if (
            not upn
            and ids.get("UPNunknown") in (None, "UN1")
            and further_action
            and school_age(_date(ids["PersonBirthDate"]), end)
        ):
            fail(
                cid,
                "ChildIdentifiers",
                "UPN",
                "8770Q",
                "A child of school age has no UPN",
                "Ask the child's school or the admissions team for the UPN and add it to the child's identifiers",
            )

        traits = child["ChildCharacteristics"]
        if traits["Ethnicity"] not in ETHNICITY:
            fail(
                cid,
                "ChildCharacteristics",
                "Ethnicity",
                "4220",
                "Ethnicity is missing or not a valid code",
                "Record the child's ethnicity on their record (NOBT if not obtained, REFU if refused)",
            )
        seen = set()
        for code in traits["Disabilities"]:
            if code not in DISABILITY:
                fail(
                    cid,
                    "ChildCharacteristics",
                    "Disability",
                    "8540",
                    f"Disability code {code!r} is not valid",
                    "Correct the disability on the child's record",
                )
            if code in seen:
                fail(
                    cid,
                    "ChildCharacteristics",
                    "Disability",
                    "8794",
                    f"Disability {code} is recorded twice",
                    "Remove the duplicate disability from the child's record",
                )
            seen.add(code)

        episodes = sorted(child["CINdetails"], key=lambda d: d["CINreferralDate"])
        for earlier, later in zip(episodes, episodes[1:], strict=False):
            if earlier["CINclosureDate"] is None or earlier["CINclosureDate"] >= later["CINreferralDate"]:
                fail(
                    cid,
                    "CINdetails",
                    "CINreferralDate",
                    "8820",
                    f"The episode referred {later['CINreferralDate']} overlaps the one referred "
                    f"{earlier['CINreferralDate']}",
                    "Close the earlier episode before the new referral, or record the contact on the open episode",
                )
        for details in child["CINdetails"]:
            _check_details(cid, details, fail, end)
            if year >= PRE_PROCEEDINGS_FROM:
                for entry in details.get("PreProceedingsandFGDM", []):
                    _check_pre_proceedings(cid, details, entry, fail, start, end)
    if year >= PRE_PROCEEDINGS_FROM:
        entries = [e for c in data["children"] for d in c["CINdetails"] for e in d.get("PreProceedingsandFGDM", [])]
        if not entries:
            fail(
                "",
                "PreProceedingsandFGDM",
                "",
                "8995Q",
                "No pre-proceedings and family group decision-making (module 5) is reported for any child",
                "Record each child's pre-proceedings on their child protection record; if the authority had none in "
                "the year, give the DfE the reason when it asks",
            )
        elif not any(e.get("PPStartDate") for e in entries):
            fail(
                "",
                "PreProceedingsandFGDM",
                "PPStartDate",
                "9000Q",
                "No pre-proceedings started in the year (no PPStartDate for any child)",
                "Check that pre-proceedings started this year are recorded; if none started, give the DfE the reason",
            )
    return failures


OUTCOME_CODES = {"A", "B", "C"}  # CS131 (rule 9011); the meaning of each is data in childprotection [U]


def _check_pre_proceedings(cid, details, entry, fail, start, end):
    """Module 5 of one episode (a PreProceedingsandFGDM entry), the year's rules."""
    where = f" (pre-proceedings of the referral of {details['CINreferralDate']})"
    first, last = start.isoformat(), end.isoformat()
    table = "PreProceedingsandFGDM"
    fix_dates = "Correct the date on the child's pre-proceedings record"

    def outside(day):
        return day is not None and not first <= day <= last

    started, letter = entry.get("PPStartDate"), entry.get("LBPSentDate")
    decided, applied, issued = entry.get("StepDecisionDate"), entry.get("CourtAppDate"), entry.get("LetterInitCPDate")
    if outside(started):
        fail(
            cid,
            table,
            "PPStartDate",
            "9005",
            f"The decision to start pre-proceedings ({started}) is outside the year" + where,
            fix_dates,
        )
    if letter and (outside(letter) or (started and letter < started)):
        fail(
            cid,
            table,
            "LBPSentDate",
            "9006",
            f"The letter before proceedings ({letter}) is outside the year or before pre-proceedings began" + where,
            fix_dates,
        )
    if letter and entry.get("FGDMMeetingOffer") is None:
        fail(
            cid,
            table,
            "FGDMMeetingOffer",
            "9007",
            "A letter before proceedings was sent but whether it offered family group decision-making is not said"
            + where,
            "Record on the letter whether it offered family group decision-making (and if not, why)",
        )
    if entry.get("FGDMMeetingOffer") == "1" and entry.get("FGDMMeetingFac") is None:
        fail(
            cid,
            table,
            "FGDMMeetingFac",
            "9010Q",
            "Family group decision-making was offered but whether a meeting was facilitated is not said" + where,
            "Record the family's answer and the meeting on the pre-proceedings record",
        )
    for field in ("FGDMMeetingOffer", "FGDMMeetingFac"):
        if entry.get(field) not in (None, "0", "1"):
            fail(
                cid,
                table,
                field,
                "schema",
                f"{field} is {entry.get(field)!r}, not 0 or 1" + where,
                "This is made by the export: report it to the service's support",
            )
    if outside(entry.get("InitialPPMeetingDate")):
        fail(
            cid,
            table,
            "InitialPPMeetingDate",
            "9008",
            f"The initial pre-proceedings meeting ({entry['InitialPPMeetingDate']}) is outside the year" + where,
            fix_dates,
        )
    count = entry.get("ReviewMeetingsCount")
    if entry.get("InitialPPMeetingDate") and count is None:
        fail(
            cid,
            table,
            "ReviewMeetingsCount",
            "9015Q",
            "An initial pre-proceedings meeting is reported without the number of review meetings" + where,
            "Record the review meetings held after the initial meeting (none is a count of 0)",
        )
    if count is not None and not str(count).isdigit():
        fail(
            cid,
            table,
            "ReviewMeetingsCount",
            "schema",
            f"The number of review meetings ({count!r}) is not a whole number" + where,
            "This is made by the export: report it to the service's support",
        )
    if decided and (outside(decided) or (started and decided < started)):
        fail(
            cid,
            table,
            "StepDecisionDate",
            "9009",
            f"The decision to step up or down ({decided}) is outside the year or before pre-proceedings began" + where,
            fix_dates,
        )
    outcome = entry.get("PPOutcome")
    if outcome is not None and outcome not in OUTCOME_CODES or decided and outcome is None:
        fail(
            cid,
            table,
            "PPOutcome",
            "9011",
            f"The outcome of pre-proceedings ({outcome!r}) is not A, B or C" + where,
            "Record the decision (step down, continue or issue care proceedings) on the pre-proceedings record",
        )
    if applied and (outside(applied) or (decided and applied < decided)):
        fail(
            cid,
            table,
            "CourtAppDate",
            "9012",
            f"The court application ({applied}) is outside the year or before the decision to issue" + where,
            fix_dates,
        )
    if issued and (outside(issued) or (applied and issued < applied)):
        fail(
            cid,
            table,
            "LetterInitCPDate",
            "9013",
            f"The letter that care proceedings are issued ({issued}) is outside the year or before the court "
            "application" + where,
            fix_dates,
        )


def _check_details(cid, details, fail, end):  # noqa: C901
    referral = details["CINreferralDate"]
    where = f" (referral of {referral})"
    if details["ReferralSource"] not in REFERRAL_SOURCE:
        fail(
            cid,
            "CINdetails",
            "ReferralSource",
            "8866",
            "Referral source is missing or not a valid code" + where,
            "Correct the referral's source on the front-door referral",
        )
    if details["PrimaryNeedCode"] not in PRIMARY_NEED:
        fail(
            cid,
            "CINdetails",
            "PrimaryNeedCode",
            "8650",
            "Primary need is missing or not a valid code" + where,
            "Record the primary need (N0 to N9) on the referral",
        )
    reason, closed = details["ReasonForClosure"], details["CINclosureDate"]
    if closed and not reason:
        fail(
            cid,
            "CINdetails",
            "ReasonForClosure",
            "8805",
            "The episode has a closure date but no reason" + where,
            "Record the CIN census reason the episode closed",
        )
    if reason and not closed:
        fail(
            cid,
            "CINdetails",
            "CINclosureDate",
            "8810",
            "The episode has a reason for closure but no date" + where,
            "Record the date the episode closed",
        )
    if reason and reason not in CLOSURE_REASON:
        fail(
            cid,
            "CINdetails",
            "ReasonForClosure",
            "8640",
            f"Reason for closure {reason!r} is not valid" + where,
            "Record a reason for closure RC1 to RC9",
        )
    assessments = details["Assessments"]
    if details["ReferralNFA"] == "1":
        for rule, found, what in (
            (
                "8831",
                assessments or details["Section47"] or details["DateOfInitialCPC"],
                "an assessment, section 47 enquiry or initial conference",
            ),
            ("4000", details["CINPlanDates"], "a child in need plan"),
            ("8832", details["ChildProtectionPlans"], "a child protection plan"),
        ):
            if found:
                fail(
                    cid,
                    "CINdetails",
                    "ReferralNFA",
                    rule,
                    f"The referral is marked no further action but has {what}" + where,
                    "This is made by the export from the records: report it to the service's support",
                )
    if reason in AFTER_ASSESSMENT and not assessments:
        fail(
            cid,
            "CINdetails",
            "ReasonForClosure",
            "8825Q",
            f"Closed {reason} but no assessment is recorded" + where,
            "Record the assessment, or close the episode with another reason (RC7); if the assessment was "
            "authorised before 1 April it is in last year's census: explain this to the DfE",
        )
    if reason in AFTER_ASSESSMENT and (
        details["Section47"]
        or details["ChildProtectionPlans"]
        or details["DateOfInitialCPC"]
        or details["CINPlanDates"]
    ):
        fail(
            cid,
            "CINdetails",
            "ReasonForClosure",
            "2990",
            f"Closed {reason} (after assessment) but the episode has a section 47 enquiry, conference or plan" + where,
            "Close the episode with the reason that fits what happened (RC7 after a plan or an enquiry)",
        )
    for assessment in assessments:
        factors = assessment["FactorsIdentifiedAtAssessment"]
        for code in factors:
            if code not in ASSESSMENT_FACTORS:
                fail(
                    cid,
                    "Assessments",
                    "AssessmentFactors",
                    "schema",
                    f"Assessment factor {code!r} is not in the list" + where,
                    "Correct the factors on the assessment",
                )
        if NO_FACTORS in factors and len(factors) > 1:
            fail(
                cid,
                "Assessments",
                "AssessmentFactors",
                "8869",
                "Factor 21 (no factors) is recorded with others" + where,
                "Remove 21 from the assessment's factors, or the other factors",
            )
    if (
        len(assessments) == 1
        and assessments[0]["FactorsIdentifiedAtAssessment"] == [NO_FACTORS]
        and reason not in AFTER_ASSESSMENT
    ):
        fail(
            cid,
            "CINdetails",
            "ReasonForClosure",
            "8873Q",
            "The only assessment found no factors (21) but the episode did not close RC8 or RC9" + where,
            "Close the episode RC8 or RC9 if nothing further is needed, or record the factors the plan addresses",
        )
    start = datetime.date(end.year - 1, 4, 1).isoformat()
    for assessment in assessments:
        if not assessment["AssessmentAuthorisationDate"] and assessment["AssessmentActualStartDate"] < start:
            fail(
                cid,
                "Assessments",
                "AssessmentActualStartDate",
                "8736",
                f"The assessment started {assessment['AssessmentActualStartDate']}, before the year, and is not "
                "authorised yet" + where,
                "Complete and authorise the assessment, or correct its start date",
            )
    for enquiry in details["Section47"]:
        if (
            not enquiry["DateOfInitialCPC"]
            and enquiry["ICPCnotRequired"] == "0"
            and enquiry["S47ActualStartDate"] < start
        ):
            fail(
                cid,
                "Section47",
                "S47ActualStartDate",
                "8740",
                f"The section 47 enquiry from {enquiry['S47ActualStartDate']}, before the year, has no initial "
                "conference and no outcome" + where,
                "Record the enquiry's outcome, or the initial conference that followed it",
            )
    icpc = details["DateOfInitialCPC"]
    if icpc and any(s["DateOfInitialCPC"] == icpc for s in details["Section47"]):
        fail(
            cid,
            "CINdetails",
            "DateOfInitialCPC",
            "2884",
            "The initial conference is on the episode and the enquiry" + where,
            "This is made by the export: report it to the service's support",
        )
    for plan in details["ChildProtectionPlans"]:
        for field, rule in (("InitialCategoryOfAbuse", "8905"), ("LatestCategoryOfAbuse", "8910")):
            if plan[field] not in CATEGORY_OF_ABUSE:
                fail(
                    cid,
                    "ChildProtectionPlans",
                    field,
                    rule,
                    f"Category of abuse {plan[field]!r} of the plan from {plan['CPPstartDate']} is not valid",
                    "Record the category (NEG, PHY, SAB, EMO or MUL) on the child protection plan",
                )
