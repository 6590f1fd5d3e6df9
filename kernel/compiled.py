"""Queries made many times a second, without the ORM building them each time.

`Compiled` keeps the SQL of a queryset, made once per database connection by the ORM itself,
and runs it again with other values: the rows become model instances (with their
select_related objects) by the ORM's own converters and populators, so the instances are the
ones the queryset would give. What is saved is building and compiling the query (about half a
millisecond of Python for a look-up of three tables), not the round trip.

`Shaped` does the same for a queryset whose shape (its tables, joins and conditions) depends
on more than its values, such as who is asking: the SQL is made once per connection and shape,
from stand-ins, and checked to be a faithful function of the values it is given (see its
docstring) before it is kept. `Compiled` is a `Shaped` query of one shape whose values are each
one parameter.

`insert_together` writes several new rows of different models in one statement on PostgreSQL
(an INSERT for each in the CTEs of one statement, which is atomic by itself: all the rows or
none), with the values the ORM would write (defaults, auto_now_add, each field's own
preparation). The caller gives every primary key that is not made by the database (see
`next_id`), since nothing is read back.
"""

import contextlib
import datetime
import functools
import json
import re
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import RawQuerySet, get_related_populators
from django.db.models.sql.query import RawQuery

M = TypeVar("M", bound=Model)


def _rows_to_instances(compiler: Any, rows: list[Any], using: str) -> list[Any]:
    """Model instances from a compiled queryset's rows, as its iterable would give them: the
    ORM's converters, the select_related populators and the annotations."""
    select, klass_info = compiler.select, compiler.klass_info
    model = klass_info["model"]
    first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[first:last]]
    populators = get_related_populators(klass_info, select, using)  # type: ignore[call-arg]  # Django 5.2's
    annotations = list(compiler.annotation_col_map.items())
    found = []
    for row in compiler.results_iter(results=[rows]):
        obj = model.from_db(using, names, row[first:last])
        for populator in populators:
            populator.populate(row, obj)
        for attr, position in annotations:
            setattr(obj, attr, row[position])
        found.append(obj)
    return found


# The stand-ins of `Shaped`, by kind: two sets, far from any real value, so that what each value
# reaches in the SQL can be told apart from everything else.
def _stand_in(kind: type, index: int, second: bool) -> Any:
    if kind is list:
        return [_stand_in(int, index, second)]
    if kind is int:
        return -(10**15) - index - (10**6 if second else 0)
    if kind is str:
        # With LIKE's special characters, so that a value the ORM escapes or changes (SQLite's
        # iexact, contains) is told apart from the stand-in and refused, not passed through raw.
        return f"\x01shaped_{'b' if second else 'a'}%{index}\\\x01"
    if kind is datetime.datetime:
        return datetime.datetime(1001 + index + (100 if second else 0), 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
    return datetime.date(1001 + index + (100 if second else 0), 2, 3)


def _kind(value: Any) -> type:
    if isinstance(value, list | tuple) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return list  # whole numbers as one array parameter (PostgreSQL's ANY(%s), unnest(%s))
    if isinstance(value, bool):
        raise TypeError("Shaped queries take whole numbers, text, dates and times; a yes or no is part of the shape")
    for kind in (int, str, datetime.datetime, datetime.date):  # a datetime is a date too: first
        if isinstance(value, kind):
            return kind
    raise TypeError("Shaped queries take whole numbers, text, dates, times and lists of whole numbers")


def _adapt(kind: type, value: Any, connection: Any) -> Any:
    """The value as the ORM passes it to the database driver (a date as text on SQLite; a list
    of whole numbers as an array on PostgreSQL, as JSON text on SQLite: see `among`)."""
    if kind is list:
        return _ids_parameter(value, connection)
    if kind is datetime.datetime:
        return connection.ops.adapt_datetimefield_value(value)
    if kind is datetime.date:
        return connection.ops.adapt_datefield_value(value)
    return value


# How many statements one connection keeps prepared (psycopg drops the least used beyond it).
PREPARED_PER_CONNECTION = 200


def prepared_cursor(using: str = DEFAULT_DB_ALIAS) -> Any:
    """A cursor whose statements PostgreSQL keeps parsed and planned, for queries run many times
    with other values (`Shaped`, `Compiled`, `kernel.together`): on PostgreSQL, a cursor that
    sends its values apart from the statement (psycopg's server-side binding) and prepares each
    statement the first time, once per connection and kinds of values. PostgreSQL then plans it
    afresh for its first five runs and afterwards keeps a generic plan only where that plan is
    no dearer than the fresh ones (plan_cache_mode auto). Everywhere else Django's own cursor,
    whose values psycopg writes into the statement as literals, so PostgreSQL parses and plans
    every statement anew (planning a child's record's one read took 4 of its 4.5 ms).

    Through Django's cursor wrapper, so that a query is counted and logged as any other.
    SQLite: Django's cursor."""
    connection: Any = connections[using]  # the backend's own wrapper (its _prepare_cursor)
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold != 0:
        # Only server-binding cursors prepare (Django's own ClientCursor never does), so this
        # makes only this function's statements prepared, from their first run.
        raw.prepare_threshold = 0
        raw.prepared_max = PREPARED_PER_CONNECTION
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(raw)  # type: ignore[call-arg]  # psycopg's Cursor(connection)
    connection.validate_thread_sharing()
    if connection.queries_logged:
        return _logged_prepared_cursor()(cursor, connection)
    return connection.make_cursor(cursor)


@functools.cache
def _logged_prepared_cursor() -> type:
    """Django's debug cursor for PostgreSQL, logging a prepared statement with its values
    written in (Django reads the statement psycopg sent, which for a prepared statement it does
    not keep)."""
    from django.db.backends.postgresql.base import CursorDebugWrapper

    class LoggedPreparedCursor(CursorDebugWrapper):
        @contextlib.contextmanager
        def debug_sql(
            self, sql: Any = None, params: Any = None, use_last_executed_query: bool = False, many: bool = False
        ) -> Iterator[None]:
            if use_last_executed_query and not many and sql is not None:
                try:
                    sql = self.db.ops.compose_sql(sql, params)
                except Exception:  # noqa: BLE001 - logged as written, without its values
                    pass
                use_last_executed_query = False
            with super().debug_sql(sql, params, use_last_executed_query, many):
                yield

    return LoggedPreparedCursor


class _PreparedRawQuery(RawQuery):
    """A raw query run with `prepared_cursor`."""

    def clone(self, using: str) -> "_PreparedRawQuery":
        return _PreparedRawQuery(self.sql, using, params=self.params)

    def _execute_query(self) -> None:
        adapt = connections[self.using].ops.adapt_unknown_value
        self.cursor = prepared_cursor(self.using)
        self.cursor.execute(self.sql, tuple(adapt(value) for value in self.params))


def prepared_raw(model: type[M], sql: str, params: Sequence[Any], using: str = DEFAULT_DB_ALIAS) -> RawQuerySet[M]:
    """``model.objects.raw(sql, params)``, run as a prepared statement (`prepared_cursor`): for
    raw SQL made once and run many times with other values."""
    query: Any = _PreparedRawQuery(sql, using, params=tuple(params))  # a RawQuery, which the stubs do not allow
    return RawQuerySet(sql, model=model, query=query, using=using)


def among(ids: Sequence[int], using: str = DEFAULT_DB_ALIAS) -> RawSQL:
    """``field__in=among(ids)``: the ids as one parameter, whatever their number, so that a
    `Shaped` query takes a list of whole numbers as one value (PostgreSQL: an array, unnested;
    SQLite: JSON text, through json_each)."""
    connection = connections[using]
    sql = "SELECT unnest(%s::bigint[])" if connection.vendor == "postgresql" else "SELECT value FROM json_each(%s)"
    return RawSQL(sql, [_ids_parameter(ids, connection)])


def _ids_parameter(ids: Sequence[int], connection: Any) -> Any:
    """Ids as `among`'s one parameter: a list (an array) on PostgreSQL, JSON text on SQLite."""
    return list(ids) if connection.vendor == "postgresql" else json.dumps([int(pk) for pk in ids])


# A date or time as SQLite's backend passes it (text): a parameter that looks like one and is not
# a value is refused, as a date is on PostgreSQL.
_LOOKS_LIKE_A_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}|$)")
_Slots = list[tuple[int, int]]  # (parameter position, value index)


class Shaped(Generic[M]):
    """``Shaped(lambda shape, person_id, user_id, today: <a queryset>)``, then
    ``.run(shape, person_id, user_id, today)``: the queryset's instances (with their
    annotations), or ``.sql(...)``: its (sql, params), made once per database connection and
    `shape` (a hashable saying everything but the values that decides the query: a role, whether
    a team is given...). `build` must take every value that may differ between two calls of the
    same shape as an argument, never from outside (a user object, the clock).

    Before the SQL is kept, the queryset is built twice, with two different sets of stand-ins,
    and refused (ValueError) unless the two differ only in the parameters the stand-ins became:
    a value that changes the SQL, a parameter that differs without being a stand-in (the clock
    read inside `build`), or a date or time not given as a value, are errors, not cached SQL."""

    def __init__(self, build: Callable[..., QuerySet[M]]):
        self.build = build

    def _compile(self, connection: Any, shape: Hashable, kinds: list[type]) -> tuple[Any, str, list[Any], _Slots]:
        made = []
        for second in (False, True):
            stand_ins = [_stand_in(kind, index, second) for index, kind in enumerate(kinds)]
            compiler = self.build(shape, *stand_ins).query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            made.append(
                (compiler, sql, list(params), [_adapt(k, v, connection) for k, v in zip(kinds, stand_ins, strict=True)])
            )
        (compiler, sql, params, first), (_, other_sql, other_params, second_set) = made
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError("The SQL changes with the values: what changes it belongs in the shape")
        slots = []
        for position, (one, two) in enumerate(zip(params, other_params, strict=True)):
            index = next((i for i, stand_in in enumerate(first) if one == stand_in), None)
            if index is None:
                if one != two:
                    raise ValueError(f"Parameter {position} changes between two builds but is not one of the values")
                if isinstance(one, (datetime.date, datetime.datetime)) or _LOOKS_LIKE_A_DATE.match(str(one)):
                    raise ValueError(f"Parameter {position} is a date or time not given as a value")
                continue
            if two != second_set[index]:
                raise ValueError(f"Parameter {position} is not passed through from value {index}")
            slots.append((position, index))
        return compiler, sql, params, slots

    def _prepared(
        self, connection: Any, shape: Hashable, values: Sequence[Any]
    ) -> tuple[Any, str, list[Any], _Slots, list[type]]:
        kinds = [_kind(value) for value in values]
        cache = connection.__dict__.setdefault("_shaped_querysets", {})
        key = (self, shape, tuple(kinds))
        prepared = cache.get(key)
        if prepared is None:
            prepared = (*self._compile(connection, shape, kinds), kinds)
            cache[key] = prepared
        return prepared  # type: ignore[no-any-return]

    def sql(self, shape: Hashable, *values: Any, using: str = DEFAULT_DB_ALIAS) -> tuple[str, list[Any]]:
        _, sql, params = self._filled(connections[using], shape, values)
        return sql, params

    def run(self, shape: Hashable, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        connection = connections[using]
        compiler, sql, params = self._filled(connection, shape, values)
        with prepared_cursor(using) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return _rows_to_instances(compiler, rows, using) if rows else []

    def _filled(self, connection: Any, shape: Hashable, values: Sequence[Any]) -> tuple[Any, str, list[Any]]:
        """(compiler, sql, params): the kept SQL with these values in their parameters."""
        compiler, sql, template, slots, kinds = self._prepared(connection, shape, values)
        params = list(template)
        for position, index in slots:
            params[position] = _adapt(kinds[index], values[index], connection)
        return compiler, sql, params


class _EachValueOnce(Shaped[M]):
    """Shaped with Compiled's rules: text and whole numbers only, each value one parameter."""

    def _compile(self, connection: Any, shape: Hashable, kinds: list[type]) -> tuple[Any, str, list[Any], _Slots]:
        if any(kind not in (int, str) for kind in kinds):
            raise TypeError("Compiled queries take text and whole numbers only")
        compiler, sql, params, slots = super()._compile(connection, shape, kinds)
        if sorted(index for _, index in slots) != list(range(len(kinds))):
            raise ValueError("Each value must be one parameter of the compiled query")
        return compiler, sql, params, slots


class Compiled(Generic[M]):
    """``Compiled(lambda agency_id, key: Model.objects.filter(...)[:1])``, then
    ``.run(agency_id, key)``: the instances the queryset would give, its SQL made once per
    connection. A `Shaped` query of one shape: the function is called with stand-in values, each
    of which must reach the SQL as a parameter of its own (a filter on a value, not a slice)."""

    def __init__(self, build: Callable[..., QuerySet[M]]):
        self._shaped: _EachValueOnce[M] = _EachValueOnce(lambda _shape, *values: build(*values))

    def run(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        return self._shaped.run(None, *values, using=using)

    def first(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> M | None:
        found = self.run(*values, using=using)
        return found[0] if found else None


def next_id(model: type[Model], using: str = DEFAULT_DB_ALIAS) -> int:
    """The next value of a PostgreSQL table's id sequence (identity or serial), taken now: the
    id of a row to be written with `insert_together`. A value taken and not used is a gap."""
    return next_ids((model, 1), using=using)[0][0]


def next_ids(*wanted: tuple[type[Model], int], using: str = DEFAULT_DB_ALIAS) -> list[list[int]]:
    """For each (model, count), that many values of its table's id sequence, taken now in one
    statement (PostgreSQL): the ids of rows to be written with `insert_together`."""
    parts, params = [], []
    for model, count in wanted:
        parts.append("ARRAY(SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s))")
        params += [model._meta.db_table, model._meta.pk.column, count]
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return [[int(value) for value in ids] for ids in cursor.fetchone()]


def prepare_for_insert(obj: Model) -> Model:
    """Give a new row the values the ORM would give it when saved (defaults are given when it is
    made; this adds `auto_now_add` times and each field's own pre-save value), now, so that what
    is read from it before `insert_together` writes it (an audit entry of its values) is what is
    written. The row keeps them: `insert_together` does not make them again."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, field.pre_save(obj, add=True))
    obj._prepared_for_insert = True  # type: ignore[attr-defined]  # read by _insert_values
    return obj


def _insert_plan(model: type[Model], with_pk: bool, connection: Any) -> tuple[str, list[Any], list[str], bool]:
    """(table, fields, columns, whether any field writes its own placeholder) of a model's
    INSERT, with or without its primary key: made once per connection."""
    cache = connection.__dict__.setdefault("_insert_plans", {})
    plan = cache.get((model, with_pk))
    if plan is None:
        meta = model._meta
        # A primary key the database makes (identity, serial) is left out when not given.
        fields = [f for f in meta.concrete_fields if with_pk or not (f.primary_key and f.db_returning)]
        plan = (
            connection.ops.quote_name(meta.db_table),
            fields,
            [connection.ops.quote_name(f.column) for f in fields],
            any(hasattr(f, "get_placeholder") for f in fields),
        )
        cache[(model, with_pk)] = plan
    return plan  # type: ignore[no-any-return]


def _insert_values(obj: Model, connection: Any) -> tuple[list[str] | None, list[Any]]:
    """A new row's values as the ORM would write them, and its placeholders where a field
    writes its own (None when every one is `%s`)."""
    _table, fields, _columns, own_placeholders = _insert_plan(type(obj), obj.pk is not None, connection)
    if getattr(obj, "_prepared_for_insert", False):
        params = [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
    else:
        params = [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]
    if not own_placeholders:
        return None, params
    placeholders = [
        field.get_placeholder(value, None, connection) if hasattr(field, "get_placeholder") else "%s"
        for field, value in zip(fields, params, strict=True)
    ]
    return placeholders, params


_PLACEHOLDER = re.compile(r"%[%s]")
_TOGETHER_SHAPES_KEPT = 512


def _literal_template(sql: str) -> list[str] | None:
    """The statement cut at its `%s` placeholders (each `%%` made `%`), or None if it has any
    other kind of placeholder (`%(name)s`, `%b`), for `_bound`."""
    if "%" in _PLACEHOLDER.sub("", sql):
        return None
    chunks, start, text = [], 0, []
    for found in _PLACEHOLDER.finditer(sql):
        text.append(sql[start : found.start()])
        if found.group() == "%%":
            text.append("%")
        else:
            chunks.append("".join(text))
            text = []
        start = found.end()
    chunks.append("".join(text) + sql[start:])
    return chunks


def _bound(cursor: Any, chunks: list[str], params: Sequence[Any]) -> str:
    """A statement with its values written in as literals by psycopg's own adapters: what a
    client-side cursor sends (psycopg's ClientCursor quotes each value with the same
    `as_literal`), without psycopg parsing the statement again. psycopg keeps the parse of a
    statement only when it is under 4,096 bytes with at most 50 values; a contact's rows written
    together are longer, and parsing them cost more than writing the values in."""
    from psycopg.adapt import Transformer

    transformer = Transformer.from_context(cursor.cursor)
    literals = [b"NULL" if value is None else transformer.as_literal(value) for value in params]
    encoding = cursor.cursor.connection.info.encoding
    out = [chunks[0]]
    for literal, chunk in zip(literals, chunks[1:], strict=True):
        out.append(literal.decode(encoding))
        out.append(chunk)
    return "".join(out)


def insert_together(
    rows: Sequence[Model | Sequence[Model]],
    raw: Sequence[tuple[str, Sequence[Any]]] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Write new rows of any models in one statement (PostgreSQL only): each row, or each group
    of rows of one model (one multi-row INSERT, in the order given), an INSERT in a CTE of its
    own; `raw` adds INSERT statements written in SQL, (sql, params), with `%s` for each value
    (`%%` for a percent sign). Nothing is read back and no signals are sent: give each row whose
    id is needed its primary key first (`next_id`). The statements see the same snapshot, so
    none may depend on another's rows.

    The statement's text is made once per connection and shape (the models, how many rows of
    each, whether each gives its id, any placeholders a field writes itself, the raw
    statements), and its values are written into it as literals by psycopg's adapters
    (`_bound`)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise NotImplementedError("insert_together is for PostgreSQL")
    shape: list[Any] = []
    params: list[Any] = []
    written: list[Model] = []
    for group in rows:
        objects = [group] if isinstance(group, Model) else list(group)
        if not objects:
            continue
        model = type(objects[0])
        with_pk = objects[0].pk is not None
        own: list[tuple[str, ...]] = []  # each row's placeholders, where a field writes its own
        for obj in objects:
            if type(obj) is not model or (obj.pk is not None) != with_pk:
                raise ValueError("Rows of one INSERT must be of one model, all giving their ids or none")
            placeholders, prepared = _insert_values(obj, connection)
            if placeholders is not None:
                own.append(tuple(placeholders))
            params.extend(prepared)
        shape.append((model, with_pk, len(objects), tuple(own) or None))
        written.extend(objects)
    for sql, sql_params in raw:
        shape.append(sql)
        params.extend(sql_params)
    if not shape:
        return
    templates = connection.__dict__.setdefault("_together_statements", {})
    key = tuple(shape)
    found = templates.get(key)
    if found is None:
        if len(templates) >= _TOGETHER_SHAPES_KEPT:
            templates.clear()  # a bound on what one connection keeps, never reached by intake's few shapes
        found = templates[key] = _together_statement(shape, connection)
    statement, chunks = found
    with connection.cursor() as cursor:
        if chunks is None:
            cursor.execute(statement, params)
        else:
            cursor.execute(_bound(cursor, chunks, params))
    for obj in written:
        obj._state.adding = False
        obj._state.db = using


def _together_statement(shape: Sequence[Any], connection: Any) -> tuple[str, list[str] | None]:
    """The one statement of `insert_together` for a shape, and its text cut at its values."""
    parts: list[str] = []
    for item in shape:
        if isinstance(item, str):  # a raw statement
            parts.append(item)
            continue
        model, with_pk, count, own = item
        table, _fields, columns, _own = _insert_plan(model, with_pk, connection)
        rows = own or [["%s"] * len(columns)] * count
        values = ", ".join(f"({', '.join(placeholders)})" for placeholders in rows)
        parts.append(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}")
    ctes = ", ".join(f"w{index} AS ({part})" for index, part in enumerate(parts))
    statement = f"WITH {ctes} SELECT 1"
    return statement, _literal_template(statement)
