"""Loads the code lists added to kernel/data/codelists.json for assessment and child
protection: assessment factors, CIN closure reasons, categories of abuse (idempotent)."""

from django.db import migrations

from kernel.migrations._frozen import load_codelists, read


def load(apps, schema_editor):
    load_codelists(
        apps.get_model("kernel", "CodeList"),
        apps.get_model("kernel", "Code"),
        read(__file__, "0006_more_codelists__codelists.json"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kernel", "0005_more_timescale_rules"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
