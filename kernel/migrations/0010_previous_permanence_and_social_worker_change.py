"""Loads the SSDA903 code lists for previous permanence (PrevPerm), the reason for a change of
social worker (SWEpisodes) and the reason there is no SDQ score (OC2) (idempotent)."""

from django.db import migrations

from kernel.migrations._frozen import load_codelists, read


def load(apps, schema_editor):
    load_codelists(
        apps.get_model("kernel", "CodeList"),
        apps.get_model("kernel", "Code"),
        read(__file__, "0010_previous_permanence_and_social_worker_change__codelists.json"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kernel", "0009_care_codelists_and_timescales"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
