"""Loads the code lists and timescale rules added for children in care and missing episodes:
the SSDA903 legal status, placement, provider, new-episode and episode-end reasons, placement
change reasons, review participation and missing type; exploitation indicators; and the care
planning, statutory visit, temporary approval and return-home timescales (idempotent)."""

from django.db import migrations


def load(apps, schema_editor):
    from kernel.loading import load_codelists, load_timescales

    load_codelists(apps.get_model("kernel", "CodeList"), apps.get_model("kernel", "Code"))
    load_timescales(apps.get_model("kernel", "TimescaleRule"))


class Migration(migrations.Migration):
    dependencies = [
        ("kernel", "0008_deadline_dashboard_indexes"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
