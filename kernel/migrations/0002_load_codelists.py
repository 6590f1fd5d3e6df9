from django.db import migrations

from kernel.migrations._frozen import load_codelists, read


def load(apps, schema_editor):
    load_codelists(
        apps.get_model("kernel", "CodeList"),
        apps.get_model("kernel", "Code"),
        read(__file__, "0002_load_codelists__codelists.json"),
    )


class Migration(migrations.Migration):
    dependencies = [("kernel", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
