"""Loads the code lists and timescale rules added for children in care and missing episodes:
the SSDA903 legal status, placement, provider, new-episode and episode-end reasons, placement
change reasons, review participation and missing type; exploitation indicators; and the care
planning, statutory visit, temporary approval and return-home timescales (idempotent)."""

from django.db import migrations

from kernel.migrations._frozen import load_codelists, load_timescales, read


def load(apps, schema_editor):
    load_codelists(
        apps.get_model("kernel", "CodeList"),
        apps.get_model("kernel", "Code"),
        read(__file__, "0009_care_codelists_and_timescales__codelists.json"),
    )
    load_timescales(
        apps.get_model("kernel", "TimescaleRule"), read(__file__, "0009_care_codelists_and_timescales__timescales.json")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kernel", "0008_deadline_dashboard_indexes"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
