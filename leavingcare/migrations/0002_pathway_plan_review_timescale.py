"""Loads the care leavers module's timescale rule (leavingcare/data/timescales.json): the
pathway plan review at least every 6 months (idempotent)."""

from pathlib import Path

from django.db import migrations

TIMESCALES = Path(__file__).resolve().parent.parent / "data" / "timescales.json"


def load(apps, schema_editor):
    from kernel.loading import load_timescales

    load_timescales(apps.get_model("kernel", "TimescaleRule"), path=TIMESCALES)


class Migration(migrations.Migration):
    dependencies = [
        ("leavingcare", "0001_care_leaver_records"),
        ("kernel", "0011_care_leaver_and_adoption_codelists"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
