"""Loads a frozen copy of kernel/data/codelists.json as the adoption module left it: the SSDA903 AD1
LS_ADOPTR labels as the sector validator reads them. That change came without a migration of its own (a new
database had it only because the earlier migrations then loaded the current file); now that each migration
loads its own frozen copy, this one brings it (docs/decisions/0005-frozen-migration-data.md) (idempotent)."""

from django.db import migrations

from kernel.migrations._frozen import load_codelists, read


def load(apps, schema_editor):
    load_codelists(
        apps.get_model("kernel", "CodeList"),
        apps.get_model("kernel", "Code"),
        read(__file__, "0012_adopter_legal_status_labels__codelists.json"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kernel", "0011_care_leaver_and_adoption_codelists"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
