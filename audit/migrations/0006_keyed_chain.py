"""The audit chain becomes keyed (issue 17, finding 4).

Seals made until now used plain SHA-256: they are marked scheme 1 and kept as they are, and
the last of them is recorded on AuditChainHead together with an HMAC under the audit key
(audit.integrity.record_legacy_end), so that verify_audit accepts unkeyed links up to there
and nowhere else. Every seal from now on is scheme 2, HMAC-SHA256 keyed by a key derived from
AUDIT_HASH_KEY. Stop the sealer (`seal_audit`) while this runs.

Adding a column rebuilds the table on SQLite, which drops its triggers; the append-only
guard is installed again at the end (and, going back, at the end of the reversal).
"""

from django.db import migrations, models


def reinstall_guard(apps, schema_editor):
    from audit import guard

    guard.install(schema_editor.connection)


def record_legacy_end(apps, schema_editor):
    from audit.integrity import record_legacy_end as record

    record(
        apps.get_model("audit", "AuditSeal"),
        apps.get_model("audit", "AuditChainHead"),
        using=schema_editor.connection.alias,
    )


def refuse_if_keyed_links(apps, schema_editor):
    seals = apps.get_model("audit", "AuditSeal").objects.using(schema_editor.connection.alias)
    if seals.filter(scheme=2).exists():
        raise RuntimeError(
            "The audit chain has keyed links, which the code before migration 0006 cannot check: not reversing."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_actions"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, reinstall_guard),
        migrations.AddField(
            model_name="auditseal",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256 (unkeyed, before the upgrade)"), (2, "HMAC-SHA256 keyed by the audit key")],
                default=1,
            ),
        ),
        migrations.AlterField(
            model_name="auditseal",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256 (unkeyed, before the upgrade)"), (2, "HMAC-SHA256 keyed by the audit key")],
                default=2,
            ),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="legacy_seal_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="legacy_event_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="legacy_chain_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="legacy_mac",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(record_legacy_end, refuse_if_keyed_links),
        migrations.RunPython(reinstall_guard, migrations.RunPython.noop),
    ]
