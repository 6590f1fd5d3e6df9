"""Who may do what, by role: the rules that open pages and API routes (see kernel.access).

Which children a user may see is decided per child in people.access; these rules decide
which parts of the service a role may use at all.
"""

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from kernel.access import register_rule

from .models import Agency, User

if TYPE_CHECKING:
    from kernel.access import AnyUser

Role = User.Role

# Local-authority staff who work on children's cases.
CASE_ROLES = frozenset(
    {
        Role.SOCIAL_WORKER,
        Role.TEAM_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.MASH_PRACTITIONER,
        Role.MASH_MANAGER,
        Role.IRO,
        Role.CONFERENCE_CHAIR,
    }
)
# The authority's education team: children not in school, children missing education, consent to
# withdraw a relevant child for home education, schools' deregistration notices. They are
# local-authority staff who see an index entry of any child (to match a notice or a register
# entry) and the education of the children their team is involved with; they do not change
# social care records.
EDUCATION_ROLES = frozenset({Role.EDUCATION_WELFARE_OFFICER})
# Everyone who may read children's records they have a reason to see.
RECORD_READERS = CASE_ROLES | {Role.FAMILY_HELP_LEAD, Role.PARTNER_PRACTITIONER}
# Those who may change records (partners add their own information through their own modules).
RECORD_WRITERS = CASE_ROLES | {Role.FAMILY_HELP_LEAD}
# Managers who oversee access: who looked at a record, break-glass reports.
MANAGERS = frozenset({Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE, Role.MASH_MANAGER})
# Local-authority staff who work the front door: the MASH queue, checks and threshold decisions.
FRONT_DOOR_ROLES = frozenset(
    {Role.MASH_PRACTITIONER, Role.MASH_MANAGER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE, Role.SOCIAL_WORKER}
)
# Who prepares and submits the statutory returns (SSDA903, CIN census, Annex A): child-level exports.
RETURNS_ROLES = frozenset({Role.ANALYST, Role.HEAD_OF_SERVICE})
# Who may read the authority's statistics beside England, the region and statistical neighbours
# (aggregate figures only, no child).
STATISTICS_ROLES = RETURNS_ROLES | MANAGERS
# Anyone who may tell the front door about a child: local-authority staff and every partner.
CONTACT_MAKERS = RECORD_WRITERS | {Role.PARTNER_PRACTITIONER}
# The safeguarding partnership's business unit: it records the arrangements, serious incidents,
# rapid reviews, practice reviews and their recommendations. It holds no case record.
PARTNERSHIP_ROLES = frozenset({Role.PARTNERSHIP_OFFICER})
# Who reads the partnership's records and figures: the business unit, the independent scrutineer,
# and the local authority's head of service (for the lead partner). Delegated partners of the
# police and the integrated care board hold a business unit account of their own agency.
PARTNERSHIP_READERS = PARTNERSHIP_ROLES | {Role.SCRUTINEER, Role.LEAD_PARTNER}
# Record linkage (linkage.review): who reviews partners' records the model could not link on its
# own (the front door, who match children to the index every day, and the head of service), and
# who of them decides what was escalated (the managers among them). Feeds are uploaded by the
# front door's managers, the head of service and the performance analysts (counts only: the
# feed's pages name no child).
LINKAGE_REVIEWERS = frozenset({Role.MASH_PRACTITIONER, Role.MASH_MANAGER, Role.HEAD_OF_SERVICE})
LINKAGE_MANAGERS = frozenset({Role.MASH_MANAGER, Role.HEAD_OF_SERVICE})
LINKAGE_FEEDS = frozenset({Role.MASH_MANAGER, Role.HEAD_OF_SERVICE, Role.ANALYST})
# The agencies whose lead partner approves the partnership's yearly report (Children Act 2004
# s16E: the local authority, the integrated care board and the chief officer of police).
LEAD_PARTNER_AGENCIES = frozenset({"local_authority", "icb", "police"})


def is_local_authority_staff(user: User) -> bool:
    return getattr(user.agency, "kind", None) == Agency.Kind.LOCAL_AUTHORITY


def _role_in(roles: Collection[str], local_authority_only: bool = False) -> Callable[["AnyUser"], bool]:
    def allows(user: "AnyUser") -> bool:
        if not user.is_authenticated or not user.is_active or getattr(user, "role", None) not in roles:
            return False
        return is_local_authority_staff(user) if local_authority_only else True

    return allows


def register() -> None:
    register_rule(
        "case_work",
        "Reading children's records: case staff, Family Help leads and partner practitioners",
        _role_in(RECORD_READERS),
    )
    register_rule(
        "case_change",
        "Changing children's records: local-authority case staff and Family Help leads",
        _role_in(RECORD_WRITERS),
    )
    register_rule(
        "front_door",
        "The front door: the MASH queue, agency checks, threshold decisions (local authority)",
        _role_in(FRONT_DOOR_ROLES, local_authority_only=True),
    )
    register_rule(
        "contact_submit",
        "Making a contact about a child, and seeing the contacts one has made",
        _role_in(CONTACT_MAKERS),
    )
    register_rule(
        "agency_checks",
        "Answering the front door's checks addressed to one's agency (partner practitioners)",
        _role_in({Role.PARTNER_PRACTITIONER}),
    )
    register_rule(
        "timescales",
        "Timescale dashboards for oneself and one's team (local-authority case staff)",
        _role_in(CASE_ROLES, local_authority_only=True),
    )
    register_rule(
        "service_timescales",
        "The service's timescale dashboard, across teams (managers)",
        _role_in(MANAGERS, local_authority_only=True),
    )
    register_rule(
        "person_merging",
        "Likely duplicate records, and merging and unmerging them (local-authority case staff propose; "
        "managers sign off, merge and undo: people.merging.services.may_decide)",
        _role_in(CASE_ROLES, local_authority_only=True),
    )
    register_rule(
        "access_oversight",
        "Managers: who has looked at records, break-glass reports",
        _role_in(MANAGERS, local_authority_only=True),
    )
    register_rule(
        "statutory_returns",
        "Statutory returns: building, checking and downloading SSDA903, CIN census "
        "and Annex A (analysts and the head of service, local authority)",
        _role_in(RETURNS_ROLES, local_authority_only=True),
    )
    register_rule(
        "statistics",
        "The authority's statistics beside England, the region and statistical neighbours "
        "(analysts and managers, local authority)",
        _role_in(STATISTICS_ROLES, local_authority_only=True),
    )
    register_rule(
        "education_work",
        "Children's education (schools, the children not in school register, children missing "
        "education, consent to home educate): case staff, the education team and partner practitioners",
        _role_in(RECORD_READERS | EDUCATION_ROLES),
    )
    register_rule(
        "education_change",
        "Changing children's education records: local-authority case staff and the education team",
        _role_in(CASE_ROLES | EDUCATION_ROLES, local_authority_only=True),
    )
    register_rule(
        "education_team",
        "The education team's work: notices to match, the register, children missing education "
        "(the education team and managers, local authority)",
        _role_in(EDUCATION_ROLES | MANAGERS, local_authority_only=True),
    )
    register_rule(
        "school_staff",
        "A school's own pages: its pupils known to children's social care, and its deregistration "
        "notices (partner practitioners; the pages say so when their agency is not a school on the list)",
        _role_in({Role.PARTNER_PRACTITIONER}),
    )
    register_rule(
        "exploitation_intelligence",
        "Exploitation intelligence, networks and MACE meetings: local-authority case staff and partner "
        "practitioners (which intelligence: exploitation.networks.selectors.clearance, the exploitation "
        "team and MACE members)",
        lambda user: (
            _role_in(CASE_ROLES, local_authority_only=True)(user) or _role_in({Role.PARTNER_PRACTITIONER})(user)
        ),
    )
    local_case_staff, lead_practitioners = (
        _role_in(CASE_ROLES, local_authority_only=True),
        _role_in({Role.FAMILY_HELP_LEAD, Role.PARTNER_PRACTITIONER}),
    )
    register_rule(
        "early_help",
        "Early help: local-authority case staff, Family Help leads and partner practitioners "
        "(partners only the early help they lead or their agency is part of: familyhelp.early_help.may_see)",
        lambda user: local_case_staff(user) or lead_practitioners(user),
    )
    register_rule(
        "adopters",
        "Prospective adopters' records and matching (local-authority social workers and managers)",
        _role_in({Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE}, local_authority_only=True),
    )
    register_rule(
        "front_door_oversight",
        "The front door's partner submissions that are not contacts yet "
        "(front-door managers and the head of service, local authority)",
        _role_in({Role.MASH_MANAGER, Role.HEAD_OF_SERVICE}, local_authority_only=True),
    )
    partnership_readers, head_of_service = (
        _role_in(PARTNERSHIP_READERS),
        _role_in({Role.HEAD_OF_SERVICE}, local_authority_only=True),
    )
    register_rule(
        "partnership",
        "The safeguarding partnership's records: arrangements, serious incidents, rapid reviews, "
        "practice reviews and recommendations (the business unit, the scrutineer and the local "
        "authority's head of service; never a child's record)",
        lambda user: partnership_readers(user) or head_of_service(user),
    )
    register_rule(
        "partnership_change",
        "Recording the safeguarding partnership's work (the partnership business unit)",
        _role_in(PARTNERSHIP_ROLES),
    )
    register_rule(
        "partnership_report_approve",
        "Approving the partnership's yearly report for one's agency (a lead safeguarding partner "
        "of the local authority, the integrated care board or the police)",
        lambda user: (
            _role_in({Role.LEAD_PARTNER})(user)
            and getattr(getattr(user, "agency", None), "kind", None) in LEAD_PARTNER_AGENCIES
        ),
    )
    register_rule(
        "partnership_report_commentary",
        "Writing the independent scrutineer's commentary in the partnership's yearly report",
        _role_in({Role.SCRUTINEER}),
    )
    register_rule(
        "partnership_requests",
        "Answering the safeguarding partnership's information requests addressed to one's agency "
        "(partner practitioners)",
        _role_in({Role.PARTNER_PRACTITIONER}),
    )
    register_rule(
        "partnership_audits",
        "Multi-agency audits: the business unit, the scrutineer and the local authority's head of "
        "service see every audit; practitioners only the audits they are named auditors on "
        "(partnership.audits.selectors.audits_for)",
        lambda user: partnership_readers(user) or _role_in(RECORD_READERS)(user),
    )
    register_rule(
        "partnership_audit_answers",
        "Answering a multi-agency audit on the cases one's agency knows (practitioners of the agencies taking part)",
        _role_in(RECORD_READERS),
    )
    register_rule(
        "linkage_review",
        "Reviewing partners' records of children the linkage model could not link on its own, and "
        "the model's accuracy (front-door practitioners and managers and the head of service, local authority)",
        _role_in(LINKAGE_REVIEWERS, local_authority_only=True),
    )
    register_rule(
        "linkage_feeds",
        "Uploading partners' feeds of records to link, and seeing how each was scored (counts only): "
        "front-door managers, the head of service and performance analysts, local authority",
        _role_in(LINKAGE_FEEDS, local_authority_only=True),
    )
    is_administrator = lambda user: (  # noqa: E731
        user.is_authenticated and user.is_active and user.is_staff and getattr(user, "role", None) == Role.ADMINISTRATOR
    )
    register_rule("administration", "System administrators (configuration; no case records)", is_administrator)
    register_rule(
        "user_administration",
        "Accounts: making them, resetting passwords and authenticator apps "
        "(system administrators and user administrators; partners.accounts.why_not_manage limits whose)",
        lambda user: is_administrator(user) or _role_in({Role.USER_ADMINISTRATOR})(user),
    )
