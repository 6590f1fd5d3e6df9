"""Several reads in one query: each read's rows come back through one UNION ALL.

A page that needs a handful of small reads (the key facts about a child: an open missing
episode, a plan, a period of care, ...) pays for each one twice over: the ORM builds its SQL
(about 0.4 ms of Python) and the database answers it (a round trip). ``fetch_together`` sends
them as one statement instead. Each read is a queryset and the fields (or expressions) it
wants, as for ``values_list``; each row comes back as one JSON array, tagged with its read's
name, and is turned back into Python values with the types the fields have (dates, times,
booleans, decimals), on PostgreSQL and SQLite alike.

A read may filter, join, annotate and aggregate as any queryset does, but not order or slice
(SQLite cannot order inside a compound statement): sort in Python what needs an order, from
the fields read. A read with no rows costs nothing more.

    rows = fetch_together({
        "plans": Read(ChildProtectionPlan.objects.filter(person_id__in=ids), ("pk", "person_id", "start_date")),
        "periods": Read(PeriodOfCare.objects.filter(person_id__in=ids), ("pk", "person_id", "start_date")),
    })
    rows["plans"]  # [(12, 4, datetime.date(2026, 3, 1)), ...]
"""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import models
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import JSONArray
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from kernel.compiled import prepared_cursor

Field = str | Combinable


@dataclass(frozen=True)
class Read:
    """One read: the rows of `queryset`, each as the tuple of `fields` (field names with
    lookups, like values_list's, or expressions)."""

    queryset: QuerySet[Any]
    fields: Sequence[Field]


def _as_date(value: Any) -> datetime.date | None:
    return None if value is None else parse_date(str(value)[:10])


def _as_datetime(value: Any) -> datetime.datetime | None:
    if value is None:
        return None
    moment = parse_datetime(str(value))
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)  # SQLite keeps UTC without an offset
    return moment


def _as_time(value: Any) -> datetime.time | None:
    return None if value is None else parse_time(str(value))


def _as_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _as_decimal(value: Any) -> decimal.Decimal | None:
    return None if value is None else decimal.Decimal(str(value))


def _converter(field: models.Field[Any, Any] | None) -> Callable[[Any], Any] | None:
    if field is None:
        return None
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        return _as_datetime
    if internal == "DateField":
        return _as_date
    if internal == "TimeField":
        return _as_time
    if internal == "BooleanField":
        return _as_bool
    if internal == "DecimalField":
        return _as_decimal
    if internal == "JSONField":
        return lambda value: json.loads(value) if isinstance(value, str) else value
    return None


Converters = list[Callable[[Any], Any] | None]
# A member of the UNION that gives no rows.
_NOTHING = "SELECT CAST(NULL AS text) AS _together_read, CAST(NULL AS jsonb) AS _together_row WHERE 1 = 0"


def _compiled_read(name: str, read: Read) -> tuple[str, tuple[Any, ...], Converters]:
    """The read's SQL selecting (name, JSON array of its fields), its parameters, and a
    converter per field."""
    expressions = [F(field) if isinstance(field, str) else field for field in read.fields]
    queryset = read.queryset.annotate(_together_read=Value(name), _together_row=JSONArray(*expressions))
    converters: Converters = []
    for expression in queryset.query.annotations["_together_row"].get_source_expressions():
        try:
            converters.append(_converter(expression.output_field))
        except Exception:  # noqa: BLE001 - an expression of mixed types: left as the JSON gives it
            converters.append(None)
    try:
        sql, params = queryset.order_by().values_list("_together_read", "_together_row").query.sql_with_params()
    except EmptyResultSet:  # a read that can match nothing (.none(), an empty IN list)
        return _NOTHING, (), converters
    return sql, tuple(params), converters


def _run(members: Sequence[tuple[str, tuple[Any, ...], Converters]]) -> list[list[tuple[Any, ...]]]:
    """The rows of each member (its SQL, parameters and converters), read as one UNION ALL."""
    found: list[list[tuple[Any, ...]]] = [[] for _ in members]
    if not members:
        return found
    sql = " UNION ALL ".join(
        f"SELECT {n} AS part, * FROM ({member[0]}) AS part_{n}" for n, member in enumerate(members)
    )
    with prepared_cursor() as cursor:
        cursor.execute(sql, [param for member in members for param in member[1]])
        rows = cursor.fetchall()
    for number, _, row in rows:
        converters = members[number][2]
        if isinstance(row, str):
            row = json.loads(row)
        found[number].append(
            tuple(value if convert is None else convert(value) for convert, value in zip(converters, row, strict=True))
        )
    return found


def fetch_together(reads: Mapping[str, Read]) -> dict[str, list[tuple[Any, ...]]]:
    """{read name: its rows as tuples}, from one query whatever the number of reads."""
    names = list(reads)
    return dict(zip(names, _run([_compiled_read(name, reads[name]) for name in names]), strict=True))


def fetch_each(reads: Mapping[str, Read]) -> dict[str, list[tuple[Any, ...]]]:
    """The same rows as fetch_together, one plain query a read: for reads of many rows (a
    nightly batch), where a query each costs less than turning every row into JSON."""
    return {name: list(read.queryset.order_by().values_list(*read.fields)) for name, read in reads.items()}


# --- Reads compiled once ----------------------------------------------------------------------
#
# Building and compiling a read's SQL costs more Python than the database takes to answer it
# (a child's key facts: about 8 ms of ORM work for 3 ms in PostgreSQL). Reads that depend only
# on a list of ids and values fixed by a key (the day, the settings) are compiled once per key
# and number of ids, with stand-in ids, and later calls put their own ids in their place.

# Stand-in ids: far below any id the database issues (ids are positive).
_STAND_IN = -7_340_000_000_000
# Each read compiled: (read name, SQL, parameters, the places of the stand-in ids, converters).
Compiled = list[tuple[str, str, tuple[Any, ...], tuple[int, ...], Converters]]
_compiled: dict[Hashable, Compiled] = {}
_COMPILED_MAX = 2000


def _forget_compiled(**kwargs: Any) -> None:
    _compiled.clear()


setting_changed.connect(_forget_compiled)


def _compile(make_reads: Callable[[list[int]], Mapping[str, Read]], count: int) -> Compiled | None:
    """[(read name, SQL, parameters, the places of the stand-in ids, converters)], or None when a
    stand-in id does not come out as a parameter of its own (then the reads are not kept)."""
    stand_ins = [_STAND_IN - n for n in range(count)]
    wanted = set(stand_ins)
    compiled = []
    seen: set[int] = set()
    for name, read in make_reads(stand_ins).items():
        sql, params, converters = _compiled_read(name, read)
        slots = tuple(n for n, param in enumerate(params) if type(param) is int and param in wanted)
        if any(isinstance(param, (list, tuple, set, str)) and str(_STAND_IN)[:8] in str(param) for param in params):
            return None
        seen.update(params[n] for n in slots)
        compiled.append((name, sql, params, slots, converters))
    if compiled and seen != wanted:
        return None
    return compiled


# A part of fetch_compiled: (its key, the ids, the reads for those ids).
Part = tuple[Hashable, Sequence[int], Callable[[list[int]], Mapping[str, Read]]]


def fetch_compiled(parts: Sequence[Part]) -> dict[Hashable, dict[str, list[tuple[Any, ...]]]]:
    """{part key: {read name: rows}} for several parts in one query. Each part is (key, ids,
    make_reads): `make_reads(ids)` must depend on nothing but the ids and what `key` names (the
    day, the user): its reads are compiled once per key and number of ids. The cache is cleared
    when a setting changes (tests' override_settings)."""
    members: list[tuple[str, tuple[Any, ...], Converters]] = []
    places: list[tuple[Hashable, str]] = []
    result: dict[Hashable, dict[str, list[tuple[Any, ...]]]] = {}
    for key, ids, make_reads in parts:
        ids = list(ids)
        cache_key = (key, len(ids))
        compiled = _compiled.get(cache_key)
        if compiled is None:
            compiled = _compile(make_reads, len(ids))
            if compiled is None:  # not compilable once: compile for these ids
                compiled = [
                    (name, sql, params, (), converters)
                    for name, read in make_reads(ids).items()
                    for sql, params, converters in [_compiled_read(name, read)]
                ]
            else:
                if len(_compiled) >= _COMPILED_MAX:
                    _compiled.clear()
                _compiled[cache_key] = compiled
        by_stand_in = {_STAND_IN - n: pk for n, pk in enumerate(ids)}
        result[key] = {}
        for name, sql, params, slots, converters in compiled:
            if slots:
                filled = list(params)
                for n in slots:
                    filled[n] = by_stand_in[filled[n]]
                params = tuple(filled)
            places.append((key, name))
            members.append((sql, params, converters))
    for (key, name), rows in zip(places, _run(members), strict=True):
        result[key][name] = rows
    return result
