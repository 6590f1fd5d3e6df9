"""The data migrations load frozen copies of the data they were written for (kernel/migrations/_frozen.py,
docs/decisions/0005-frozen-migration-data.md). These tests keep that so:

- the migrated database holds exactly what loading the current data files gives, so changing a data file
  (kernel/data/*.json, <app>/data/timescales.json) without a new migration that loads a frozen copy of it
  fails here;
- no migration reads the current data files;
- the frozen copies and the frozen loader do not change (a change would change what an old migration does).
"""

import ast
import hashlib
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from kernel import loading
from kernel.models import BankHoliday, Code, CodeList, TimescaleRule

BASE = Path(settings.BASE_DIR)


def _state():
    return {
        "code lists": sorted(CodeList.objects.values_list("slug", "name", "source")),
        "codes": sorted(
            (c.code_list.slug, c.code, str(c.valid_from), str(c.valid_to), c.label, c.sort_order)
            for c in Code.objects.select_related("code_list")
        ),
        "bank holidays": sorted(
            (str(day), name, source, confirmed)
            for day, name, source, confirmed in BankHoliday.objects.values_list("date", "name", "source", "confirmed")
        ),
        "timescale rules": sorted(
            (r.slug, str(r.valid_from), str(r.valid_to), r.name, r.trigger, r.offset, r.unit, r.counting, r.source)
            + (r.local,)
            for r in TimescaleRule.objects.all()
        ),
    }


def _timescale_files():
    """kernel/data/timescales.json and every app's own data/timescales.json."""
    files = [Path(config.path) / "data" / "timescales.json" for config in apps.get_app_configs()]
    return [path for path in files if path.exists()]


@pytest.mark.django_db
def test_the_migrated_data_is_what_the_current_data_files_hold():
    migrated = _state()
    assert all(migrated.values()), "the migrations loaded nothing into one of the tables"
    assert len(_timescale_files()) >= 5

    Code.objects.all().delete()
    CodeList.objects.all().delete()
    BankHoliday.objects.all().delete()
    TimescaleRule.objects.all().delete()
    loading.load_codelists(CodeList, Code)
    loading.load_bank_holidays(BankHoliday)
    for path in _timescale_files():
        loading.load_timescales(TimescaleRule, path=path)

    current = _state()
    for table in current:
        assert migrated[table] == current[table], (
            f"The migrated {table} differ from the current data files: a data file changed without a new "
            "migration loading a frozen copy of it (see docs/decisions/0005-frozen-migration-data.md)."
        )


def _migration_files():
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.is_relative_to(BASE) and (path / "migrations").is_dir():
            yield from sorted((path / "migrations").glob("[0-9]*.py"))


def test_no_migration_reads_the_current_data_files():
    files = list(_migration_files())
    assert len(files) > 50
    for path in files:
        source = path.read_text(encoding="utf-8")
        assert "kernel.loading" not in source, path
        assert '"data" / ' not in source, path


def _fingerprint(path):
    """The content that matters: the parsed JSON, or the Python syntax tree (so reformatting is not a change)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        canonical = json.dumps(json.loads(text), sort_keys=True)
    else:
        canonical = ast.dump(ast.parse(text))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


# Add a line for each new frozen copy; never change a line (a new loader or a new copy is a new file).
FROZEN = {
    "kernel/migrations/_frozen.py": "ea641f915eec5d4a",
    "kernel/migrations/data/0002_load_codelists__codelists.json": "d89409885e30f7b2",
    "kernel/migrations/data/0003_bank_holidays__bank_holidays.json": "95e9b54ee1bffdb1",
    "kernel/migrations/data/0004_timescale_rules__timescales.json": "9883c73a6ec5e734",
    "kernel/migrations/data/0005_more_timescale_rules__timescales.json": "9509bee674942b82",
    "kernel/migrations/data/0006_more_codelists__codelists.json": "5678e14fea5210fc",
    "kernel/migrations/data/0009_care_codelists_and_timescales__codelists.json": "d9aaa9eb4891c096",
    "kernel/migrations/data/0009_care_codelists_and_timescales__timescales.json": "c942bcbb75b783e9",
    "kernel/migrations/data/0010_previous_permanence_and_social_worker_change__codelists.json": "79ce9c7e65fd37e3",
    "kernel/migrations/data/0011_care_leaver_and_adoption_codelists__codelists.json": "dadad1dc5e56942e",
    "kernel/migrations/data/0012_adopter_legal_status_labels__codelists.json": "94b3ec61f1f012f7",
    "childprotection/migrations/data/0002_pre_proceedings__timescales.json": "cd8d274c2baff42e",
    "adoption/migrations/data/0001_adoption_journey_and_adopters__timescales.json": "acc8fb138e486928",
    "familyhelp/migrations/data/0003_early_help__timescales.json": "e01da98ed6c76f88",
    "leavingcare/migrations/data/0002_pathway_plan_review_timescale__timescales.json": "a78935c3b22e62bb",
    "childrenincare/migrations/data/0005_statutory_rules_s31za_reg19_reg25__kernel_timescales.json": "5542411eca4230a0",
    "exploitation/migrations/data/0003_exploitation_review_timescales__timescales.json": "35c442ea846b7d7b",
    "exploitation/migrations/data/0007_context_plan_review_timescale__timescales.json": "743558ae8de2afcd",
    "partnership/migrations/data/0002_partnership_timescales__timescales.json": "cf060fe598b68224",
    "partnership/migrations/data/0005_audits__timescales.json": "5c2f28acca9e02b3",
    "education/migrations/data/0005_notice_channel_and_matching__timescales.json": "19cee4f9016b6444",
}


def test_the_frozen_copies_and_loader_do_not_change():
    found = {
        str(path.relative_to(BASE)): _fingerprint(path)
        for path in sorted(BASE.glob("*/migrations/data/*.json")) + [BASE / "kernel/migrations/_frozen.py"]
    }
    assert found == FROZEN
