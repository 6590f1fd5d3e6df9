"""Files sent with a contact: checked by their content, stored outside the web root.

A file is accepted only if its content is one of the allowed types (PDF, Word .docx, PNG,
JPEG, plain text) and its name's extension agrees with that content, so a program renamed
"letter.pdf" is refused. The type is first guessed from the bytes with `filetype` (magic
numbers), never from what the sender claims; then the file is parsed as that type, because
the first bytes prove nothing (an HTML page that starts "%PDF" is not a PDF): a PDF must open
with pypdf and have a page, an image must pass Pillow's verify() and decode in full, a Word
document's main part must be well-formed XML, and a text file must be UTF-8 text throughout.
Files are written under settings.ATTACHMENT_ROOT by a random name; they are only ever served
as downloads (Content-Disposition: attachment, application/octet-stream, nosniff), never
inline, and nothing in them is executed.
"""

import hashlib
import logging
import os
import warnings
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import filetype
from django.conf import settings
from django.db import transaction
from lxml import etree
from PIL import Image
from pypdf import PdfReader

# pypdf tells its logger about whatever is odd in a file it reads, sometimes quoting the file:
# what a partner sent about a child is not for the logs. A file that does not open is refused.
logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)

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
    "application/pdf": "a PDF",
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    DOCX: "a Word document",
    "text/plain": "a text file",
    "application/x-msdownload": "a Windows program",
    "application/x-executable": "a program",
    "application/zip": "a zip archive",
}
ALLOWED_LIST = "PDF, Word (.docx), PNG, JPEG or plain text (.txt)"
# An image larger than this (width x height) is refused before it is decoded: a small file can
# hold a picture that takes gigabytes to decode (a "decompression bomb").
MAX_IMAGE_PIXELS = 40_000_000
# A Word document's main part is read to check it; more than this unzipped is refused.
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024
PILLOW_FORMATS = {"image/png": {"PNG"}, "image/jpeg": {"JPEG", "MPO"}}


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


def _is_plain_text(data, whole=False):
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if text.startswith("\ufeff"):  # a byte order mark, as some editors write
        text = text[1:]
    return all(ch.isprintable() or ch in "\r\n\t\f" for ch in (text if whole else text[:4096]))


def _opens_as_pdf(data):
    """Whether pypdf reads the file: its cross-reference table and trailer, its catalogue and
    page tree, and a first page with a size. (A password-protected PDF whose structure reads is
    a PDF too, though its pages cannot be listed without the password.)"""
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return reader.trailer.get("/Root") is not None
        if len(reader.pages) < 1:
            return False
        box = reader.pages[0].mediabox
        return box.width > 0 and box.height > 0
    except Exception:  # noqa: BLE001 - whatever pypdf raises, the file does not open
        return False


def _decodes_as_image(data, content_type):
    """Whether Pillow finds the image of that type intact (verify(): the chunks and their
    checksums) and decodes every pixel of it (load(): a cut-short or corrupt image fails)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                if image.format not in PILLOW_FORMATS[content_type]:
                    return False
                width, height = image.size
                if width < 1 or height < 1 or width * height > MAX_IMAGE_PIXELS:
                    return False
                image.verify()
            with Image.open(BytesIO(data)) as image:  # verify() leaves the image unusable: open it again
                image.load()
        return True
    except Exception:  # noqa: BLE001 - whatever Pillow raises, the image does not decode
        return False


def _opens_as_docx(data):
    """Whether the Word document's main part (word/document.xml) is well-formed XML, read
    without entities, external files or the network."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML_BYTES:
                return False
            xml = archive.read(info)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        etree.fromstring(xml, parser)
        return True
    except Exception:  # noqa: BLE001 - a bad zip, a missing part or bad XML: it does not open
        return False


# Why a file that starts like an allowed type is refused when it does not parse as one.
DOES_NOT_OPEN = {
    "application/pdf": "starts like a PDF but does not open as one",
    "image/png": "starts like a PNG image but does not decode as one",
    "image/jpeg": "starts like a JPEG image but does not decode as one",
    DOCX: "starts like a Word document but does not open as one",
    "text/plain": "is not UTF-8 text throughout",
}


def parses(content_type, data):
    """Whether the file parses as the allowed type its first bytes suggest."""
    if content_type == "application/pdf":
        return _opens_as_pdf(data)
    if content_type in PILLOW_FORMATS:
        return _decodes_as_image(data, content_type)
    if content_type == DOCX:
        return _opens_as_docx(data)
    if content_type == "text/plain":
        return _is_plain_text(data, whole=True)
    return False


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
    if not parses(content_type, data):
        raise AttachmentRefused(f"The file {name} must be a {ALLOWED_LIST}: its content {DOES_NOT_OPEN[content_type]}")
    if extension not in ALLOWED[content_type]:
        raise AttachmentRefused(
            f"The file {name} is {DESCRIBED[content_type]} but its name ends {extension or 'with no extension'}: "
            f"rename it to end {sorted(ALLOWED[content_type])[0]}"
        )
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
