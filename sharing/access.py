"""The sharing app's route rules (kernel.access): a child's sharing history and the forms use the
ordinary case rules; these add the worker's notices and CP-IS look-ups."""

from typing import TYPE_CHECKING

from kernel.access import register_rule
from partners.access import CASE_ROLES, is_local_authority_staff
from partners.models import Agency, User

if TYPE_CHECKING:
    from kernel.access import AnyUser

# The agencies that may look a child up as CP-IS does: the NHS (unscheduled care settings).
HEALTH_AGENCIES = frozenset({Agency.Kind.ICB, Agency.Kind.HEALTH_PROVIDER})


def may_query_cpis(user: "AnyUser") -> bool:
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user.role == User.Role.PARTNER_PRACTITIONER
        and user.agency is not None
        and user.agency.kind in HEALTH_AGENCIES
    )


def has_notices(user: "AnyUser") -> bool:
    return isinstance(user, User) and user.role in CASE_ROLES and is_local_authority_staff(user)


def register() -> None:
    register_rule(
        "cpis_query",
        "Child protection information sharing (CP-IS) look-ups by NHS number: partner practitioners "
        "and partner systems of a health agency (an integrated care board or a health provider)",
        may_query_cpis,
    )
    register_rule(
        "notices",
        "One's own notices (a CP-IS look-up of a child one holds): local-authority case staff",
        has_notices,
    )
