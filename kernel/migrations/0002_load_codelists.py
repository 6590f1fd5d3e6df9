from django.db import migrations


def load(apps, schema_editor):
    from kernel.loading import load_codelists

    load_codelists(apps.get_model("kernel", "CodeList"), apps.get_model("kernel", "Code"))


class Migration(migrations.Migration):
    dependencies = [("kernel", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
