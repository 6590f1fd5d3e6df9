"""The access matrix's records for this module (see test_access_matrix.MODULES): a decision
that the child should be placed for adoption, on the world's period of care, and an approved
household of prospective adopters. The `adopters` rule: local-authority social workers and
managers only (not partner practitioners, nor MASH, IRO or conference chairs)."""

import datetime

from partners.models import User

R = User.Role

EXPECTED = {
    "adopters": {R.SOCIAL_WORKER, R.TEAM_MANAGER, R.HEAD_OF_SERVICE},
}


def history(world):
    """Make the module's records for world["child"]; return {URL parameter name: value}."""
    from adoption import services
    from adoption.testing import approved_household

    worker = world["users"][R.SOCIAL_WORKER]
    decision = services.record_decision(
        worker, world["period"], decided_on=datetime.date.today(), decision_maker="Matrix decision maker"
    )
    household = approved_household(worker)
    return {
        "adoption_decision_id": decision.pk,
        "adoption_step": "placement-order",
        "adopter_household_id": household.pk,
        "adopter_stage": "stage-1-start",
    }
