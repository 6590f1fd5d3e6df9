"""Receiving a feed file uploaded by authorised staff (issue 20, item 1): one agency's records,
CSV with a header row or Parquet, loaded whole by `linkage.services.receive_records` (the same
checks as the API and the drop folder) or not at all. Its scoring is queued once it is kept.

The file's columns are the feed's (`linkage.services.RECORD_FIELDS`: record_id, given_names,
family_name, date_of_birth, sex, postcode, nhs_number, upn), and may include `agency` (as a
dropped file does): the chosen agency's id or name on every row.

Every problem is listed (`kernel.rules.RuleBroken`, by the form's fields): no agency or one the
service does not know, no file, a file too large or of another type, columns missing or
unknown, records of another agency, and each record that cannot be used (no name, a date that
is not real...). Nothing is kept unless the whole file is.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq
from django.core.files.uploadedfile import UploadedFile

from kernel.rules import Errors, RuleBroken
from partners.models import Agency

from .. import evaluation, services
from ..drop import find_agency, max_file_bytes
from ..models import Submission

if TYPE_CHECKING:
    from partners.models import User

SUFFIXES = (".csv", ".parquet")


def readable_size(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:,.0f} KB"


@contextmanager
def _on_disk(upload: UploadedFile, suffix: str) -> Iterator[Path]:
    """The uploaded file as a path named with its type (the reader goes by the name)."""
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        yield Path(copy.name)


def _columns(path: Path, suffix: str) -> list[str]:
    if suffix == ".parquet":
        return list(pq.read_schema(path).names)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]


def _agency_of(value: str, agency: Agency) -> bool:
    found = find_agency(value)
    return found is not None and found.pk == agency.pk


def read_rows(path: Path, suffix: str, agency: Agency, errors: Errors) -> list[dict[str, Any]]:
    """The file's records as the feed's fields, or nothing (the problems added to `errors`)."""
    try:
        columns = _columns(path, suffix)
    except (OSError, UnicodeDecodeError, ValueError):
        errors.add("upload", "The file could not be read: upload a CSV file with a header row, or a Parquet file")
        return []
    missing = [name for name in services.RECORD_FIELDS if name not in columns]
    unknown = [name for name in columns if name not in (*services.RECORD_FIELDS, "agency")]
    if missing:
        errors.add("upload", f"The file is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if unknown:
        errors.add("upload", f"The file has columns this feed does not take: {', '.join(unknown)}")
    if missing or unknown:
        return []
    wanted = [*services.RECORD_FIELDS, *(["agency"] if "agency" in columns else [])]
    try:
        # read_table takes the file's type from its name: the copy is named with the suffix.
        rows = evaluation.read_table(path, wanted)
    except Exception:  # noqa: BLE001 - any parse error; pyarrow's message may quote the data
        errors.add("upload", "The file could not be read: upload a CSV file with a header row, or a Parquet file")
        return []
    for number, row in enumerate(rows, start=1):
        named = str(row.pop("agency", "") or "").strip()
        if named and not _agency_of(named, agency):
            known = find_agency(named) is not None
            errors.add(
                "upload",
                f"Record {number} is from another agency ({named}): upload one file for each agency"
                if known
                else f"Record {number} is from an agency the service does not know ({named})",
            )
            break
    return rows


def receive_file(user: User, *, agency_id: str, upload: UploadedFile | None) -> Submission:
    """Keep an uploaded feed whole (a new Submission, its scoring queued), or refuse it with
    every problem listed."""
    errors = Errors()
    agency = Agency.objects.filter(pk=int(agency_id)).first() if str(agency_id or "").isdigit() else None
    if agency is None:
        errors.add("agency", "Select the agency the records are from")
    suffix = Path(upload.name or "").suffix.lower() if upload is not None else ""
    if upload is None or not upload.size:
        errors.add("upload", "Select a file of records to upload")
    elif suffix not in SUFFIXES:
        errors.add("upload", "The file must be a CSV file (.csv) or a Parquet file (.parquet)")
    elif upload.size > max_file_bytes():
        errors.add("upload", f"The file must be smaller than {readable_size(max_file_bytes())}: split it")
    errors.raise_if_any()
    assert upload is not None
    assert agency is not None
    with _on_disk(upload, suffix) as path:
        rows = read_rows(path, suffix, agency, errors)
    errors.raise_if_any()
    try:
        return services.receive_records(
            user, agency, rows, source=Submission.Source.UPLOAD, filename=Path(upload.name or "").name
        )
    except RuleBroken as broken:
        # The records' problems are the file's, shown beside the file field.
        raise RuleBroken(
            {"upload" if key == "records" else key: value for key, value in broken.errors.items()}
        ) from None
