"""An idempotency key is unique per agency, not per token (3 of 3): the agency is required and
the unique constraint moves from (token, key) to (agency, key)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0006_contactsubmission_agency_fill")]

    operations = [
        migrations.AlterField(
            model_name="contactsubmission",
            name="agency",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="partners.agency"
            ),
        ),
        migrations.RemoveConstraint(model_name="contactsubmission", name="idempotency_key_once_per_token"),
        migrations.AddConstraint(
            model_name="contactsubmission",
            constraint=models.UniqueConstraint(
                fields=("agency", "idempotency_key"), name="idempotency_key_once_per_agency"
            ),
        ),
    ]
