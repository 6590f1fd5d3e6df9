"""Files sent with contacts: accepted only when their content is an allowed type and their name
agrees with it; stored so that they are in place exactly when the contact is committed; the
temporary files of rolled-back contacts swept away."""

import io
import os
import time
import zipfile

import pytest
from django.core.management import call_command
from django.db import transaction

from frontdoor import attachments
from frontdoor.attachments import AttachmentRefused, check

from .synthetic_files import HTML_PDF, JPEG, PDF, PNG, TRUNCATED_JPEG, TRUNCATED_PNG, pdf

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx():
    """A real, minimal Word document: the parts Word needs, zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/word/document.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
            ),
        )
        archive.writestr(
            "_rels/.rels",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '  # noqa: E501
                'Target="word/document.xml"/></Relationships>'
            ),
        )
        archive.writestr(
            "word/document.xml",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>A synthetic referral letter.</w:t></w:r></w:p></w:body></w:document>"
            ),
        )
    return buffer.getvalue()


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def attachment_root(settings, tmp_path):
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    return settings.ATTACHMENT_ROOT


# --- check ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("letter.pdf", PDF, "application/pdf"),
        ("LETTER.PDF", PDF, "application/pdf"),
        ("referral.docx", None, DOCX_TYPE),
        ("photo.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("note.txt", "A synthetic note: café, naïve, £5.\r\nSecond line.\t".encode(), "text/plain"),
    ],
)
def test_each_allowed_type_is_accepted_by_its_content(name, content, content_type):
    content = docx() if content is None else content
    checked = check(name, content)
    assert checked.content_type == content_type
    assert checked.name == name
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("letter.pdf", EXE, "its content is a Windows program"),
        ("letter.pdf", ELF, "its content is a program"),
        ("photo.pdf", PNG, "is a PNG image but its name ends .pdf: rename it to end .png"),
        ("letter.txt", PDF, "is a PDF but its name ends .txt"),
        ("referral.zip", docx(), "is a Word document but its name ends .zip"),
        ("referral.docx", plain_zip(), "its content is a zip archive"),
        ("report", PDF, "its name ends with no extension"),
        ("tool.exe", EXE, "a Windows program"),
        ("binary.txt", b"\x00\x01\x02\x03 not text", "not a type this service accepts"),
        ("control.txt", b"text with a bell \x07 in it", "not a type this service accepts"),
    ],
)
def test_disguised_and_unknown_files_are_refused(name, content, says):
    with pytest.raises(AttachmentRefused) as refused:
        check(name, content)
    assert says in str(refused.value)


# Parsed, not sniffed: the first bytes of an allowed type are not enough.


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("letter.pdf", HTML_PDF, "its content starts like a PDF but does not open as one"),
        (
            "letter.pdf",
            b"%PDF-1.4\n" + b"A synthetic note, not a PDF.\n" * 20,
            "starts like a PDF but does not open as one",
        ),
        ("letter.pdf", pdf()[:200], "starts like a PDF but does not open as one"),
        ("photo.png", TRUNCATED_PNG, "its content starts like a PNG image but does not decode as one"),
        (
            "photo.png",
            PNG[:8] + b"<html><body>not an image</body></html>",
            "starts like a PNG image but does not decode",
        ),
        ("photo.jpg", TRUNCATED_JPEG, "its content starts like a JPEG image but does not decode as one"),
        ("referral.docx", None, "starts like a Word document but does not open as one"),
        (
            "note.txt",
            b"A synthetic note. " * 300 + b"\x1b[31m an escape sequence",
            "is not UTF-8 text throughout",
        ),
    ],
)
def test_a_file_that_only_starts_like_an_allowed_type_is_refused(name, content, says):
    if content is None:  # a Word document whose main part is not XML
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<html><body>not a Word document</body>")
        content = buffer.getvalue()
    with pytest.raises(AttachmentRefused) as refused:
        check(name, content)
    message = str(refused.value)
    assert message.startswith(f"The file {name} must be a PDF, Word (.docx), PNG, JPEG or plain text (.txt): ")
    assert says in message


def test_a_pdf_of_several_pages_and_a_larger_image_are_accepted():
    from .synthetic_files import image

    assert check("letter.pdf", pdf(pages=3)).content_type == "application/pdf"
    assert check("photo.jpg", image("JPEG", size=(640, 480))).content_type == "image/jpeg"
    assert check("note.txt", "\ufeffA synthetic note with a byte order mark.".encode()).content_type == "text/plain"


def test_an_image_too_large_to_decode_safely_is_refused(monkeypatch):
    from .synthetic_files import image

    monkeypatch.setattr(attachments, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(AttachmentRefused, match="starts like a PNG image but does not decode as one"):
        check("photo.png", image("PNG", size=(20, 20)))


def test_an_empty_file_is_refused():
    with pytest.raises(AttachmentRefused, match="The file empty.txt is empty"):
        check("empty.txt", b"")


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_accepted(settings):
    settings.ATTACHMENT_MAX_BYTES = 2048
    assert check("note.txt", b"x" * 2048).size == 2048
    with pytest.raises(AttachmentRefused, match="must be smaller than 2 KB"):
        check("note.txt", b"x" * 2049)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\someone\\note.txt", "note.txt"),
        ("/var/lib/note.txt", "note.txt"),
        ("  note.txt  ", "note.txt"),
    ],
)
def test_only_the_last_part_of_a_path_like_name_is_kept(given, kept):
    assert check(given, b"A synthetic note.").name == kept


@pytest.mark.parametrize("name", ["", "   ", "folder/", "..\\"])
def test_a_file_needs_a_name(name):
    with pytest.raises(AttachmentRefused, match="Give the file a name"):
        check(name, b"A synthetic note.")


def test_a_name_over_200_characters_is_refused():
    with pytest.raises(AttachmentRefused, match="200 characters"):
        check("n" * 197 + ".txt", b"A synthetic note.")


def test_stored_names_are_letters_and_digits_only():
    with pytest.raises(ValueError):
        attachments.path_of("../escape")
    with pytest.raises(ValueError):
        attachments.path_of(".incoming-abc")


# --- store ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_stored_file_is_in_place_after_commit(attachment_root):
    with transaction.atomic():
        final = attachments.store("a" * 32, PDF)
        assert not final.exists()  # not before the commit
        assert (attachment_root / f".incoming-{'a' * 32}").read_bytes() == PDF
    assert final.read_bytes() == PDF
    assert not list(attachment_root.glob(".incoming-*"))
    assert oct(final.stat().st_mode & 0o777) == "0o600"
    assert oct(attachment_root.stat().st_mode & 0o777) == "0o700"


@pytest.mark.django_db(transaction=True)
def test_a_stored_file_is_not_in_place_after_rollback(attachment_root):
    class Failure(Exception):
        pass

    with pytest.raises(Failure):
        with transaction.atomic():
            final = attachments.store("b" * 32, PDF)
            raise Failure
    assert not final.exists()
    assert [p.name for p in attachment_root.iterdir()] == [f".incoming-{'b' * 32}"]


@pytest.mark.django_db(transaction=True)
def test_a_file_stored_in_a_rolled_back_savepoint_is_not_moved_into_place(attachment_root):
    with transaction.atomic():
        kept = attachments.store("c" * 32, PDF)
        try:
            with transaction.atomic():
                dropped = attachments.store("d" * 32, PDF)
                raise RuntimeError("a synthetic failure inside the savepoint")
        except RuntimeError:
            pass
    assert kept.exists()
    assert not dropped.exists()


# --- sweep_attachments ---------------------------------------------------------------------


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_sweep_removes_old_temporary_files_only(attachment_root, db):
    attachment_root.mkdir(parents=True)
    old = attachment_root / ".incoming-old"
    new = attachment_root / ".incoming-new"
    stored = attachment_root / ("e" * 32)
    for path in (old, new, stored):
        path.write_bytes(b"synthetic")
    age(old, 7200)
    age(stored, 7200)
    out = io.StringIO()
    call_command("sweep_attachments", stdout=out)
    assert "Removed 1 temporary file " in out.getvalue()
    assert not old.exists()
    assert new.exists()
    assert stored.exists()
    call_command("sweep_attachments", "--older-than", "0", stdout=out)
    assert not new.exists()
    assert stored.exists()


def test_the_sweep_with_no_folder_removes_nothing(attachment_root, db):
    out = io.StringIO()
    call_command("sweep_attachments", stdout=out)
    assert "Removed 0 temporary files" in out.getvalue()
    assert not attachment_root.exists()
