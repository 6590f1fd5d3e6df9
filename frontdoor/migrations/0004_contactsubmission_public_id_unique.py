import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0003_contactsubmission_public_id")]

    operations = [
        migrations.AlterField(
            "contactsubmission", "public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
    ]
