"""Synthetic files for the attachment tests, made when the tests run: a real one-page PDF
(pypdf), real PNG and JPEG images (Pillow), and files that only start like one of those."""

import io

from PIL import Image
from pypdf import PdfWriter


def pdf(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)  # A4, in points
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image(kind="PNG", size=(4, 3)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(buffer, kind)
    return buffer.getvalue()


PDF = pdf()
PNG = image("PNG")
JPEG = image("JPEG")
# An HTML page dressed as a PDF: its first bytes are a PDF's, the rest is a web page.
HTML_PDF = (
    b"%PDF-1.7\n<!DOCTYPE html><html><head><title>Letter</title></head>"
    b"<body><script>document.location='https://attacker.example/'</script></body></html>\n%%EOF\n"
)
# A PNG whose pixel data is cut short, and a JPEG cut in half: the right first bytes, no image.
TRUNCATED_PNG = PNG[:-20]
TRUNCATED_JPEG = JPEG[: len(JPEG) // 2]
