"""Feeds dropped as files in the folder the setting LINKAGE_DROP_DIR names.

Each file (CSV with a header, or Parquet) holds one agency's records with the feed's columns
(`evaluation.FEED_COLUMNS`: record_id, agency, given_names, family_name, date_of_birth, sex,
postcode, nhs_number, upn). `agency` is the agency's id or its name as the service holds it,
the same on every row. A file is loaded whole (`services.receive_records`, one transaction) or
not at all: it is then moved to `done/`, or to `failed/` with a `.txt` beside it saying why.
Files larger than LINKAGE_MAX_FILE_BYTES are refused unread.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from kernel.rules import RuleBroken
from partners.models import Agency

from . import evaluation, services
from .models import Submission

MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class Outcome:
    path: Path
    submission: Submission | None
    problem: str = ""


def max_file_bytes() -> int:
    return int(getattr(settings, "LINKAGE_MAX_FILE_BYTES", MAX_FILE_BYTES))


def find_agency(value: str) -> Agency | None:
    value = value.strip()
    if value.isdigit():
        return Agency.objects.filter(pk=int(value)).first()
    return Agency.objects.filter(name=value).first() if value else None


def load_file(path: Path) -> Submission:
    """Load one dropped file; FileProblem or RuleBroken says why it was refused."""
    size = path.stat().st_size
    if size > max_file_bytes():
        raise evaluation.FileProblem(
            f"{path.name} is {size:,} bytes: files must be at most {max_file_bytes():,} bytes; split it"
        )
    rows = evaluation.read_table(path, evaluation.FEED_COLUMNS)
    names = {str(row["agency"]).strip() for row in rows}
    if len(names) > 1:
        raise evaluation.FileProblem(f"{path.name} has records of more than one agency: send one file per agency")
    agency = find_agency(next(iter(names))) if names else None
    if names and agency is None:
        raise evaluation.FileProblem(f"{path.name} is from an agency the service does not know: {next(iter(names))}")
    records = [{name: row[name] for name in services.RECORD_FIELDS} for row in rows]
    return services.receive_records(None, agency, records, source=Submission.Source.DROP, filename=path.name)


def load_folder(folder: Path) -> list[Outcome]:
    """Load every feed file in the folder (manage.py linkage_load_dropped names it)."""
    outcomes = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".parquet")):
        try:
            outcomes.append(Outcome(path, load_file(path)))
            target = folder / "done"
        except (evaluation.FileProblem, RuleBroken) as problem:
            outcomes.append(Outcome(path, None, str(problem)))
            target = folder / "failed"
            target.mkdir(exist_ok=True)
            (target / f"{path.name}.txt").write_text(str(problem) + "\n", encoding="utf-8")
        target.mkdir(exist_ok=True)
        shutil.move(str(path), target / path.name)
    return outcomes
