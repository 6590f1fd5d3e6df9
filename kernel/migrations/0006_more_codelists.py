"""Loads the code lists added to kernel/data/codelists.json for assessment and child
protection: assessment factors, CIN closure reasons, categories of abuse (idempotent)."""

from django.db import migrations


def load(apps, schema_editor):
    from kernel.loading import load_codelists

    load_codelists(apps.get_model("kernel", "CodeList"), apps.get_model("kernel", "Code"))


class Migration(migrations.Migration):
    dependencies = [
        ("kernel", "0005_more_timescale_rules"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
