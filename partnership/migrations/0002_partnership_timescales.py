"""Loads the partnership's timescale rules (partnership/data/timescales.json): the Panel notified
within 5 working days, the rapid review within 15, the local review published within 6 months
(idempotent)."""

from django.db import migrations

from kernel.migrations._frozen import load_timescales, read


def load(apps, schema_editor):
    load_timescales(
        apps.get_model("kernel", "TimescaleRule"), read(__file__, "0002_partnership_timescales__timescales.json")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0001_partnership_records"),
        ("kernel", "0012_adopter_legal_status_labels"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
