"""Loads the care leavers module's timescale rule (leavingcare/data/timescales.json): the
pathway plan review at least every 6 months (idempotent)."""

from django.db import migrations

from kernel.migrations._frozen import load_timescales, read


def load(apps, schema_editor):
    load_timescales(
        apps.get_model("kernel", "TimescaleRule"), read(__file__, "0002_pathway_plan_review_timescale__timescales.json")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("leavingcare", "0001_care_leaver_records"),
        ("kernel", "0011_care_leaver_and_adoption_codelists"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
