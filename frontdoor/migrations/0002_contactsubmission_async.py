import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Submissions acknowledged before their contact is made (Prefer: respond-async). Submissions
    already kept were processed when they came (their contact was made in the request)."""

    dependencies = [("frontdoor", "0001_initial")]

    operations = [
        migrations.AddField("contactsubmission", "public_id", models.UUIDField(null=True, editable=False)),
        migrations.AlterField(
            "contactsubmission",
            "contact",
            models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="submission",
                to="frontdoor.contact",
            ),
        ),
        migrations.AlterField(
            "contactsubmission", "received_at", models.DateTimeField(default=django.utils.timezone.now)
        ),
        migrations.AddField(
            "contactsubmission",
            "status",
            models.CharField(
                choices=[("received", "Waiting"), ("processed", "Processed"), ("failed", "Failed")],
                default="processed",
                max_length=9,
            ),
        ),
        migrations.AddField(
            "contactsubmission",
            "payload",
            models.JSONField(blank=True, null=True, help_text="The request body, validated; emptied once processed"),
        ),
        migrations.AddField("contactsubmission", "processed_at", models.DateTimeField(blank=True, null=True)),
        migrations.AddField("contactsubmission", "attempts", models.PositiveSmallIntegerField(default=0)),
        migrations.AddField(
            "contactsubmission",
            "error",
            models.TextField(blank=True, help_text="Why it failed, in plain words, without personal data"),
        ),
        migrations.AddIndex(
            "contactsubmission", models.Index(fields=["status", "received_at"], name="frontdoor_submission_status")
        ),
    ]
