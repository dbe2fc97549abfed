"""What an upload really is, judged from its bytes (never its name), and whether the field takes it.

Evidence of a task and the signed plan were stored as sent: an HTML page or an SVG with a script, named
`bao-cao.pdf`, was then served from xaso's own address and ran there. Now every upload is:

1. bounded in size per field (`Policy.max_bytes`), refused before it is read further;
2. identified from its bytes by `puremagic` (a maintained, pure-Python magic-number database: nothing to install
   on the server, unlike libmagic, and its answers are the same on every machine); only PDF, PNG/JPEG/WebP images
   and office files (docx, xlsx, odt, ods) are accepted, each only where the field takes it;
3. checked in depth: a PDF starts with `%PDF-`, ends with `%%EOF` and carries no JavaScript or launch action; an
   image is fully decoded by Pillow and re-encoded (metadata and anything hidden after the picture are gone); an
   office file is a zip whose `[Content_Types].xml` (Office) or `mimetype` member (OpenDocument) names a document,
   without macros, within member-count and unpacked-size bounds (no zip bomb);
4. refused if it is also something else (a polyglot): HTML or script markup anywhere in the bytes, or a PDF or
   picture that is also a zip archive.

A refusal is a `ValidationError` on the field, in Vietnamese, naming the file and what is wrong; nothing is stored.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

import puremagic
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
PDF, IMAGE, OFFICE = "pdf", "image", "office"

# detected MIME type → (family, stored extension)
TYPES = {
    "application/pdf": (PDF, "pdf"),
    "image/png": (IMAGE, "png"),
    "image/jpeg": (IMAGE, "jpg"),
    "image/webp": (IMAGE, "webp"),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",  # files stored by older versions keep their extension
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "zip": "application/zip",  # generated: the province-wide ZIP of plans
}
# the main part an Office package declares in [Content_Types].xml → extension (macro-enabled ones are refused)
OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_UNPACKED = 200 * MB
PDF_MAX_INFLATED = 100 * MB  # all compressed streams of a PDF, inflated, when looking for scripts
IMAGE_MAX_PIXELS = 40_000_000  # a 40-megapixel photo; larger ones are refused before they are decoded

# markup a browser or a script host would run; long enough never to occur by chance in compressed bytes
_MARKUP = re.compile(rb"<\s*(script|html|svg|iframe|object|embed|body)|<!doctype\s+html|<\?php|javascript:", re.I)
# in an office file, XML parts may be stored unpacked (ODF's <meta:…>, Office's SVG icons): only the active parts
_OFFICE_MARKUP = re.compile(rb"<\s*(script|html|iframe)|<!doctype\s+html|<\?php|javascript:", re.I)
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Policy:
    """What one file field takes: families (pdf, image, office) and a size limit."""

    families: frozenset[str]
    max_bytes: int

    def allowed_text(self) -> str:
        names = {PDF: _("PDF"), IMAGE: _("ảnh PNG, JPEG hoặc WebP"), OFFICE: _("tệp Word/Excel (docx, xlsx, odt, ods)")}
        return ", ".join(str(names[f]) for f in (PDF, IMAGE, OFFICE) if f in self.families)


EVIDENCE = Policy(frozenset({PDF, IMAGE, OFFICE}), 10 * MB)  # a report, a photo of the work, a spreadsheet
SIGNED = Policy(frozenset({PDF, IMAGE}), 20 * MB)  # the signed paper, scanned to PDF or photographed


@dataclass(frozen=True)
class Accepted:
    """A checked upload: the bytes to store (re-encoded for images), its type, and the name to download it as."""

    content: ContentFile
    extension: str
    download_name: str


def upload_accept(upload, *, policy: Policy, field: str) -> Accepted:
    """Check an uploaded file against the field's policy; raise ValidationError({field: message}) if refused."""
    name = display_name(getattr(upload, "name", "") or "tep")

    def refuse(message: str, **params) -> ValidationError:
        return ValidationError({field: [message % {"name": name, **params}]})

    size = getattr(upload, "size", None)
    if size is not None and size > policy.max_bytes:
        raise refuse(_("Tệp “%(name)s” nặng %(size)s MB, vượt giới hạn %(max)s MB."),
                     size=_mb(size), max=_mb(policy.max_bytes))  # fmt: skip
    upload.seek(0)
    data = upload.read(policy.max_bytes + 1)
    if len(data) > policy.max_bytes:
        raise refuse(_("Tệp “%(name)s” vượt giới hạn %(max)s MB."), max=_mb(policy.max_bytes))
    if not data:
        raise refuse(_("Tệp “%(name)s” trống."))
    family, ext, what = _identify(data)
    if family is None or family not in policy.families:
        raise refuse(_("Tệp “%(name)s” là %(what)s, không phải loại được nhận ở đây. Chỉ nhận: %(allowed)s."),
                     what=what, allowed=policy.allowed_text())  # fmt: skip
    if (_OFFICE_MARKUP if family == OFFICE else _MARKUP).search(data):
        raise refuse(_("Tệp “%(name)s” có chứa mã HTML hoặc mã lệnh (tệp đa định dạng): không nhận."))
    if family != OFFICE and zipfile.is_zipfile(io.BytesIO(data)):
        raise refuse(_("Tệp “%(name)s” đồng thời là tệp nén ZIP (tệp đa định dạng): không nhận."))
    try:
        if family == PDF:
            _check_pdf(data)
        elif family == IMAGE:
            data, ext = _reencode_image(data)
        else:
            ext = _office_kind(data)
    except _Refused as exc:
        raise refuse(exc.message) from None
    stem = os.path.splitext(name)[0] or "tep"
    return Accepted(ContentFile(data, name=f"upload.{ext}"), ext, f"{stem[:150]}.{ext}")


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",").removesuffix(",0")


def display_name(name: str) -> str:
    """The base name an official gave the file, without folders or control characters, at most 180 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    return base.strip(" .")[:180] or "tep"


def _identify(data: bytes) -> tuple[str | None, str, str]:
    """(family, extension, a readable name of what the bytes are) from the magic-number database."""
    try:
        matches = puremagic.magic_string(data)
    except puremagic.PureError:
        matches = []
    for match in matches:
        if match.mime_type in TYPES and match.offset >= 0:  # a header match; Pillow and the PDF check confirm it
            family, ext = TYPES[match.mime_type]
            return family, ext, match.name
    if data.startswith(b"PK\x03\x04"):
        return OFFICE, "zip", _("tệp nén ZIP")
    if matches:
        return None, "", f"{matches[0].name} ({matches[0].mime_type or matches[0].extension})"
    return None, "", _("loại không nhận ra được (văn bản thường hoặc dữ liệu lạ)")


def _check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise _Refused(_("Tệp “%(name)s” không phải PDF hoàn chỉnh: thiếu phần đầu hoặc phần cuối của tệp PDF."))
    for part in (data, *_pdf_streams(data)):  # actions may hide in compressed object streams
        names = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), part)  # /J#61vaScript is /JavaScript
        if _PDF_ACTIVE.search(names):  # (markup was searched in the raw bytes, what a browser could sniff)
            raise _Refused(
                _("Tệp PDF “%(name)s” có mã lệnh, tệp đính kèm hoặc hành động tự chạy: in lại ra PDF thường.")
            )


_PDF_STREAM = re.compile(rb"stream\r?\n")


def _pdf_streams(data: bytes):
    """The Flate-compressed streams of a PDF, inflated (at most PDF_MAX_INFLATED bytes in all: no zip bomb)."""
    budget = PDF_MAX_INFLATED
    for match in _PDF_STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        if end < 0 or budget <= 0:
            return
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(data[match.end() : end], budget)
        except zlib.error:
            continue  # not Flate (an image, another filter): nothing a PDF reader would run
        budget -= len(chunk)
        yield chunk


def _reencode_image(data: bytes) -> tuple[bytes, str]:
    """Decode fully and save again: only the picture survives (no EXIF/GPS, nothing appended after it)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG", "WEBP"):
                raise _Refused(_("Ảnh “%(name)s” không phải PNG, JPEG hay WebP."))
            if probe.width * probe.height > IMAGE_MAX_PIXELS:
                raise _Refused(_("Ảnh “%(name)s” quá lớn (quá 40 triệu điểm ảnh): thu nhỏ rồi tải lại."))
            fmt = probe.format
            image = ImageOps.exif_transpose(probe)  # keep the photo upright once its EXIF is gone
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _Refused(_("Ảnh “%(name)s” bị hỏng, không đọc được.")) from None
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    options = {"JPEG": {"quality": 90, "optimize": True}, "WEBP": {"quality": 90}, "PNG": {"optimize": True}}[fmt]
    image.save(out, format=fmt, **options)
    return out.getvalue(), {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[fmt]


def _office_kind(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _Refused(_("Tệp “%(name)s” là tệp nén hỏng.")) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > ZIP_MAX_MEMBERS or sum(i.file_size for i in infos) > ZIP_MAX_UNPACKED:
            raise _Refused(_("Tệp “%(name)s” giải nén ra quá lớn: không nhận."))
        names = {i.filename for i in infos}
        lowered = {n.lower() for n in names}
        if any(n.endswith("vbaproject.bin") or n.startswith(("basic/", "scripts/")) for n in lowered):
            raise _Refused(_("Tệp “%(name)s” có macro: lưu lại thành tệp không có macro (docx, xlsx) rồi tải lên."))
        if "[Content_Types].xml" in names:
            types = archive.read("[Content_Types].xml")[: 1 * MB].decode("utf-8", "replace")
            for content_type, ext in OOXML_MAIN.items():
                if f'ContentType="{content_type}"' in types:
                    return ext
            if "macroEnabled" in types:
                raise _Refused(_("Tệp “%(name)s” có macro: lưu lại thành tệp không có macro (docx, xlsx) rồi tải lên."))
        elif infos and infos[0].filename == "mimetype":
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
            if mimetype in ODF_MIMETYPES:
                return ODF_MIMETYPES[mimetype]
    raise _Refused(_("Tệp “%(name)s” là tệp nén nhưng không phải văn bản Word/Excel (docx, xlsx, odt, ods)."))
