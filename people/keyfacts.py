"""Key facts about a child: the one source of truth for what matters at a glance.

Missing now, on a child protection plan, looked after, a care leaver, a child in need, a
restricted record, alerts, unborn. The key-facts banner at the top of every page about a child,
the person's record and the caseloads all read them here, so that they never disagree.

Each stage registers a *provider* in its ``apps.py`` ``ready()`` (the person index is below the
stages, so it cannot import them): a function that takes a list of person ids and a day and
returns the facts it holds about each, in one query whatever the number of people. So
``facts_for`` costs one query a provider (and one for the access check, unless the caller has
already made it) for one child or for a caseload of hundreds.

Whether the viewer may see a person is decided by ``people.access`` (the one function): facts
are given only for people the viewer may see in full, never for an index entry or a record they
may not see.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from kernel.together import Part, Read, fetch_compiled, fetch_together

from .access import Level, levels
from .models import Person, PersonAlert

if TYPE_CHECKING:
    from kernel.access import AnyUser


# The kinds of fact, in the order the banner shows them (most urgent first).
ORDER = (
    "missing",
    "restricted",
    "alert",
    "exploitation-risk",
    "cp_plan",
    "looked_after",
    "child_in_need",
    "care_leaver",
    "nrm",
    "unborn",
)
# The kinds that are a current involvement with the child (the record's "Current involvement"
# lists them, with who holds them); the others are warnings about the child, shown in the banner.
INVOLVEMENT_KINDS = ("cp_plan", "looked_after", "child_in_need", "care_leaver")
# A fact that says more makes another redundant in the banner: a child on a plan or in care is
# a child in need too, but the tag to show is the plan or the care.
SUPERSEDED_BY = {"child_in_need": {"cp_plan", "looked_after"}}


@dataclass(frozen=True)
class Fact:
    """One key fact about a person, in plain words first.

    ``label`` is the tag ("Missing now"), ``detail`` the sentence after it ("since 21:40 on
    5 December 2026, police reference MP/123"), ``code`` a secondary code where it helps (the
    CP category "N", the legal status "C2"), ``since`` the day it began (for sorting and
    "since" columns), ``colour`` a GOV.UK tag colour, ``urgent`` whether it is a warning
    (shown in red, first, and announced). ``holders`` are the people who hold it for the child
    now, as (role, name) pairs: the independent reviewing officer of the open period of care, the
    personal adviser, the plan's lead practitioner. ``covers`` are the kinds of
    ``people.Involvement`` whose holder the fact names already (the IRO's involvement, the
    personal adviser's), which the record's "Current involvement" leaves out so that the holder
    is listed once."""

    kind: str
    label: str
    detail: str = ""
    code: str = ""
    since: datetime.date | None = None
    colour: str = "blue"
    urgent: bool = False
    url: str = ""
    holders: tuple[tuple[str, str], ...] = ()
    covers: tuple[str, ...] = ()

    @property
    def order(self) -> int:
        return ORDER.index(self.kind) if self.kind in ORDER else len(ORDER)


@dataclass
class KeyFacts:
    """The facts about one person that the viewer may see, in banner order."""

    person_id: int
    facts: list[Fact] = field(default_factory=list)

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts)

    def __bool__(self) -> bool:
        return bool(self.facts)

    def __len__(self) -> int:
        return len(self.facts)

    def of(self, kind: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.kind == kind]

    def has(self, kind: str) -> bool:
        return any(fact.kind == kind for fact in self.facts)

    @property
    def urgent(self) -> list[Fact]:
        return [fact for fact in self.facts if fact.urgent]

    @property
    def kinds(self) -> set[str]:
        return {fact.kind for fact in self.facts}


Reads = Mapping[str, Read]
Rows = Mapping[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Provider:
    """Where a stage's key facts come from: ``reads(person ids, day)`` names the reads it needs
    (kernel.together.Read: a queryset and its fields), and ``build(rows, day)`` makes the facts
    from their rows. ``facts_for`` sends every provider's reads as one query; called on its own,
    a provider makes one query too."""

    reads: Callable[[Sequence[int], datetime.date], Reads]
    build: Callable[[Rows, datetime.date], Mapping[int, list[Fact]]]

    def __call__(self, person_ids: Sequence[int], day: datetime.date) -> Mapping[int, list[Fact]]:
        if not person_ids:
            return {}
        return self.build(fetch_compiled([self.part(person_ids, day)])[(self, day)], day)

    def part(self, person_ids: Sequence[int], day: datetime.date) -> Part:
        """Its reads as a part of kernel.together.fetch_compiled: they depend on the ids and the
        day only, so they are compiled once a day for each number of children."""
        return ((self, day), person_ids, lambda ids: self.reads(ids, day))


_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register a provider of key facts under a name (its app's), replacing any before it."""
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


def facts_for(
    user: AnyUser,
    people: Iterable[Person],
    on: datetime.date | None = None,
    *,
    checked: bool = False,
) -> dict[int, KeyFacts]:
    """{person id: KeyFacts} for the people the user may see in full; the others get none.

    ``checked=True`` says the caller has already decided, through ``people.access``, that the
    user may see every one of these people in full (``person_for(..., at_least=Level.FULL)``
    sets ``access_level`` on the person; a caseload built from ``levels``). Otherwise the access
    check is made here, in a fixed number of queries."""
    people = list(people)
    day = on or timezone.localdate()
    if not people:
        return {}
    if checked:
        full = [p.pk for p in people]
    else:
        known: dict[int, int] = {p.pk: p.access_level for p in people if hasattr(p, "access_level")}
        unknown = [p for p in people if p.pk not in known]
        if unknown:
            known.update(levels(user, unknown))
        full = [p.pk for p in people if known[p.pk] >= Level.FULL]
    result = {p.pk: KeyFacts(p.pk) for p in people}
    if not full:
        return result
    # Every provider's reads in one query.
    rows = fetch_compiled([provider.part(full, day) for provider in _providers.values()])
    for provider in _providers.values():
        for person_id, facts in provider.build(rows[(provider, day)], day).items():
            if person_id in result:
                result[person_id].facts.extend(facts)
    for key_facts in result.values():
        _in_banner_order(key_facts)
    return result


def _in_banner_order(key_facts: KeyFacts) -> None:
    """Leave out the facts another says more than, and put the rest in the banner's order."""
    kinds = key_facts.kinds
    key_facts.facts = [f for f in key_facts.facts if not SUPERSEDED_BY.get(f.kind, set()) & kinds]
    key_facts.facts.sort(key=lambda fact: (fact.order, fact.since or datetime.date.min))


def key_facts(user: AnyUser, person: Person, on: datetime.date | None = None) -> KeyFacts:
    """The key facts about one person that this user may see."""
    return facts_for(user, [person], on)[person.pk]


def worker_name(first_name: str, last_name: str, username: str) -> str:
    """A user's name as the pages show it, from the values a provider read in its one query."""
    return f"{first_name} {last_name}".strip() or username


# --- The person index's own facts ---------------------------------------------------------


def _person_reads(person_ids: Sequence[int], day: datetime.date) -> Reads:
    """The people restricted or unborn, and the current alerts."""
    return {
        "people": Read(
            Person.objects.filter(pk__in=person_ids).filter(
                Q(restricted=True) | Q(date_of_birth__isnull=True, expected_date_of_birth__isnull=False)
            ),
            ("pk", "restricted", "date_of_birth", "expected_date_of_birth"),
        ),
        "alerts": Read(
            PersonAlert.objects.filter(person_id__in=person_ids, start_date__lte=day).exclude(end_date__lt=day),
            ("person_id", "kind", "detail", "start_date", "pk"),
        ),
    }


def _person_facts(rows: Rows, day: datetime.date) -> dict[int, list[Fact]]:
    """Restricted record, unborn, and current alerts."""
    result: dict[int, list[Fact]] = {}
    for pk, restricted, dob, expected in rows["people"]:
        facts = result.setdefault(pk, [])
        if restricted:
            facts.append(
                Fact(
                    "restricted",
                    "Restricted record",
                    "Only the people named on the restriction may see it",
                    colour="purple",
                )
            )
        if dob is None and expected is not None:
            facts.append(Fact("unborn", "Unborn", f"expected {expected:%-d %B %Y}", since=None, colour="grey"))
    labels = dict(PersonAlert.Kind.choices)
    for pk, kind, detail, start, _ in sorted(rows["alerts"], key=lambda row: (row[3], row[4])):
        result.setdefault(pk, []).append(
            Fact(
                "alert",
                str(labels.get(kind, kind)),
                detail,
                since=start,
                colour="red" if kind in {"risk_to_staff", "risk_to_children"} else "orange",
                urgent=kind in {"risk_to_staff", "risk_to_children"},
            )
        )
    return result


person_facts = Provider(_person_reads, _person_facts)


# --- Links from the record to each stage's own record of the child ------------------------


@dataclass(frozen=True)
class Link:
    """A link from the child's record to a stage's own record of them ("Care leaver record"),
    with a status after it where the stage has one ("Education: Northmoor Academy")."""

    label: str
    url: str
    status: str = ""


@dataclass(frozen=True)
class LinkProvider:
    """A stage's link from the record: ``reads(user, person id, day)`` names its reads (none
    when the user's rules do not open the stage's pages), ``build(rows, person id)`` the links."""

    reads: Callable[[AnyUser, int, datetime.date], Reads]
    build: Callable[[Rows, int], list[Link]]

    def __call__(self, user: AnyUser, person_id: int, day: datetime.date | None = None) -> list[Link]:
        reads = self.reads(user, person_id, day or timezone.localdate())
        return self.build(fetch_together(reads), person_id) if reads else []


_links: dict[str, LinkProvider] = {}


def register_link(name: str, provider: LinkProvider) -> None:
    """Register a stage's link from the record under a name (its app's), in ``ready()``."""
    _links[name] = provider


def _link_part(link: LinkProvider, user: AnyUser, person_id: int, day: datetime.date, who: Hashable) -> Part:
    def reads(ids: list[int]) -> Reads:
        return link.reads(user, ids[0], day)

    return ((link, day, who), [person_id], reads)


def facts_and_links(user: AnyUser, person: Person, on: datetime.date | None = None) -> tuple[KeyFacts, list[Link]]:
    """The key facts about a person the user may see in full (``person_for`` made the check and
    set ``access_level``) and the links from their record, in one query."""
    facts, links, _ = facts_links_and(user, person, (), on)
    return facts, links


def facts_links_and(
    user: AnyUser, person: Person, also: Sequence[Part], on: datetime.date | None = None
) -> tuple[KeyFacts, list[Link], dict[Hashable, dict[str, list[tuple[Any, ...]]]]]:
    """``facts_and_links``, with the caller's own reads (``also``: parts of
    kernel.together.fetch_compiled) in the same query: the facts, the links, and every part's
    rows by its key (the child's record reads its details with them, people.selectors)."""
    day = on or timezone.localdate()
    facts = KeyFacts(person.pk)
    child = person.kind == Person.Kind.CHILD
    full = getattr(person, "access_level", Level.NONE) >= Level.FULL
    parts: list[Part] = list(also)
    if child:
        # A link's reads depend on the user's rules: compiled once a day for each user.
        who = (getattr(user, "pk", None), getattr(user, "role", ""), getattr(user, "agency_id", None))
        parts += [_link_part(link, user, person.pk, day, who) for link in _links.values()]
    if full:
        parts += [provider.part([person.pk], day) for provider in _providers.values()]
    rows = fetch_compiled(parts)
    links: list[Link] = []
    if child:
        for link in _links.values():
            found = rows[(link, day, who)]
            if found:
                links.extend(link.build(found, person.pk))
    if full:
        for provider in _providers.values():
            facts.facts.extend(provider.build(rows[(provider, day)], day).get(person.pk, []))
        _in_banner_order(facts)
    return facts, links, rows
