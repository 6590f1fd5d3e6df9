"""The kinds of record that point at a person, as data: their words, which of them are
statutory involvement, which may stay with a tombstone when the survivor holds the same, which
a person may hold only one of at a time, and which never move.

The person index is below the stages, so it cannot import their models; it names them here by
label ("frontdoor.referral"), as the audit trail names the type of each record. Nothing here is
needed for a row to move: the move finds every foreign key to ``Person`` at run time
(``people.merging.rows``); these tables only give it words and rules. A label that names no
model is ignored, and ``people/tests/test_merging.py`` checks that each one still names a model
and field.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model

# (one, many): how a kind of record is named on the merge pages. Others fall back to the
# model's verbose name.
WORDS: dict[str, tuple[str, str]] = {
    "kernel.deadline": ("due date", "due dates"),
    "people.persondisability": ("disability", "disabilities"),
    "people.personaddress": ("address", "addresses"),
    "people.relationship": ("relationship", "relationships"),
    "people.parentalresponsibility": ("parental responsibility", "parental responsibilities"),
    "people.personalert": ("alert", "alerts"),
    "people.involvement": ("team or agency involvement", "team or agency involvements"),
    "people.restrictedaccess": ("person named on the restriction", "people named on the restriction"),
    "people.person": ("record merged into this one earlier", "records merged into this one earlier"),
    "linkage.candidatepair": ("partner record found as a candidate", "partner records found as candidates"),
    "linkage.linkdecision": ("partner record linked", "partner records linked"),
    "chronology.chronologyentry": ("chronology entry", "chronology entries"),
    "frontdoor.contactperson": ("contact naming them", "contacts naming them"),
    "frontdoor.referral": ("child-in-need episode (referral)", "child-in-need episodes (referrals)"),
    "frontdoor.patternalert": ("front door pattern alert", "front door pattern alerts"),
    "frontdoor.contactdraft": ("draft contact", "draft contacts"),
    "familyhelp.assessment": ("assessment", "assessments"),
    "familyhelp.childinneedplan": ("child in need plan", "child in need plans"),
    "familyhelp.visit": ("visit", "visits"),
    "familyhelp.earlyhelpepisode": ("early help episode", "early help episodes"),
    "familyhelp.earlyhelpchild": ("early help episode naming them", "early help episodes naming them"),
    "sharing.disclosure": ("information sharing record", "information sharing records"),
    "sharing.withholding": ("decision not to share", "decisions not to share"),
    "sharing.notice": ("worker's notice", "workers' notices"),
    "childprotection.strategydiscussionchild": ("strategy discussion", "strategy discussions"),
    "childprotection.section47enquiry": ("section 47 enquiry", "section 47 enquiries"),
    "childprotection.conferencechild": ("child protection conference", "child protection conferences"),
    "childprotection.childprotectionplan": ("child protection plan", "child protection plans"),
    "childprotection.preproceedings": ("pre-proceedings", "pre-proceedings"),
    "childrenincare.periodofcare": ("period of care", "periods of care"),
    "childrenincare.carer": ("carer record", "carer records"),
    "childrenincare.careepisode": ("care episode (SSDA903)", "care episodes (SSDA903)"),
    "childrenincare.reunificationdecision_carers": (
        "return home naming them as a carer",
        "returns home naming them as a carer",
    ),
    "childrenincare.reunificationdecision": ("return home decision", "return home decisions"),
    "childrenincare.householdmember": ("return home household member", "return home household members"),
    "childrenincare.returnhomemonitoring": ("return home monitoring", "return home monitorings"),
    "childrenincare.familynetworkmember": ("family network member", "family network members"),
    "leavingcare.careleaver": ("care leaver record", "care leaver records"),
    "adoption.adoptiondecision": ("adoption decision", "adoption decisions"),
    "exploitation.missingepisode": ("missing episode", "missing episodes"),
    "exploitation.riskassessment": ("exploitation risk assessment", "exploitation risk assessments"),
    "exploitation.nrmreferral": ("National Referral Mechanism referral", "National Referral Mechanism referrals"),
    "exploitation.familywork": ("family work record", "family work records"),
    "exploitation.association": ("exploitation intelligence link", "exploitation intelligence links"),
    "exploitation.maceagendaitem": ("MACE agenda item", "MACE agenda items"),
    "education.schoolregistration": ("school registration", "school registrations"),
    "education.consentrequest": ("consent request (home education)", "consent requests (home education)"),
    "education.registerentry": ("children not in school register entry", "children not in school register entries"),
    "education.relevantchildstatus": ("relevant child status", "relevant child statuses"),
    "education.deregistrationnotice": ("deregistration notice", "deregistration notices"),
    "education.missingeducationcase": ("missing education case", "missing education cases"),
    "partnership.sampledcase": ("multi-agency audit case", "multi-agency audit cases"),
    "partnership.incidentchild": ("serious incident naming them", "serious incidents naming them"),
}

# Statutory involvement (issue 20, item 4: "a second reviewer signs off any merge of people
# with statutory involvement"): a child-in-need episode, an assessment or plan under the
# Children Act 1989, a section 47 enquiry, a child protection plan, pre-proceedings, care,
# leaving care, adoption.
STATUTORY: frozenset[str] = frozenset(
    {
        "frontdoor.referral",
        "familyhelp.assessment",
        "familyhelp.childinneedplan",
        "childprotection.section47enquiry",
        "childprotection.childprotectionplan",
        "childprotection.preproceedings",
        "childrenincare.periodofcare",
        "leavingcare.careleaver",
        "adoption.adoptiondecision",
    }
)

# Records a person may hold only one of at a time: {label: (the field that is empty while it is
# open, its words)}. A merge of two people who both hold one open is refused: one must be ended
# (or corrected) first, since the rules and the returns count on one at a time.
ONE_OPEN: dict[str, tuple[str, str]] = {
    "frontdoor.referral": ("closure_date", "an open child-in-need episode"),
    "childprotection.childprotectionplan": ("end_date", "a current child protection plan"),
    "childrenincare.periodofcare": ("end_date", "an open period of care"),
}

# Rows the survivor may already hold the same of (a unique constraint across the person and
# other columns): the merged person's row stays with the tombstone rather than clash. Each is a
# fact held twice or a list naming both records (a contact, a conference, an audit's sample),
# which loses nothing by naming the tombstone too. Any other clash refuses the merge.
MAY_STAY: frozenset[str] = frozenset(
    {
        "people.persondisability",
        "people.restrictedaccess",
        "frontdoor.contactperson",
        "familyhelp.earlyhelpchild",
        "childprotection.strategydiscussionchild",
        "childprotection.conferencechild",
        "childrenincare.reunificationdecision_carers",
        "childrenincare.householdmember",
        "partnership.sampledcase",
        "partnership.incidentchild",
        # Worked out again each night (education.nightly) for the survivor.
        "education.relevantchildstatus",
    }
)

# Unique constraints that say "one open at a time", in words, for the refusal.
CONSTRAINT_WORDS: dict[str, str] = {
    "missing_one_open_per_child": "an open missing episode",
    "one_open_register_entry": "an open entry on the children not in school register",
    "one_open_missing_education_case": "an open missing education case",
}

# Rows that never move, and why (the page says so).
NEVER_MOVED: dict[str, str] = {
    # Identifiers are never changed or reused: the tombstone keeps its own, and the survivor's
    # record shows them as those of a record merged into it.
    "people.identifier": "identifiers stay with the record they were given to",
    # The person's names are who that record said they were; the survivor is found by them too
    # (its search keys include the names of the records merged into it).
    "people.personname": "names stay with the record they were recorded on",
    # Made from the names: rebuilt for the survivor.
    "people.namekey": "search keys are made again from the names",
    # A break of the glass opened one record, for one user, for an hour, for a reason about it.
    "people.breakglass": "a break of the glass opened that record only",
    # The merging records themselves.
    "people.personmerge": "",
    "people.duplicatepair": "",
}


def words(label: str, count: int, model: type[Model] | None = None) -> str:
    """ "3 assessments", "1 child protection plan": a count of a kind of record, in words."""
    one, many = WORDS.get(label, ("", ""))
    if not one:
        if model is None:
            model = model_of(label)
        one = str(model._meta.verbose_name) if model else label
        many = str(model._meta.verbose_name_plural) if model else label
    return f"{count} {one if count == 1 else many}"


def model_of(label: str) -> type[Model] | None:
    app_label, _, model_name = label.partition(".")
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None
