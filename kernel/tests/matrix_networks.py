"""The access matrix's records for exploitation intelligence and MACE (see
test_access_matrix.MODULES): a place, a group, an association of the matrix child, police
intelligence waiting for review, a MACE panel with a meeting whose agenda has the child, and a
plan for the place (contextual safeguarding).
They are made by a member of the exploitation team (a team whose function is "exploitation"),
who is not one of the matrix's users: the matrix checks the route rule, and the pages then show
each user what their clearance allows (exploitation.networks.selectors.clearance)."""

import datetime

from partners.models import User

R = User.Role
EXPECTED: dict[str, object] = {
    "exploitation_intelligence": {
        R.SOCIAL_WORKER,
        R.TEAM_MANAGER,
        R.HEAD_OF_SERVICE,
        R.MASH_PRACTITIONER,
        R.MASH_MANAGER,
        R.IRO,
        R.CONFERENCE_CHAIR,
        R.PARTNER_PRACTITIONER,
    },
}


def history(world):
    """Make the module's records for world["child"]; return {URL parameter name: value}."""
    from exploitation.contexts import services as contexts
    from exploitation.mace import services as mace
    from exploitation.models import IntelligenceReport
    from exploitation.networks import services
    from testing import builders

    worker = world["users"][R.SOCIAL_WORKER]
    team = builders.team(worker.agency, "Matrix exploitation team", function="exploitation")
    member = User.objects.create_user(
        username="matrix-exploitation", role=R.SOCIAL_WORKER, agency=worker.agency, team=team
    )
    day = datetime.date.today() - datetime.timedelta(days=5)
    place = services.add_place(member, kind="park", name="Matrix park", postcode="TS1 1AA")
    group = services.add_group(member, kind="peer_group", name="Matrix group")
    services.record_association(
        member,
        world["child"],
        place=place,
        nature="Seen at",
        observed_on=day,
        source="Matrix officer",
        source_agency=worker.agency,
        source_evaluation="1",
        intelligence_assessment="A",
        handling_code="P",
    )
    report = IntelligenceReport.objects.create(
        agency=worker.agency,
        idempotency_key="matrix",
        body_digest="0" * 64,
        received_by=member,
        place_name="Matrix shop",
        observed_on=day,
        summary="Matrix intelligence",
        source="Matrix source",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
    )
    panel = mace.create_panel(member, name="Matrix MACE")
    meeting = mace.hold_meeting(member, panel, held_on=day, chair=member)
    item = mace.add_agenda_item(member, meeting, child=world["child"])
    plan = contexts.start_context_plan(
        member,
        place=place,
        start_date=day,
        aims="Matrix aims",
        agencies=[worker.agency],
        actions=[{"action": "Matrix action", "owner": member, "due_on": day}],
    )
    return {
        "context_plan_id": plan.pk,
        "place_id": place.pk,
        "group_id": group.pk,
        "intelligence_id": report.pk,
        "mace_panel_id": panel.pk,
        "mace_meeting_id": meeting.pk,
        "mace_item_id": item.pk,
    }
