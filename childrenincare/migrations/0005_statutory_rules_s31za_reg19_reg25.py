"""Issue 25, findings 8, 9, 10 and 12: family group decision-making before a care order (s31ZA)
kept on the legal status; the steps of an immediate placement with a parent (reg 19); the
extension of a temporary approval by a nominated officer (reg 25); and the timescale rules
added to kernel/data/timescales.json for them and for short breaks (reg 48), loaded here
(idempotent)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from kernel.migrations._frozen import load_timescales as load
from kernel.migrations._frozen import read


def load_timescales(apps, schema_editor):
    load(
        apps.get_model("kernel", "TimescaleRule"),
        read(__file__, "0005_statutory_rules_s31za_reg19_reg25__kernel_timescales.json"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("childrenincare", "0004_year_outcomes"),
        ("kernel", "0011_care_leaver_and_adoption_codelists"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="carer",
            name="extension_iro_informed_on",
            field=models.DateField(blank=True, help_text="When the IRO was informed (reg 25(4)(c))", null=True),
        ),
        migrations.AddField(
            model_name="carer",
            name="extension_panel_consulted_on",
            field=models.DateField(
                blank=True, help_text="When the fostering panel's views were sought (reg 25(4)(b))", null=True
            ),
        ),
        migrations.AddField(
            model_name="carer",
            name="extension_panel_views",
            field=models.TextField(blank=True, help_text="The fostering panel's views (reg 25(4)(b))"),
        ),
        migrations.AddField(
            model_name="carer",
            name="extension_reasons",
            field=models.TextField(
                blank=True,
                help_text="Why the placement is still the most appropriate placement available (reg 25(4)(a))",
            ),
        ),
        migrations.AddField(
            model_name="carer",
            name="temporary_approval_extended_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="legalstatus",
            name="fgdm_offer",
            field=models.CharField(
                blank=True,
                help_text="The offer of family group decision-making found on the record (s31ZA)",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="legalstatus",
            name="fgdm_reasons_not_offered",
            field=models.TextField(
                blank=True,
                help_text="Why a family group decision-making meeting was not in the child's best interests (s31ZA(3))",
            ),
        ),
        migrations.AddField(
            model_name="placement",
            name="parent_assessed_on",
            field=models.DateField(
                blank=True, help_text="Reg 19(b): the reg 17 assessment and review completed", null=True
            ),
        ),
        migrations.AddField(
            model_name="placement",
            name="parent_assessment",
            field=models.TextField(blank=True, help_text="What the assessment and review found"),
        ),
        migrations.AddField(
            model_name="placement",
            name="parent_assessment_late_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="placement",
            name="with_parent_confirmed",
            field=models.BooleanField(
                blank=True, help_text="Reg 19(c): the decision, confirm the placement or not", null=True
            ),
        ),
        migrations.AddField(
            model_name="placement",
            name="with_parent_decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="placement",
            name="with_parent_decided_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="placement",
            name="with_parent_decision_late_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="placement",
            name="with_parent_decision_reasons",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(load_timescales, migrations.RunPython.noop),
    ]
