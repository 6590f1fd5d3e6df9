"""Where the audit chain's ends are kept outside the database: the anchor.

After each sealing transaction commits, the sealer (audit.integrity.seal_pending) appends the
new end of the chain to an anchor store: one signed record per head, never rewritten. Someone
who can write to the database but not to the store cannot take back a head once it is there,
so `verify_audit` notices when the database's chain no longer reaches it (entries removed
from the end, or the chain rebuilt). See docs/audit-integrity.md.

A record is one JSON object:

    {"v": 1, "seal": 812, "event": 20431, "head": "<chain hash, 64 hex>",
     "sealed_at": "2026-12-06T12:00:00.000000+00:00", "anchored_at": "...", "sig": "<64 hex>"}

`sig` is an HMAC-SHA256 of the other fields (audit.integrity.anchor_signature) under a key
derived from settings.AUDIT_HASH_KEY, so a record written by anyone without the key is caught.

The store is chosen by settings.AUDIT_ANCHOR_STORE (a class path) and settings.AUDIT_ANCHOR
(where it is: a file path for FileAnchorStore). An empty AUDIT_ANCHOR turns anchoring off.
A store for an object store with write-once retention (S3 Object Lock in compliance mode, or
an equivalent) would subclass AnchorStore and write one object per record; none is included.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

# One anchor record: a JSON object (see above).
Record = dict[str, Any]


class AnchorWriteError(Exception):
    """The head could not be written to the anchor (the database's seals are committed regardless)."""


class AnchorStore:
    """The interface: append a record; read them back in the order written."""

    def __init__(self, location: Any) -> None:
        self.location = location

    def __str__(self) -> str:
        return str(self.location)

    def exists(self) -> bool:
        """Whether anything has been anchored here yet."""
        raise NotImplementedError

    def append(self, record: Record) -> None:
        """Add one record. Must never change or remove what is already there."""
        raise NotImplementedError

    def records(self) -> Iterator[tuple[str, Record | None]]:
        """Yield (position, record) in the order written; record is None when the entry there
        is not a JSON object (a torn or foreign line). Position is what a reader is told."""
        raise NotImplementedError

    def last(self) -> Record | None:
        """The last record written, or None."""
        last = None
        for _, record in self.records():
            last = record
        return last


def encode(record: Record) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":")).encode()


class FileAnchorStore(AnchorStore):
    """JSON lines in one file, opened with O_APPEND for each record and fsynced.

    On one machine, put the file where the service's account can append but not truncate
    or replace it (`chattr +a`, a separate volume, or a log shipper that copies it away);
    in production prefer an object store with write-once retention (docs/audit-integrity.md).
    """

    def __init__(self, location: str | os.PathLike[str]) -> None:
        super().__init__(location)
        self.path = Path(location)

    def exists(self) -> bool:
        return self.path.is_file()

    def append(self, record: Record) -> None:
        line = encode(record) + b"\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                # A line left torn by a crash stays as it is (verify_audit reports it); start afresh.
                line = b"\n" + line
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            directory = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)

    def records(self) -> Iterator[tuple[str, Record | None]]:
        if not self.path.is_file():
            return
        with self.path.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None
                yield f"line {number}", record if isinstance(record, dict) else None

    def last(self) -> Record | None:
        if not self.path.is_file():
            return None
        with self.path.open("rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - 16384))
            lines = file.read().splitlines()
        for line in reversed(lines):
            if line.strip():
                try:
                    record = json.loads(line)
                except ValueError:
                    return None
                return record if isinstance(record, dict) else None
        return None


def configured_store() -> AnchorStore | None:
    """The store named by the settings, or None when anchoring is off."""
    location = getattr(settings, "AUDIT_ANCHOR", "")
    if not location:
        return None
    store_class: type[AnchorStore] = import_string(
        getattr(settings, "AUDIT_ANCHOR_STORE", "audit.anchor.FileAnchorStore")
    )
    return store_class(location)
