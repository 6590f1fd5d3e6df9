"""Loaders for the data migrations: each migration reads its own frozen copy of the data it was
written for (<app>/migrations/data/<migration>__<file>.json), never the current <app>/data files,
so a migration run on a fresh database years later loads what it loaded when it was written.

FROZEN: do not change this file. Old migrations call these functions; changing them changes what
an old migration does. A new data format or new loading rules need a new helper module (for
example _frozen_2.py) used by the new migrations only. Django does not take a module whose name
starts with "_" for a migration. See docs/decisions/0005-frozen-migration-data.md.

The rules are those of kernel.loading when the migrations were written: update_or_create on the
natural key (a code list's slug; a code's list, code and valid_from; a bank holiday's date; a
timescale rule's slug and valid_from), so loading is idempotent and a later copy updates the rows
an earlier one made. Nothing is deleted."""

import json
from pathlib import Path


def read(migration_file, name):
    """The frozen copy `name` beside the migration `migration_file` (pass __file__)."""
    path = Path(migration_file).resolve().parent / "data" / name
    return json.loads(path.read_text(encoding="utf-8"))


def load_codelists(CodeList, Code, data):
    for entry in data:
        code_list, _ = CodeList.objects.update_or_create(
            slug=entry["slug"], defaults={"name": entry["name"], "source": entry["source"]}
        )
        for order, row in enumerate(entry["codes"]):
            code, text = row[0], row[1]
            valid_from = row[2] if len(row) > 2 else None
            valid_to = row[3] if len(row) > 3 else None
            Code.objects.update_or_create(
                code_list=code_list,
                code=code,
                valid_from=valid_from,
                defaults={"label": text, "valid_to": valid_to, "sort_order": order},
            )


def load_bank_holidays(BankHoliday, data):
    for confirmed, rows, source in (
        (True, data["confirmed"], data["source"]),
        (False, data["unconfirmed"], data["unconfirmed_source"]),
    ):
        for day, name in rows:
            BankHoliday.objects.update_or_create(
                date=day, defaults={"name": name, "source": source, "confirmed": confirmed}
            )


def load_timescales(TimescaleRule, data, valid_from="2022-01-01"):
    for rule in data["rules"]:
        TimescaleRule.objects.update_or_create(
            slug=rule["slug"],
            valid_from=rule.get("valid_from", valid_from),
            defaults={key: rule[key] for key in ("name", "trigger", "offset", "unit", "source", "local")},
        )
