"""Queries made many times a second, without the ORM building them each time.

`Compiled` keeps the SQL of a queryset, made once per database connection by the ORM itself,
and runs it again with other values: the rows become model instances (with their
select_related objects) by the ORM's own converters and populators, so the instances are the
ones the queryset would give. What is saved is building and compiling the query (about half a
millisecond of Python for a look-up of three tables), not the round trip.

`insert_together` writes several new rows of different models in one statement on PostgreSQL
(an INSERT for each in the CTEs of one statement, which is atomic by itself: all the rows or
none), with the values the ORM would write (defaults, auto_now_add, each field's own
preparation). The caller gives every primary key that is not made by the database (see
`next_id`), since nothing is read back.
"""

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

_SENTINEL_INT = -(10**15)
M = TypeVar("M", bound=Model)


def _sentinels(values: Sequence[Any]) -> list[Any]:
    made: list[Any] = []
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise TypeError("Compiled queries take text and whole numbers only")
        made.append(f"\x01compiled-{index}\x01" if isinstance(value, str) else _SENTINEL_INT - index)
    return made


class Compiled(Generic[M]):
    """``Compiled(lambda agency_id, key: Model.objects.filter(...)[:1])``, then
    ``.run(agency_id, key)``: the instances the queryset would give, its SQL made once per
    connection. The function is called once per connection with stand-in values, each of which
    must reach the SQL as a parameter of its own (a filter on a value, not a slice)."""

    def __init__(self, build: Callable[..., QuerySet[M]]):
        self.build = build

    def _prepared(self, connection: Any, values: Sequence[Any]) -> tuple[Any, str, list[Any], list[int]]:
        cache = connection.__dict__.setdefault("_compiled_querysets", {})
        prepared = cache.get(self)
        if prepared is None:
            stand_ins = _sentinels(values)
            compiler = self.build(*stand_ins).query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            params = list(params)
            positions = []
            for stand_in in stand_ins:
                found = [i for i, param in enumerate(params) if param == stand_in]
                if len(found) != 1:
                    raise ValueError("Each value must be one parameter of the compiled query")
                positions.append(found[0])
            prepared = (compiler, sql, params, positions)
            cache[self] = prepared
        return prepared  # type: ignore[no-any-return]

    def run(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        connection = connections[using]
        compiler, sql, template, positions = self._prepared(connection, values)
        params = list(template)
        for position, value in zip(positions, values, strict=True):
            params[position] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return []
        select, klass_info = compiler.select, compiler.klass_info
        model = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[first:last]]
        populators = get_related_populators(klass_info, select, using)  # type: ignore[call-arg]  # Django 5.2's
        found: list[M] = []
        for row in compiler.results_iter(results=[rows]):
            obj = model.from_db(using, names, row[first:last])
            for populator in populators:
                populator.populate(row, obj)
            found.append(obj)
        return found

    def first(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> M | None:
        found = self.run(*values, using=using)
        return found[0] if found else None


def next_id(model: type[Model], using: str = DEFAULT_DB_ALIAS) -> int:
    """The next value of a PostgreSQL table's id sequence (identity or serial), taken now: the
    id of a row to be written with `insert_together`. A value taken and not used is a gap."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
        return int(cursor.fetchone()[0])


def _insert_values(obj: Model, connection: Any) -> tuple[str, list[str], list[str], list[Any]]:
    meta = obj._meta
    columns, placeholders, params = [], [], []
    for field in meta.concrete_fields:
        if field.primary_key and getattr(obj, field.attname) is None and field.db_returning:
            continue  # made by the database
        value = field.get_db_prep_save(field.pre_save(obj, add=True), connection)
        columns.append(connection.ops.quote_name(field.column))
        placeholder = field.get_placeholder(value, None, connection) if hasattr(field, "get_placeholder") else "%s"
        placeholders.append(placeholder)
        params.append(value)
    return connection.ops.quote_name(meta.db_table), columns, placeholders, params


def insert_together(
    rows: Sequence[Model | Sequence[Model]],
    raw: Sequence[tuple[str, Sequence[Any]]] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Write new rows of any models in one statement (PostgreSQL only): each row, or each group
    of rows of one model (one multi-row INSERT, in the order given), an INSERT in a CTE of its
    own; `raw` adds INSERT statements written in SQL, (sql, params). Nothing is read back and no
    signals are sent: give each row whose id is needed its primary key first (`next_id`). The
    statements see the same snapshot, so none may depend on another's rows."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise NotImplementedError("insert_together is for PostgreSQL")
    parts: list[str] = []
    params: list[Any] = []
    written: list[Model] = []
    for group in rows:
        objects = [group] if isinstance(group, Model) else list(group)
        if not objects:
            continue
        values, first_columns = [], None
        for obj in objects:
            table, columns, placeholders, prepared = _insert_values(obj, connection)
            if first_columns is None:
                first_columns = columns
            elif columns != first_columns:
                raise ValueError("Rows written together in one INSERT must all give their ids, or none")
            values.append(f"({', '.join(placeholders)})")
            params.extend(prepared)
        parts.append(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join(values)}")
        written.extend(objects)
    for sql, sql_params in raw:
        parts.append(sql)
        params.extend(sql_params)
    if not parts:
        return
    ctes = ", ".join(f"w{index} AS ({part})" for index, part in enumerate(parts))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} SELECT 1", params)
    for obj in written:
        obj._state.adding = False
        obj._state.db = using
