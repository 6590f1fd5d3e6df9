from django.db import migrations


def install(apps, schema_editor):
    from audit.guard import install

    install(schema_editor.connection)


def remove(apps, schema_editor):
    from audit.guard import remove

    remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_integrity")]
    operations = [migrations.RunPython(install, remove)]
