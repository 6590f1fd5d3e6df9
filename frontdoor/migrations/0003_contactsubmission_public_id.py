import uuid

from django.db import migrations


def fill(apps, schema_editor):
    Submission = apps.get_model("frontdoor", "ContactSubmission")
    for pk in Submission.objects.filter(public_id__isnull=True).values_list("pk", flat=True).iterator():
        Submission.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0002_contactsubmission_async")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
