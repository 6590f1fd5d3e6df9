"""The database refuses to change or remove audit rows: triggers on PostgreSQL and SQLite.

Installed by migration 0003. Tests that empty the whole database between tests (browser
tests flush it) remove the guard for the test database only; audit/tests put it back
to prove it works.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ["audit_auditevent", "audit_auditseal"]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
                )
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
                )
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for operation in ("UPDATE", "DELETE"):
                    name = f"{table}_no_{operation.lower()}"
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                    cursor.execute(
                        f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only'); END"
                    )
        else:
            raise NotImplementedError(f"No append-only guard for {connection.vendor}")


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for operation in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
