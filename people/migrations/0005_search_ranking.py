"""PostgreSQL: search ranks its candidates in the database (pg_trgm's similarity), and the GIN
index of the search keys is kept up to date on every write rather than through a pending list.

With GIN's fast update (the default), new entries wait in an unsorted pending list until a
vacuum or the list's 4 MB limit; every search reads the whole list, which took a search-key
lookup from 0.1 ms to 17 ms on a 10,000-child authority whose list was full. Without it, each
insert updates the index at once (a little slower to write a person, much faster to search).
Other databases need none of this."""

from django.db import migrations

INDEX = "people_person_name_keys_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"ALTER INDEX {INDEX} SET (fastupdate = off)")
    schema_editor.execute(f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {INDEX} SET (fastupdate = on)")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_restricted_index"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
