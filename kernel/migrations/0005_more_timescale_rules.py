"""Loads the timescale rules added to kernel/data/timescales.json after 0004: the child
protection, child in need, missing and looked-after timescales (national defaults, and local
figures marked as such). Loading is idempotent: rules already there are updated in place."""

from django.db import migrations

from kernel.migrations._frozen import load_timescales, read


def load(apps, schema_editor):
    load_timescales(
        apps.get_model("kernel", "TimescaleRule"), read(__file__, "0005_more_timescale_rules__timescales.json")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kernel", "0004_timescale_rules"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
