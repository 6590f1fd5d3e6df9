"""The voice of children and families and multi-agency training: their records, the kinds of
feedback and the training topics."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The lists as they were when this migration was written (frozen: a later change needs its own
# migration). The business unit's themes start empty: it makes its own.
FEEDBACK_KINDS = [
    ("survey-response", "Survey response"),
    ("complaint", "Complaint"),
    ("compliment", "Compliment"),
    ("comment", "Comment"),
]
TRAINING_TOPICS = [
    ("neglect", "Neglect"),
    ("exploitation", "Child exploitation"),
    ("domestic-abuse", "Domestic abuse"),
    ("working-together", "Working together to safeguard children"),
    ("information-sharing", "Information sharing"),
    ("sexual-abuse", "Child sexual abuse"),
    ("mental-health", "Mental health of children and parents"),
    ("online-safety", "Online safety"),
    ("thresholds", "The threshold document and referrals"),
    ("other", "Other"),
]


def load(apps, schema_editor):
    """Loads the kinds of feedback and the training topics (idempotent)."""
    for model, rows in (("FeedbackKind", FEEDBACK_KINDS), ("TrainingTopic", TRAINING_TOPICS)):
        found = apps.get_model("partnership", model)
        for order, (slug, name) in enumerate(rows, start=1):
            found.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0005_partnership_roles"),
        ("partnership", "0006_review_access"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedbackKind",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.SlugField(max_length=40, unique=True)),
                ("name", models.CharField(max_length=100)),
                ("order", models.PositiveIntegerField(default=0)),
                ("active", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["order", "name"],
            },
        ),
        migrations.CreateModel(
            name="TrainingTopic",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.SlugField(max_length=40, unique=True)),
                ("name", models.CharField(max_length=100)),
                ("order", models.PositiveIntegerField(default=0)),
                ("active", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["order", "name"],
            },
        ),
        migrations.CreateModel(
            name="FeedbackSurvey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200)),
                ("period_from", models.DateField()),
                ("period_to", models.DateField()),
                ("number_sent", models.PositiveIntegerField(help_text="How many were asked")),
                ("description", models.TextField(blank=True)),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-period_from", "-id"],
            },
        ),
        migrations.CreateModel(
            name="FeedbackTheme",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True)),
                ("description", models.TextField(blank=True)),
                ("active", models.BooleanField(default=True, help_text="Offered when feedback is recorded")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="TrainingCourse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200)),
                ("description", models.TextField(blank=True)),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="partnership.trainingtopic"
                    ),
                ),
            ],
            options={
                "ordering": ["title", "id"],
            },
        ),
        migrations.CreateModel(
            name="TrainingSession",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("held_on", models.DateField()),
                (
                    "mode",
                    models.CharField(
                        choices=[
                            ("in_person", "In person"),
                            ("online", "Online, live"),
                            ("e_learning", "E-learning"),
                            ("blended", "Blended"),
                        ],
                        max_length=20,
                    ),
                ),
                ("places", models.PositiveIntegerField()),
                ("confidence_before", models.DecimalField(blank=True, decimal_places=2, max_digits=3, null=True)),
                ("confidence_after", models.DecimalField(blank=True, decimal_places=2, max_digits=3, null=True)),
                ("form_token", models.CharField(blank=True, max_length=64, null=True, unique=True)),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sessions",
                        to="partnership.trainingcourse",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-held_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="TrainingAttendance",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("attended", models.PositiveIntegerField()),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="partners.agency"
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance",
                        to="partnership.trainingsession",
                    ),
                ),
            ],
            options={
                "ordering": ["session", "agency__name"],
            },
        ),
        migrations.CreateModel(
            name="WhatChanged",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("what", models.TextField()),
                ("changed_on", models.DateField()),
                ("evidence", models.TextField(blank=True)),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "agency",
                    models.ForeignKey(
                        blank=True,
                        help_text="The agency that changed it; none for the partnership",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="partners.agency",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "theme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="changes",
                        to="partnership.feedbacktheme",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "what changed",
                "ordering": ["-changed_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Feedback",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("child", "A child or young person"),
                            ("parent", "A parent or carer"),
                            ("family", "Another family member"),
                            ("professional", "A professional"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "age_band",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("under_5", "Under 5"),
                            ("5_to_10", "5 to 10"),
                            ("11_to_15", "11 to 15"),
                            ("16_to_17", "16 to 17"),
                            ("18_plus", "18 or over"),
                        ],
                        max_length=20,
                    ),
                ),
                ("received_on", models.DateField()),
                (
                    "words",
                    models.TextField(help_text="What was said, without anything that identifies the child or family"),
                ),
                (
                    "consent",
                    models.CharField(
                        choices=[
                            ("quote", "Yes, the words may be quoted anonymously"),
                            ("summary", "Yes, but summarised only"),
                            ("no", "No"),
                        ],
                        max_length=20,
                    ),
                ),
                ("form_token", models.CharField(blank=True, max_length=64, null=True, unique=True)),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "agency",
                    models.ForeignKey(
                        blank=True,
                        help_text="The agency it is about; none for the partnership as a whole",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="partners.agency",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "kind",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="partnership.feedbackkind"
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="responses",
                        to="partnership.feedbacksurvey",
                    ),
                ),
                ("themes", models.ManyToManyField(blank=True, related_name="feedback", to="partnership.feedbacktheme")),
            ],
            options={
                "verbose_name_plural": "feedback",
                "ordering": ["-received_on", "-id"],
                "indexes": [models.Index(fields=["received_on"], name="partnership_receive_2b1d7f_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("consent__in", ["quote", "summary", "no"])), name="feedback_consent_given"
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="trainingsession",
            index=models.Index(fields=["held_on"], name="partnership_held_on_32001c_idx"),
        ),
        migrations.AddConstraint(
            model_name="trainingattendance",
            constraint=models.UniqueConstraint(fields=("session", "agency"), name="training_attendance_agency_once"),
        ),
        migrations.AddConstraint(
            model_name="trainingattendance",
            constraint=models.CheckConstraint(
                condition=models.Q(("attended__gte", 1)), name="training_attendance_at_least_one"
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
