"""Loads the SSDA903 code lists for care leavers (OC3: in touch, activity, accommodation) and
adoption (AD1: adopters' sex and legal status; PlacedAdoption: why the child should no longer be
placed) (idempotent)."""

from django.db import migrations

from kernel.migrations._frozen import load_codelists, read


def load(apps, schema_editor):
    load_codelists(
        apps.get_model("kernel", "CodeList"),
        apps.get_model("kernel", "Code"),
        read(__file__, "0011_care_leaver_and_adoption_codelists__codelists.json"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kernel", "0010_previous_permanence_and_social_worker_change"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
