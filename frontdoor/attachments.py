"""Files sent with a contact: checked by their content, stored outside the web root.

A file is accepted only if its content is one of the allowed types (PDF, Word .docx, PNG,
JPEG, plain text) and its name's extension agrees with that content, so a program renamed
"letter.pdf" is refused. The type is found from the bytes with `filetype` (magic numbers),
never from what the sender claims. Files are written under settings.ATTACHMENT_ROOT by a
random name; they are only ever served as downloads (Content-Disposition: attachment,
application/octet-stream, nosniff), never inline, and nothing in them is executed.
"""

import hashlib
import os
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import filetype
from django.conf import settings
from django.db import transaction

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Content type -> the extensions a file of that type may have.
ALLOWED = {
    "application/pdf": {".pdf"},
    DOCX: {".docx"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    "text/plain": {".txt"},
}
DESCRIBED = {
    "application/pdf": "a PDF", "image/png": "a PNG image", "image/jpeg": "a JPEG image",
    DOCX: "a Word document",
    "text/plain": "a text file", "application/x-msdownload": "a Windows program",
    "application/x-executable": "a program", "application/zip": "a zip archive",
}
ALLOWED_LIST = "PDF, Word (.docx), PNG, JPEG or plain text (.txt)"


class AttachmentRefused(ValueError):
    pass


@dataclass
class CheckedFile:
    name: str
    content_type: str
    data: bytes

    @property
    def size(self):
        return len(self.data)

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def max_bytes():
    return settings.ATTACHMENT_MAX_BYTES


def _readable_size(count):
    return f"{count / (1024 * 1024):.0f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


def sniff(data):
    """The content type found from the bytes, or "" when it is none we know."""
    kind = filetype.guess(data)
    if kind is not None:
        mime = kind.mime
        if mime == "application/zip" and _is_docx(data):
            return DOCX
        return mime
    if data[:2] == b"MZ":
        return "application/x-msdownload"
    if data[:4] == b"\x7fELF":
        return "application/x-executable"
    if _is_plain_text(data):
        return "text/plain"
    return ""


def _is_docx(data):
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _is_plain_text(data):
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t\f" for ch in text[:4096])


def check(name, data):
    """A CheckedFile for an allowed, honest file, or AttachmentRefused saying what is wrong."""
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    if not name:
        raise AttachmentRefused("Give the file a name")
    if len(name) > 200:
        raise AttachmentRefused("The file name must be 200 characters or fewer")
    if not data:
        raise AttachmentRefused(f"The file {name} is empty")
    if len(data) > max_bytes():
        raise AttachmentRefused(f"The file {name} must be smaller than {_readable_size(max_bytes())}")
    extension = Path(name).suffix.lower()
    content_type = sniff(data)
    if content_type not in ALLOWED:
        found = DESCRIBED.get(content_type, "not a type this service accepts")
        raise AttachmentRefused(f"The file {name} must be a {ALLOWED_LIST}: its content is {found}")
    if extension not in ALLOWED[content_type]:
        raise AttachmentRefused(f"The file {name} is {DESCRIBED[content_type]} but its name ends {extension or 'with no extension'}: "
                                f"rename it to end {sorted(ALLOWED[content_type])[0]}")
    return CheckedFile(name=name, content_type=content_type, data=data)


def root():
    return Path(settings.ATTACHMENT_ROOT)


def path_of(stored_name):
    if not stored_name.isalnum():
        raise ValueError("not a stored attachment name")
    return root() / stored_name


def store(stored_name, data):
    """Write a checked file so that it is in place exactly when the transaction commits: it is
    written (and synced) to a temporary name now and moved into place on commit. A rolled-back
    transaction leaves only the temporary file, which `sweep_incoming` removes."""
    directory = root()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    pending = directory / f".incoming-{stored_name}"
    with open(pending, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(pending, 0o600)
    final = path_of(stored_name)

    def move_into_place():
        os.replace(pending, final)

    transaction.on_commit(move_into_place)
    return final


def sweep_incoming(older_than_seconds=3600):
    """Remove temporary files left by rolled-back transactions (manage.py sweep_attachments)."""
    import time

    removed = 0
    directory = root()
    if not directory.exists():
        return 0
    cutoff = time.time() - older_than_seconds
    for pending in directory.glob(".incoming-*"):
        if pending.stat().st_mtime < cutoff:
            pending.unlink(missing_ok=True)
            removed += 1
    return removed
