"""The reads behind the homes: the partner's contacts and the checks waiting for their agency."""

from dataclasses import dataclass

from frontdoor import selectors as frontdoor
from frontdoor.models import AgencyCheck, Contact, ContactPerson
from partners.models import User

# How many of each the partner's home lists; the full lists are a link away.
PARTNER_HOME_ROWS = 10


@dataclass
class PartnerWork:
    contacts: list[Contact]  # the latest, with `people` (the children they are about) and `feedback`
    contacts_total: int
    checks: list[AgencyCheck]  # the soonest due, with `contact.children`
    checks_total: int


def partner_work(user: User, rows: int = PARTNER_HOME_ROWS) -> PartnerWork:
    """The partner's own contacts (those they or their agency made: frontdoor.selectors.own_contacts)
    and the open checks addressed to their agency, in a fixed number of queries."""
    contacts = frontdoor.own_contacts_listed(user)
    checks = frontdoor.checks_for_agency(user)
    return PartnerWork(
        contacts=list(contacts[:rows]),
        contacts_total=contacts.count(),
        checks=list(checks.prefetch_related(frontdoor.check_children_prefetch())[:rows]),
        checks_total=checks.count(),
    )


def children_asked_about(check: AgencyCheck) -> list[ContactPerson]:
    """The children of a check's contact, as partner_work prefetched them."""
    children: list[ContactPerson] = check.contact.children  # type: ignore[attr-defined]  # to_attr of the prefetch
    return children
