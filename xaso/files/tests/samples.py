"""Real files of each kind, made here (Pillow, python-docx, openpyxl, zipfile), and the hostile ones."""

from __future__ import annotations

import functools
import io
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook
from PIL import Image


def image(fmt: str, size=(40, 30), exif: bool = False) -> bytes:
    picture = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "Camera of the officer"  # Make
        data[0x8825] = {2: (10.0, 45.0, 0.0)}  # GPS latitude
        options["exif"] = data.tobytes()
    picture.save(out, format=fmt, **options)
    return out.getvalue()


@functools.cache
def pdf() -> bytes:
    """A one-page PDF (Pillow's writer stamps the time: made once, so every test compares the same bytes)."""
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PDF")
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    document = Document()
    document.add_paragraph("Biên bản nghiệm thu <script>alert(1)</script>")  # text is escaped in the XML
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def odf(mimetype: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # first and stored, as ODF requires
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>', zipfile.ZIP_DEFLATED)
        archive.writestr("meta.xml", "<office:document-meta><meta:generator>x</meta:generator></office:document-meta>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("danh-sach.txt", "không phải văn bản Word")
    return out.getvalue()


def docm() -> bytes:
    """A Word file with macros: [Content_Types].xml names the macro-enabled main part and a vbaProject.bin."""
    source = zipfile.ZipFile(io.BytesIO(docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
            archive.writestr(info.filename, data)
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return out.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/')</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200


def pdf_with_html() -> bytes:
    """A polyglot: a real PDF that a browser sniffing for HTML would also run."""
    data = pdf()
    return data[:20] + b"\n%<html><script>alert(1)</script></html>\n" + data[20:]


def pdf_with_zip() -> bytes:
    """A polyglot: a PDF with a zip archive appended (zip readers find it from the end)."""
    return pdf() + plain_zip()


def jpeg_with_html() -> bytes:
    """A polyglot: a JPEG whose comment segment holds an HTML page."""
    data = image("JPEG")
    comment = b"<html><script>alert(1)</script></html>"
    return data[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + data[2:]


def pdf_with_javascript() -> bytes:
    data = pdf()
    return data.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /J#61vaScript /JS (app.alert(1)) >>", 1)


def pdf_with_hidden_javascript() -> bytes:
    """JavaScript inside a compressed object stream, where a plain byte search does not see it."""
    hidden = zlib.compress(b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>")
    data = pdf()
    end = data.rindex(b"xref")
    obj = b"99 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length %d >>\nstream\n" % len(hidden)
    return data[:end] + obj + hidden + b"\nendstream\nendobj\n" + data[end:]


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)
