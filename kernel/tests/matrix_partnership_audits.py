"""The access matrix's records for multi-agency audits (see test_access_matrix.MODULES): an audit
whose sample is the matrix child, with the business unit, the partner practitioner and the social
worker as auditors, the partner practitioner's agency taking part, and an action. Its rules: the
audits are partnership_audits (the business unit, the scrutineer, the lead partners and every
practitioner; a practitioner sees only the audits they audit, partnership.audits.selectors.
audits_for), planning and running one partnership_change, answering an agency's cases
partnership_audit_answers."""

import datetime

from partners.models import User

R = User.Role
PRACTITIONERS = {
    R.SOCIAL_WORKER,
    R.TEAM_MANAGER,
    R.HEAD_OF_SERVICE,
    R.MASH_PRACTITIONER,
    R.MASH_MANAGER,
    R.IRO,
    R.CONFERENCE_CHAIR,
    R.FAMILY_HELP_LEAD,
    R.PARTNER_PRACTITIONER,
}
EXPECTED: dict[str, object] = {
    "partnership_audits": PRACTITIONERS | {R.PARTNERSHIP_OFFICER, R.SCRUTINEER, R.LEAD_PARTNER},
    "partnership_audit_answers": PRACTITIONERS,
}


def history(world):
    """Make the module's records for world["child"]; return {URL parameter name: value}."""
    from partnership.audits import services
    from partnership.audits.models import MultiAgencyAudit, SampledCase

    officer = world["users"][R.PARTNERSHIP_OFFICER]
    partner = world["users"][R.PARTNER_PRACTITIONER]
    worker = world["users"][R.SOCIAL_WORKER]  # the key-facts walk's viewer
    today = datetime.date.today()
    audit = services.plan_audit(
        officer,
        theme="Matrix audit",
        sample_rule="neglect-plan-12-months",
        sample_size=1,
        sample_date=today,
        auditors=[officer, partner, worker],
        agencies=[officer.agency, partner.agency],
        questions=[("Matrix question", [])],
        access_from=today,
        access_to=today + datetime.timedelta(days=30),
        seed=1,
    )
    # The matrix child's plan is new, so the rule would not choose them: the sample is made here.
    case = SampledCase.objects.create(audit=audit, person=world["child"], number=1, reason="Matrix")
    MultiAgencyAudit.objects.filter(pk=audit.pk).update(status=MultiAgencyAudit.Status.SAMPLED, eligible_count=1)
    action = services.add_action(officer, audit, text="Matrix action", owner=partner.agency, due_on=today)
    return {"audit_id": audit.pk, "audit_case_id": case.pk, "audit_action_id": action.pk}
