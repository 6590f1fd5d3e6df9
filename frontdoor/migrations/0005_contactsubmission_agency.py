"""An idempotency key is unique per agency, not per token (1 of 3): the submission's agency,
empty for the rows already kept until 0006 fills it in."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frontdoor", "0004_contactsubmission_public_id_unique"),
        ("partners", "0002_session_generation_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactsubmission",
            name="agency",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="partners.agency"
            ),
        ),
    ]
