"""Need-to-know: which children's records a user may see, and how much of them.

Three levels:

- FULL: the whole record. Local-authority case staff whose team (or who themselves) are
  involved with the child; heads of service for every child; Family Help lead practitioners
  and partner practitioners for children their team, themselves or their agency are involved
  with ("shared with their agency"); the education team (education welfare officers) for
  children their team is involved with; anyone with an open break-glass on the child.
- INDEX: other children, for local-authority case staff and the education team only: name,
  date of birth, current involvement and allocated worker, with the break-glass path to open
  the record (not for the education team, whose rules open only the education pages).
- NONE: the record does not exist for this user (404). Analysts (aggregates only) and system
  administrators see no child; a restricted record exists only for its named users, even
  in search.

A time-limited grant from another part of the service (`register_grant`: the auditors named on
a live multi-agency audit, partnership.audits) gives the full record of the children it names,
to the partnership's business unit and scrutineer too, while it lasts; a restricted child only
to a user named on the restriction.

Whether a person may be *named* to a user at all (in a list, a count, a household, an audit
entry, a return's checks...) is decided by `shown` (and, inside a query, `shown_filter`), which
hold the restriction rule once: a restricted person is named only to the users named on the
restriction. `levels` builds on it, so there is no second copy of the rule.
"""

import datetime
from collections.abc import Callable, Collection, Iterable
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.conf import settings
from django.db import connection
from django.db.models import Case, Exists, Model, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest
from django.utils import timezone

from audit import services as audit
from kernel.compiled import Shaped, among, prepared_cursor
from partners.access import CASE_ROLES, EDUCATION_ROLES, RECORD_READERS, is_local_authority_staff
from partners.models import User

from .models import BreakGlass, Involvement, Person, RestrictedAccess

if TYPE_CHECKING:
    from kernel.access import AnyUser

T = TypeVar("T")
M = TypeVar("M", bound=Model)


class Level(IntEnum):
    NONE = 0
    INDEX = 1
    FULL = 2


def break_glass_minutes() -> int:
    return getattr(settings, "BREAK_GLASS_MINUTES", 60)


def _involvements_of(user: User, today: datetime.date | None = None) -> QuerySet[Involvement]:
    """The open involvements that give this user the full record: their own, their team's
    and, for a partner practitioner, their agency's (open on `today`, by default today)."""
    condition = Q(worker=user)
    if user.team_id:
        condition |= Q(team_id=user.team_id)
    if getattr(user, "role", None) == User.Role.PARTNER_PRACTITIONER and user.agency_id:
        condition |= Q(agency_id=user.agency_id)
    today = today or datetime.date.today()
    return Involvement.objects.filter(condition).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def _open_break_glass(
    user: User, ids: Iterable[int] | Any, now: datetime.datetime | None = None
) -> QuerySet[BreakGlass]:
    return BreakGlass.objects.filter(user=user, person_id__in=ids, expires_at__gt=now or timezone.now())


# Time-limited grants of the full record made elsewhere (registered at start-up, so this module
# imports none of them): each takes a user and gives a query of rows with a `person` whose full
# record the user holds now (or on the day given as `today`). The grant reaches the partnership's
# readers, who otherwise see none.
GRANT_SOURCES: list[Callable[..., QuerySet[Any]]] = []
GRANTEE_ROLES = frozenset({User.Role.PARTNERSHIP_OFFICER, User.Role.SCRUTINEER})


def register_grant(source: Callable[..., QuerySet[Any]]) -> None:
    if source not in GRANT_SOURCES:
        GRANT_SOURCES.append(source)


def _granted_parts(user: User, ids: Iterable[int] | Any, today: datetime.date | None = None) -> list[QuerySet[Any]]:
    ids = ids if isinstance(ids, RawSQL) else list(ids)
    return [
        source(user, today=today)
        .filter(person_id__in=ids)
        .annotate(via=Value("granted"))
        .values_list("person_id", "via")
        .order_by()
        for source in GRANT_SOURCES
    ]


def _granted_exists(user: User, today: datetime.date | None = None) -> Exists | Value:
    """Whether a grant names the person of the outer query (on `today`, by default today)."""
    if not GRANT_SOURCES or not _may_be_granted(user):
        return Value(False)
    condition = Exists(GRANT_SOURCES[0](user, today=today).filter(person=OuterRef("pk")))
    for source in GRANT_SOURCES[1:]:
        condition = condition | Exists(source(user, today=today).filter(person=OuterRef("pk")))  # type: ignore[assignment]
    return condition


def holds_grant(user: "AnyUser") -> bool:
    """Whether one of the partnership's readers (who read no child's record otherwise) holds a
    live grant of any child's record now (one query a grant source): it opens the pages that
    read a child's record (the rule `case_work`, see PeopleConfig.ready), where `levels` then
    gives the full record of the granted children only."""
    if not GRANT_SOURCES or getattr(user, "role", None) not in GRANTEE_ROLES:
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    # Asked once per request (the signed-in user is loaded for each request): the page's rule
    # and the navigation's links then share the answer. Only these two roles pay the query.
    known = getattr(user, "_holds_grant", None)
    if known is None:
        known = any(source(user).exists() for source in GRANT_SOURCES)
        setattr(user, "_holds_grant", known)  # noqa: B010 - a memo on this request's user
    return bool(known)


def with_levels(
    people: QuerySet[Person],
    user: "AnyUser",
    *,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Person]:
    """The people, each read with what `levels` needs to know about this user and them: whether
    the user is involved with them, holds an open break-glass or a grant on them, and (for a
    restricted record) is named on the restriction. `levels` (and so `keep_visible`) then decides
    from these, by the same rules, without a query of its own: a list of people read for a page
    (search results) costs one query, not two. Without a signed-in user nothing is added.
    `today` and `now` (by default the clock's) are for `with_levels_shaped`, which gives them as values."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return people
    now = now or timezone.now()
    return people.annotate(
        access_user=Value(user.pk),
        access_involved=Exists(_involvements_of(user, today).filter(person=OuterRef("pk"))),
        access_glass=Exists(BreakGlass.objects.filter(user=user, person=OuterRef("pk"), expires_at__gt=now)),
        access_granted=_granted_exists(user, today),
        access_named=Case(
            When(
                restricted=True,
                then=Exists(RestrictedAccess.objects.filter(person_id=OuterRef("pk"), user_id=user.pk)),
            ),
            default=Value(False),
        ),
    )


def access_shape(user: User) -> tuple[Any, ...]:
    """Everything about a signed-in user that decides the shape of `with_levels`' query (its
    role, whether it has a team, whether its agency's involvements count, the grants that may
    reach it); the rest are values (`access_values`). For `kernel.compiled.Shaped`."""
    role = getattr(user, "role", None)
    return (
        role,
        bool(user.team_id),
        role == User.Role.PARTNER_PRACTITIONER and bool(user.agency_id),
        tuple(GRANT_SOURCES) if _may_be_granted(user) else (),
    )


def access_values(user: User) -> tuple[int, int, int, datetime.date, datetime.datetime]:
    """The values of `with_levels`' query for this user: its id, team, agency, today and now."""
    return user.pk, user.team_id or 0, user.agency_id or 0, datetime.date.today(), timezone.now()


def with_levels_shaped(
    people: QuerySet[Person],
    shape: tuple[Any, ...],
    user_id: int,
    team_id: int,
    agency_id: int,
    today: datetime.date,
    now: datetime.datetime,
) -> QuerySet[Person]:
    """`with_levels` for the user these stand for (`access_shape`, `access_values`), built from
    them alone, as `kernel.compiled.Shaped` needs: never from the user object itself."""
    return with_levels(people, _stand_in_user(shape, user_id, team_id, agency_id), today=today, now=now)


def _stand_in_user(shape: tuple[Any, ...], user_id: int, team_id: int, agency_id: int) -> User:
    """A user made of the values of `access_values` in the shape of `access_shape`: what the
    shaped queries are built for, never the signed-in user object itself."""
    role, has_team, by_agency, _ = shape
    return User(
        pk=user_id,
        team_id=team_id if has_team else None,
        agency_id=agency_id if by_agency else None,
        role=role,
        is_active=True,
    )


_PERSON_WITH_LEVELS: Shaped[Person] = Shaped(
    lambda shape, person_id, *values: with_levels_shaped(Person.objects.filter(pk=person_id), shape, *values)[:1]
)


def _known_levels(user: "AnyUser", people: list[Person]) -> tuple[set[int], set[int], set[int], set[int]] | None:
    """(involved, open break-glass, granted, named on the restriction): what `with_levels` read
    with the people for this user, or None if it did not read them all."""
    if not all(getattr(p, "access_user", None) == user.pk for p in people):
        return None
    involved = {p.pk for p in people if getattr(p, "access_involved", False)}
    glass = {p.pk for p in people if getattr(p, "access_glass", False)}
    granted = {p.pk for p in people if getattr(p, "access_granted", False)}
    named = {p.pk for p in people if p.restricted and getattr(p, "access_named", False)}
    return involved, glass, granted, named


def _may_be_granted(user: "AnyUser") -> bool:
    """The partnership's readers, and everyone who reads children's records."""
    return getattr(user, "role", None) in GRANTEE_ROLES | RECORD_READERS | EDUCATION_ROLES


def shown_filter(user: "AnyUser", to_person: str = "") -> Q:
    """The restriction rule as a query condition: the rows whose person may be named to this
    user, for lists and counts made in the database. `to_person` is the path from the rows to
    the person ("person", "period__person"...), or "" for a query of people. A restricted
    person is kept only for the users named on the restriction (`RestrictedAccess`)."""
    prefix = f"{to_person}__" if to_person else ""
    condition = Q(**{f"{prefix}restricted": False})
    if getattr(user, "is_authenticated", False) and user.is_active:
        # Q | Exists is a Q (the stubs say a Combinable).
        condition |= Exists(  # type: ignore[assignment]
            RestrictedAccess.objects.filter(person_id=OuterRef(f"{prefix}id"), user_id=user.pk)
        )
    return condition


def shown(user: "AnyUser", people: Iterable[Person | int]) -> dict[int, bool]:
    """{person id: bool}: whether each person may be named to this user at all (their name,
    date of birth, a link to their record, or a count that gives them away). Takes people, or
    their ids. Only restriction hides a person here: how much of a record a user may open is
    `levels`. One query at most, and none when no one given is restricted."""
    people = list(people)
    if not people:
        return {}
    ids = [cast(int, getattr(p, "pk", p)) for p in people]
    if all(isinstance(p, Person) for p in people):
        suspects = [p.pk for p in people if isinstance(p, Person) and p.restricted]
    else:
        suspects = ids
    hidden = (
        set(Person.objects.filter(pk__in=suspects).exclude(shown_filter(user)).values_list("pk", flat=True))
        if suspects
        else set()
    )
    return {pk: pk not in hidden for pk in ids}


def _person_of(item: Any) -> Person:
    return item.person  # type: ignore[no-any-return]


def only_shown(user: "AnyUser", items: Iterable[T], person: Callable[[T], Person | int] = _person_of) -> list[T]:
    """The items (household links, relatives, rows of a list...) whose person may be named to
    this user, in the same order. `person` gives an item's person (or person id)."""
    items = list(items)
    found = shown(user, [person(item) for item in items])
    return [item for item in items if found[cast(int, getattr(person(item), "pk", person(item)))]]


def _granted_only(user: User, people: list[Person]) -> dict[int, Level]:
    """The levels of a user who reads no record but through a grant (the partnership's readers):
    the full record of a grant's children, found in one query."""
    parts = _granted_parts(user, [p.pk for p in people])
    found = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    granted = {pk for pk, _ in found}
    visible = shown(user, [p for p in people if p.restricted])
    return {p.pk: Level.FULL if p.pk in granted and (not p.restricted or visible[p.pk]) else Level.NONE for p in people}


def levels(user: "AnyUser", people: Iterable[Person]) -> dict[int, Level]:
    """{person id: Level} for a list of people, in a fixed number of queries: none when the
    people were read `with_levels` for this user."""
    people = list(people)
    if not people:
        return {}
    if not user.is_authenticated or not user.is_active:
        return {p.pk: Level.NONE for p in people}
    role = getattr(user, "role", None)
    # The education team are local-authority staff too: an index entry of any child, the full
    # record (of the pages their rules open) for the children their team is involved with.
    la_case_staff = role in CASE_ROLES | EDUCATION_ROLES and is_local_authority_staff(user)
    readers = la_case_staff or role in {User.Role.FAMILY_HELP_LEAD, User.Role.PARTNER_PRACTITIONER}
    grantee = bool(GRANT_SOURCES) and (readers or _may_be_granted(user))
    if not readers and not grantee:
        return {p.pk: Level.NONE for p in people}
    # Break glass matters only for local-authority case staff, on children they would
    # otherwise see in the index.
    may_break_glass = la_case_staff and role not in {User.Role.HEAD_OF_SERVICE, *EDUCATION_ROLES}
    known = _known_levels(user, people)
    if known is not None:
        # Read with the people (with_levels): the same facts the queries below find.
        involved, open_glass, known_grants, named = known
        granted = known_grants if grantee else set()
        visible = {p.pk: p.pk in named for p in people if p.restricted}
        glass = set(granted) | (open_glass if may_break_glass else set())
        if not readers:
            return {
                p.pk: Level.FULL if p.pk in granted and (not p.restricted or visible[p.pk]) else Level.NONE
                for p in people
            }
    elif not readers:
        return _granted_only(user, people)
    else:
        visible = shown(user, [p for p in people if p.restricted])
        involved, glass = _involved_and_glass(user, people, may_break_glass, grantee)
    result = {}
    for person in people:
        if person.restricted:
            result[person.pk] = Level.FULL if visible[person.pk] else Level.NONE
        elif person.pk in involved or person.pk in glass:
            result[person.pk] = Level.FULL
        elif la_case_staff and role == User.Role.HEAD_OF_SERVICE:
            result[person.pk] = Level.FULL
        elif la_case_staff:
            result[person.pk] = Level.INDEX
        else:
            result[person.pk] = Level.NONE
    return result


def _involved_and_glass(
    user: User, people: list[Person], may_break_glass: bool, grantee: bool
) -> tuple[set[int], set[int]]:
    """(the ids of the people the user is involved with, those they hold an open break-glass or
    a grant on), in one query: on PostgreSQL its SQL made once per connection and shape of user,
    the ids one array parameter."""
    ids = [p.pk for p in people]
    if connection.vendor == "postgresql":
        sql, params = _ACCESS_ROWS.sql((access_shape(user), may_break_glass, grantee), ids, *access_values(user))
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    else:
        rows = list(_access_rows(user, ids, may_break_glass, grantee))
    return {pk for pk, via in rows if via == "involved"}, {pk for pk, via in rows if via in ("glass", "granted")}


def _access_rows(
    user: User,
    among: Any,
    may_break_glass: bool,
    grantee: bool,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Any]:
    """(person id, "involved" | "glass" | "granted") for the people `among` (ids, or a
    subquery of them) the user is involved with, holds an open break-glass or a grant on."""
    found = (
        _involvements_of(user, today)
        .filter(person_id__in=among)
        .annotate(via=Value("involved"))
        .values_list("person_id", "via")
        .order_by()
    )
    if may_break_glass:
        found = found.union(
            _open_break_glass(user, among, now).annotate(via=Value("glass")).values_list("person_id", "via").order_by(),
            all=True,
        )
    if grantee:
        found = found.union(*_granted_parts(user, among, today), all=True)
    return found


def _shaped_access_rows(
    shape: tuple[Any, bool, bool],
    ids: list[int],
    user_id: int,
    team_id: int,
    agency_id: int,
    today: datetime.date,
    now: datetime.datetime,
) -> QuerySet[Any]:
    user_shape, may_break_glass, grantee = shape
    stand_in = _stand_in_user(user_shape, user_id, team_id, agency_id)
    return _access_rows(stand_in, among(ids), may_break_glass, grantee, today, now)


_ACCESS_ROWS: Shaped[Any] = Shaped(_shaped_access_rows)


def level(user: "AnyUser", person: Person) -> Level:
    return levels(user, [person])[person.pk]


def keep_visible(
    user: "AnyUser", items: Collection[T], at_least: Level = Level.INDEX, person: Callable[[T], Person] = _person_of
) -> list[T]:
    """The items (search hits, duplicate candidates...) whose person this user may see at
    `at_least` (by default: exists for them at all), in the same order."""
    found = levels(user, [person(item) for item in items])
    return [item for item in items if found[person(item).pk] >= at_least]


def person_for(user: "AnyUser", person_id: int | str, at_least: Level = Level.FULL) -> Person:
    """The person, if the user may see them at this level; otherwise 404, which reveals nothing
    (not even whether the record exists). `person.access_level` says how much they may see.

    One query: the person read `with_levels` for the user, its SQL made once per database
    connection and shape of user (`kernel.compiled.Shaped`), so `levels` needs no query."""
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        pk = 0
    person: Person | None = None
    if not 0 < pk < 2**63:
        pass  # no such record: not a whole number, or not an id the database could hold
    elif user.is_authenticated and user.is_active:
        found_people = _PERSON_WITH_LEVELS.run(access_shape(user), pk, *access_values(user))
        person = found_people[0] if found_people else None
    else:
        person = Person.objects.filter(pk=pk).first()
    found = Level.NONE if person is None else levels(user, [person])[person.pk]
    if person is not None and person.merged_into_id is not None:
        _merged(user, person, str(person_id)[:40], at_least)
    if person is None or found < at_least:
        raise RecordNotVisible(person.pk if person else None, str(person_id)[:40], at_least)
    person.access_level = found
    return person


def _merged(user: "AnyUser", tombstone: Person, asked_for: str, at_least: Level) -> None:
    """A tombstone's pages lead to the record it was merged into (RecordMerged), for a user who
    may see that record; to anyone else it does not exist."""
    survivor = Person.objects.filter(pk=tombstone.merged_into_id or 0).first()
    if survivor is None or levels(user, [survivor])[survivor.pk] < Level.INDEX:
        raise RecordNotVisible(tombstone.pk, asked_for, at_least)
    raise RecordMerged(tombstone.pk, survivor.pk)


class RecordNotVisible(Http404):
    """A 404 that reveals nothing to the user, and is audited (by audit.middleware, after the
    request's transaction has been rolled back, so the audit entry is kept)."""

    def __init__(self, person_id: int | None, asked_for: str, level_needed: Level) -> None:
        super().__init__("No such record")
        self.person_id = person_id
        self.detail = {"asked_for": asked_for, "level_needed": level_needed.name.lower()}

    def defer_audit(self, request: HttpRequest) -> None:
        audit.defer(
            request,
            request.user,
            "denied",
            person=self.person_id,
            summary="Refused: a record that does not exist or is not theirs to see",
            detail={**self.detail, "path": request.path[:200]},
        )


class RecordMerged(Http404):
    """A request for a tombstone's page (a record merged into another, people.merging): the
    merging middleware sends the user to the survivor's record, and the request is audited (by
    ``defer_audit``, after the request's transaction has ended). Outside a page (the API) it is
    the usual 404."""

    def __init__(self, tombstone_id: int, survivor_id: int) -> None:
        super().__init__("This record was merged into another")
        self.tombstone_id = tombstone_id
        self.survivor_id = survivor_id

    def defer_audit(self, request: HttpRequest) -> None:
        # Named as the record asked for (obj), not as a view of a person's record: nothing of it
        # was shown, so nothing listening to views (the sharing log's partner reads) counts it.
        audit.defer(
            request,
            request.user,
            "view",
            obj=Person(pk=self.tombstone_id),
            summary="Asked for a record merged into another: "
            + ("answered not found" if request.path.startswith("/api/") else "sent to that record"),
            detail={"survivor": self.survivor_id, "path": request.path[:200], "method": request.method},
        )


def open_break_glass(user: User, person: Person, reason: str) -> BreakGlass:
    """Open the full record of a child the user's team is not involved with, for a while."""
    if level(user, person) != Level.INDEX:
        raise PermissionError(
            "Break glass is only for local-authority case staff, on records they can see in the index"
        )
    glass = BreakGlass.objects.create(
        person=person,
        user=user,
        reason=reason,
        expires_at=timezone.now() + datetime.timedelta(minutes=break_glass_minutes()),
    )
    audit.record(
        user, "break_glass", obj=glass, person=person, summary="Opened a record by breaking the glass", reason=reason
    )
    return glass


def record_or_not_visible(model: type[M], record_id: int | str, *related: str) -> M:
    """A case record (an episode, a plan, a conference...) by id, or the same audited 404 as a
    child's record that does not exist; the caller then checks the child with `person_for`."""
    found = model._default_manager.filter(pk=record_id).select_related(*related).first()
    if found is None:
        raise RecordNotVisible(None, str(record_id)[:40], Level.FULL)
    return found
