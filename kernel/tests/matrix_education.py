"""The access matrix's records for the education module (see test_access_matrix.MODULES): the
matrix child on a school's roll, a request for consent to home educate, and an entry on the
children not in school register and a child missing education case (made directly: the services would
refuse a child on a roll), and a school's notice no child was found for. Its rules:
reading is education_work, changing education_change, the education team's own pages education_team."""

import datetime

from partners.models import User

R = User.Role
EXPECTED: dict[str, object] = {
    "education_work": {
        R.SOCIAL_WORKER,
        R.TEAM_MANAGER,
        R.HEAD_OF_SERVICE,
        R.MASH_PRACTITIONER,
        R.MASH_MANAGER,
        R.IRO,
        R.CONFERENCE_CHAIR,
        R.FAMILY_HELP_LEAD,
        R.PARTNER_PRACTITIONER,
        R.EDUCATION_WELFARE_OFFICER,
    },
    "education_change": {
        R.SOCIAL_WORKER,
        R.TEAM_MANAGER,
        R.HEAD_OF_SERVICE,
        R.MASH_PRACTITIONER,
        R.MASH_MANAGER,
        R.IRO,
        R.CONFERENCE_CHAIR,
        R.EDUCATION_WELFARE_OFFICER,
    },
    "education_team": {R.EDUCATION_WELFARE_OFFICER, R.TEAM_MANAGER, R.HEAD_OF_SERVICE, R.MASH_MANAGER},
    "school_staff": {R.PARTNER_PRACTITIONER},
}


def history(world):
    """Make the module's records for world["child"]; return {URL parameter name: value}."""
    from education import services
    from education.models import (
        ConsentRequest,
        DeregistrationNotice,
        MissingEducationCase,
        MissingEducationEnquiry,
        RegisterEntry,
    )
    from partners.models import Agency

    worker = world["users"][User.Role.SOCIAL_WORKER]
    services.load_school_list([{"urn": "999101", "name": "Matrix Primary School", "phase": "primary"}])
    registration = services.record_school_registration(
        worker, world["child"], urn="999101", start_date=datetime.date(2021, 9, 1)
    )
    # Made directly: the matrix runs with s434A not in force, when the service refuses.
    request = ConsentRequest.objects.create(
        person=world["child"],
        registration=registration,
        source=ConsentRequest.Source.PARENT,
        received_on=datetime.date.today(),
        requested_by="Matrix Parent",
        relevant_child=True,
        conditions=["B"],
        reasons=["On a child protection plan (condition B)"],
        rules_version="2026-04-29",
        status=ConsentRequest.Status.OPEN,
        recorded_by=worker,
    )
    entry = RegisterEntry.objects.create(
        person=world["child"],
        added_on=datetime.date.today(),
        reason=RegisterEntry.Reason.HOME_EDUCATED,
        source=RegisterEntry.Source.PARENT,
        parents="Matrix Parent",
        address="Matrix Street",
        recorded_by=worker,
    )
    # A school's notice no child was found for, waiting for the education team to match it.
    school = Agency.objects.create(name="Matrix Primary School", kind=Agency.Kind.SCHOOL, urn="999101")
    notice = services.receive_deregistration_notice(
        worker,
        agency=school,
        key="matrix-notice",
        digest="0" * 64,
        urn="999101",
        given_names="Matrix",
        family_name="Unknown",
        date_of_birth=datetime.date(2015, 6, 6),
        removal_date=datetime.date.today(),
        reason=DeregistrationNotice.Reason.OTHER,
    )
    # A child missing education case, also made directly (the child is on a roll and the register).
    case = MissingEducationCase.objects.create(
        person=world["child"],
        opened_on=datetime.date.today(),
        source=MissingEducationCase.Source.AUTHORITY,
        recorded_by=worker,
    )
    MissingEducationEnquiry.objects.create(
        case=case,
        made_on=datetime.date.today(),
        kind=MissingEducationEnquiry.Kind.HOME_VISIT,
        made_with="Matrix Parent",
        outcome="No one at home",
        recorded_by=worker,
    )
    return {"consent_id": request.pk, "entry_id": entry.pk, "notice_id": notice.pk, "case_id": case.pk}
