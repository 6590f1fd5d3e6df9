"""The data behind "Home" and the navigation: which pages there are, where each role starts,
and which pages each role sees in the navigation bar.

A page is offered to a user only when the access rule of its route lets them in
(kernel.access.rule_of), and when its `when` condition holds, so the navigation never links to
a page that would answer 403. Everything else a user may use is listed on the "More" page.

To change where a role starts, change its `start` below: one line per role.
"""

from collections.abc import Callable
from dataclasses import dataclass

from partners.access import MANAGERS
from partners.models import User

Role = User.Role

# The function of the care leavers service's teams (partners.models.Team.function, without case).
CARE_LEAVERS = "care leavers"


def team_function(user: User) -> str:
    """The function of the user's team, in lower case ("" without a team)."""
    return (user.team.function if user.team_id and user.team else "").strip().lower()


def is_school(user: User) -> bool:
    """Whether the user's agency is a school or early years setting with a URN (the school's
    own pages then say whether the URN is on the authority's list)."""
    agency = user.agency if user.agency_id else None
    return agency is not None and agency.kind in ("school", "early_years") and bool(agency.urn)


@dataclass(frozen=True)
class Page:
    """A page the navigation or the "More" page may link to."""

    key: str
    label: str
    url_name: str
    group: str  # the heading it is listed under on the "More" page
    description: str
    when: Callable[[User], bool] | None = None  # a condition beyond the route's rule


# The headings of the "More" page, in order.
GROUPS = (
    "Children and families",
    "Front door",
    "Performance and returns",
    "Safeguarding partnership",
    "Administration",
)

PAGES: tuple[Page, ...] = (
    Page("search", "Find a person", "search", GROUPS[0], "Search by name, date of birth, NHS number, UPN or postcode."),
    Page("record_person", "Record a person", "people:new", GROUPS[0], "Add a child or adult not recorded yet."),
    Page(
        "duplicates",
        "Likely duplicate records",
        "people:duplicates",
        GROUPS[0],
        "Records that may be of the same person: compare them, merge them, sign off merges.",
        when=lambda user: user.role in MANAGERS,
    ),
    Page("caseload", "Your caseload", "caseloads:mine", GROUPS[0], "The children whose cases you hold."),
    Page(
        "team_caseload",
        "Your team's caseload",
        "caseloads:team",
        GROUPS[0],
        "The children your team holds, and the work waiting for allocation.",
        when=lambda user: user.team_id is not None,
    ),
    Page(
        "reviews",
        "Children you review",
        "caseloads:iro",
        GROUPS[0],
        "The looked-after children you are the independent reviewing officer for.",
        when=lambda user: user.role == Role.IRO,
    ),
    Page(
        "care_leavers",
        "Care leavers you advise",
        "leavingcare:list",
        GROUPS[0],
        "The young people you are personal adviser to.",
        when=lambda user: team_function(user) == CARE_LEAVERS,
    ),
    Page("timescales", "Your timescales", "dashboards:mine", GROUPS[0], "The due dates of the children you hold."),
    Page(
        "waiting",
        "Waiting for allocation",
        "familyhelp:waiting",
        GROUPS[0],
        "Referrals waiting for a social worker.",
    ),
    Page("early_help", "Early help you lead", "earlyhelp:mine", GROUPS[0], "The families whose early help you lead."),
    Page(
        "returns_home",
        "Returns home",
        "childrenincare:monitoring",
        GROUPS[0],
        "Children within 12 months of returning home from care.",
    ),
    Page(
        "approvals",
        "Approvals",
        "childrenincare:approvals",
        GROUPS[0],
        "Placements and returns home waiting for a nominated officer's decision.",
        when=lambda user: user.holds_designation,
    ),
    Page(
        "carers", "Carers and providers", "childrenincare:carers", GROUPS[0], "Foster carers, kinship carers and homes."
    ),
    Page("adopters", "Prospective adopters", "adoption:adopters", GROUPS[0], "Adopters and matching."),
    Page(
        "education_team",
        "Education team",
        "education:team",
        GROUPS[0],
        "Schools' notices to match, consent to home educate waiting for a decision, the not in school register.",
    ),
    Page(
        "missing_education",
        "Children missing education",
        "education:missing",
        GROUPS[0],
        "Children who left a school with no known destination, and the enquiries made.",
    ),
    Page(
        "school_pupils",
        "Your pupils",
        "education:pupils",
        GROUPS[0],
        "Your school's pupils known to children's social care, and the notices you have sent.",
        when=lambda user: is_school(user),
    ),
    Page(
        "school_notice",
        "A pupil leaving your roll",
        "education:notice_new",
        GROUPS[0],
        "Tell the local authority a pupil is leaving your school's roll.",
        when=lambda user: is_school(user),
    ),
    Page("front_door", "Front door", "frontdoor:queue", GROUPS[1], "Contacts waiting for a decision (the MASH queue)."),
    Page(
        "submissions",
        "Partner submissions",
        "frontdoor:submissions",
        GROUPS[1],
        "What partner systems sent that is not a contact yet.",
    ),
    Page(
        "linkage_review",
        "Partner records to review",
        "linkage:queue",
        GROUPS[1],
        "Partners' records of children the linkage model could not link to the index on its own.",
    ),
    Page(
        "linkage_feeds",
        "Partners' feeds of records",
        "linkage:feeds",
        GROUPS[1],
        "Upload an agency's records of children to link, and see how each feed was scored.",
    ),
    Page("make_contact", "Make a contact", "contacts:new", GROUPS[1], "Tell the front door about a child."),
    Page("your_contacts", "Your contacts", "contacts:mine", GROUPS[1], "Contacts you made, their status and feedback."),
    Page(
        "checks",
        "Checks for your agency",
        "contacts:checks",
        GROUPS[1],
        "What the front door has asked your agency about children.",
    ),
    Page(
        "service_timescales",
        "Service timescales",
        "dashboards:service",
        GROUPS[2],
        "Due dates across the service's teams, as counts.",
    ),
    Page("returns", "Statutory returns", "returns:index", GROUPS[2], "SSDA903, CIN census and Ofsted Annex A."),
    Page(
        "statistics", "Statistics", "returns:statistics", GROUPS[2], "The authority beside England and its neighbours."
    ),
    Page(
        "partnership",
        "Incidents and reviews",
        "partnership:home",
        GROUPS[3],
        "Serious incidents, rapid reviews and practice reviews.",
    ),
    Page(
        "recommendations",
        "Recommendations",
        "partnership:tracker",
        GROUPS[3],
        "The practice reviews' recommendations: progress and what is overdue.",
    ),
    Page(
        "yearly_reports",
        "Yearly reports",
        "partnership:reports",
        GROUPS[3],
        "The partnership's yearly report: its figures, versions, approval and publication.",
    ),
    Page(
        "partnership_requests",
        "Partnership requests",
        "partnership:requests",
        GROUPS[3],
        "What the safeguarding partnership has asked your agency about serious incidents.",
    ),
    Page("audit", "Audit report", "audit:report", GROUPS[4], "Who looked at or changed which records."),
    Page("accounts", "Accounts", "accounts", GROUPS[4], "Make accounts, reset passwords and authenticator apps."),
    Page("admin", "Administration", "admin:index", GROUPS[4], "Threshold documents, code lists and timescale rules."),
)

PAGES_BY_KEY = {page.key: page for page in PAGES}


@dataclass(frozen=True)
class Home:
    """Where a role starts (a URL name), and the pages it sees in the navigation bar after
    "Home" (at most three, so that the bar fits one row at 1,280 px with "More")."""

    start: str
    bar: tuple[str, ...] = ()


# Where each role starts.
HOMES: dict[str, Home] = {
    Role.SOCIAL_WORKER: Home("caseloads:mine", ("search", "timescales")),
    Role.TEAM_MANAGER: Home("caseloads:team", ("search", "caseload", "timescales")),
    Role.IRO: Home("caseloads:iro", ("search", "timescales")),
    Role.CONFERENCE_CHAIR: Home("dashboards:mine", ("search",)),
    Role.HEAD_OF_SERVICE: Home("dashboards:service", ("search", "approvals", "returns")),
    Role.MASH_PRACTITIONER: Home("frontdoor:queue", ("search",)),
    Role.MASH_MANAGER: Home("frontdoor:queue", ("search", "submissions")),
    Role.FAMILY_HELP_LEAD: Home("earlyhelp:mine", ("search", "make_contact")),
    Role.PARTNER_PRACTITIONER: Home("partner-home", ("search", "make_contact", "checks")),
    Role.ANALYST: Home("returns:index", ("returns", "statistics")),
    Role.ADMINISTRATOR: Home("accounts", ("accounts", "admin")),
    Role.USER_ADMINISTRATOR: Home("accounts", ("accounts",)),
    Role.PARTNERSHIP_OFFICER: Home("partnership:home", ("recommendations", "yearly_reports")),
    Role.SCRUTINEER: Home("partnership:home", ("recommendations", "yearly_reports")),
    Role.LEAD_PARTNER: Home("partnership:reports", ("partnership", "recommendations")),
    Role.EDUCATION_WELFARE_OFFICER: Home("education:team", ("education_team", "missing_education")),
}

# Start pages that depend on the team's function as well as the role (matched without case):
# personal advisers are social workers in a care leavers team.
TEAM_HOMES: dict[tuple[str, str], Home] = {
    (CARE_LEAVERS, Role.SOCIAL_WORKER): Home("leavingcare:list", ("search", "caseload", "timescales")),
}


def home_of(user: User) -> Home | None:
    """The user's home: by their team's function and role, else by their role."""
    return TEAM_HOMES.get((team_function(user), user.role)) or HOMES.get(user.role)
