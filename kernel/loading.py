"""Loads the data shipped in kernel/data: code lists and bank holidays (idempotent).

Migrations do not use it: each loads its own frozen copy of the data with kernel/migrations/_frozen.py, so an
old migration loads what it was written for. kernel/tests/test_migration_data.py uses it to check that the
migrated data equals the current files (docs/decisions/0005-frozen-migration-data.md)."""

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "codelists.json"
BANK_HOLIDAYS = Path(__file__).resolve().parent / "data" / "bank_holidays.json"


# The models are a migration's historical ones (apps.get_model), hence typed loosely.
def load_codelists(CodeList: Any, Code: Any) -> None:
    for entry in json.loads(DATA.read_text(encoding="utf-8")):
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


def load_bank_holidays(BankHoliday: Any) -> None:
    data = json.loads(BANK_HOLIDAYS.read_text(encoding="utf-8"))
    for confirmed, rows, source in (
        (True, data["confirmed"], data["source"]),
        (False, data["unconfirmed"], data["unconfirmed_source"]),
    ):
        for day, name in rows:
            BankHoliday.objects.update_or_create(
                date=day, defaults={"name": name, "source": source, "confirmed": confirmed}
            )


TIMESCALES = Path(__file__).resolve().parent / "data" / "timescales.json"


def load_timescales(TimescaleRule: Any, valid_from: str = "2022-01-01", path: str | Path = TIMESCALES) -> None:
    """The timescale rules of kernel/data/timescales.json, or of a module's own file (`path`,
    the same shape), loaded by that module's migration."""
    for rule in json.loads(Path(path).read_text(encoding="utf-8"))["rules"]:
        TimescaleRule.objects.update_or_create(
            slug=rule["slug"],
            valid_from=rule.get("valid_from", valid_from),
            defaults={key: rule[key] for key in ("name", "trigger", "offset", "unit", "source", "local")},
        )
