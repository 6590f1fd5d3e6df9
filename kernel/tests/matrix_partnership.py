"""The access matrix's records for the safeguarding partnership (see test_access_matrix.MODULES):
published arrangements, a serious incident about the matrix child notified to the Panel, an
information request to the partner practitioner's agency, a rapid review, a local practice
review, a recommendation and a yearly report. Its rules: reading is partnership, recording
partnership_change, answering an agency's requests partnership_requests, approving the report
partnership_report_approve, the scrutineer's commentary partnership_report_commentary. The
business unit, the scrutineer and the lead partners see no child's record (people.access.levels
gives them none): the matrix's other rows keep them out."""

import datetime

from partners.models import User

R = User.Role
EXPECTED: dict[str, object] = {
    "partnership": {R.PARTNERSHIP_OFFICER, R.SCRUTINEER, R.LEAD_PARTNER, R.HEAD_OF_SERVICE},
    "partnership_change": {R.PARTNERSHIP_OFFICER},
    "partnership_requests": {R.PARTNER_PRACTITIONER},
    # The matrix's lead partner is of the local authority: one of the three lead partners.
    "partnership_report_approve": {R.LEAD_PARTNER},
    "partnership_report_commentary": {R.SCRUTINEER},
}


def history(world):
    """Make the module's records for world["child"]; return {URL parameter name: value}."""
    from partnership import services
    from partnership.models import Member

    officer = world["users"][R.PARTNERSHIP_OFFICER]
    partner = world["users"][R.PARTNER_PRACTITIONER]
    today = datetime.date.today()
    arrangements = services.draft_arrangements(officer, title="Matrix arrangements")
    for part, partner_kind, sector in (
        (Member.Part.LEAD_PARTNER, Member.Partner.LOCAL_AUTHORITY, ""),
        (Member.Part.LEAD_PARTNER, Member.Partner.ICB, ""),
        (Member.Part.LEAD_PARTNER, Member.Partner.POLICE, ""),
        (Member.Part.RELEVANT_AGENCY, "", Member.Sector.EDUCATION),
        (Member.Part.RELEVANT_AGENCY, "", Member.Sector.CHILDCARE),
    ):
        arrangements.members.create(
            part=part, partner=partner_kind, sector=sector, organisation="Matrix", date_from=datetime.date(2024, 1, 1)
        )
    services.publish_arrangements(officer, arrangements)
    incident = services.record_serious_incident(
        officer,
        children=world["child"].identifiers.get(id_type="CI").value,
        became_aware_on=today - datetime.timedelta(days=30),
        harm="seriously_harmed",
        summary="Matrix incident",
    )
    services.notify_panel(
        officer,
        incident,
        notified_on=today - datetime.timedelta(days=20),
        notified_by="Matrix DCS",
        late_reason="Matrix",
    )
    request = services.request_information(
        officer, incident, agency=partner.agency, question="Matrix question", due_on=today
    )
    services.record_rapid_review(
        officer,
        incident,
        completed_on=today - datetime.timedelta(days=1),
        decision="local",
        reasons="Matrix reasons",
        late_reason="Matrix",
    )
    review = services.start_practice_review(
        officer,
        kind="local",
        title="Matrix review",
        decided_on=today,
        terms_of_reference="Matrix terms",
        incident=incident,
    )
    recommendation = services.add_recommendation(
        officer, review, text="Matrix recommendation", owner=partner.agency, due_on=today
    )
    from partnership.report import services as report_services

    report = report_services.start_report(
        officer, title="Matrix report", period_from=today - datetime.timedelta(days=60), period_to=today
    )
    access = services.grant_review_access(
        officer, review, grantee=world["users"][R.SCRUTINEER], access_to=today, reason="Matrix reviewer"
    )
    return {
        "access_id": access.pk,
        "report_id": report.pk,
        "slug": "contacts",
        "arrangements_id": arrangements.pk,
        "incident_id": incident.pk,
        "request_id": request.pk,
        "review_id": review.pk,
        "recommendation_id": recommendation.pk,
    }
