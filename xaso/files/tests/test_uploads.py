"""Uploads are judged by their bytes: each accepted type passes (images re-encoded without metadata), each hostile
one is refused with a Vietnamese message naming the file, and nothing of a refused file is stored."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from xaso.files.uploads import EVIDENCE, MB, SIGNED, Policy, upload_accept

from . import samples
from .samples import upload


def refusal(name: str, data: bytes, policy=EVIDENCE) -> str:
    with pytest.raises(ValidationError) as exc:
        upload_accept(upload(name, data), policy=policy, field="evidence")
    return " ".join(exc.value.message_dict["evidence"])


@pytest.mark.parametrize(
    ("name", "make", "ext"),
    [
        ("Báo cáo quý I.pdf", samples.pdf, "pdf"),
        ("anh.png", lambda: samples.image("PNG"), "png"),
        ("ảnh hiện trường.JPG", lambda: samples.image("JPEG"), "jpg"),
        ("anh.webp", lambda: samples.image("WEBP"), "webp"),
        ("bien-ban.docx", samples.docx, "docx"),
        ("so-lieu.xlsx", samples.xlsx, "xlsx"),
        ("bien-ban.odt", lambda: samples.odf("application/vnd.oasis.opendocument.text"), "odt"),
        ("so-lieu.ods", lambda: samples.odf("application/vnd.oasis.opendocument.spreadsheet"), "ods"),
    ],
)
def test_evidence_accepts_pdf_images_and_office_files(name, make, ext):
    accepted = upload_accept(upload(name, make()), policy=EVIDENCE, field="evidence")
    assert accepted.extension == ext
    assert accepted.download_name == name.rsplit(".", 1)[0] + "." + ext
    assert accepted.content.name == f"upload.{ext}"


def test_the_type_comes_from_the_bytes_not_the_name():
    accepted = upload_accept(upload("bao-cao.docx", samples.pdf()), policy=EVIDENCE, field="evidence")
    assert (accepted.extension, accepted.download_name) == ("pdf", "bao-cao.pdf")


def test_an_image_is_re_encoded_without_its_metadata():
    original = samples.image("JPEG", exif=True)
    assert Image.open(io.BytesIO(original)).getexif()[0x010F] == "Camera of the officer"
    accepted = upload_accept(upload("anh.jpg", original), policy=EVIDENCE, field="evidence")
    stored = accepted.content.read()
    assert stored != original
    with Image.open(io.BytesIO(stored)) as picture:
        assert picture.format == "JPEG" and picture.size == (40, 30) and not picture.getexif()


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("trang.html", samples.HTML, "là HTML"),
        ("bieu-do.svg", samples.SVG, "Scalable Vector Graphics"),
        ("bao-cao.pdf", samples.HTML, "là HTML"),  # a PDF-named HTML page
        ("bao-cao.pdf", samples.EXE, "không phải loại được nhận"),
        ("ghi-chu.txt", "Chỉ là văn bản".encode(), "loại không nhận ra được"),
        ("bao-cao.pdf", samples.pdf_with_html(), "mã HTML hoặc mã lệnh"),
        ("anh.jpg", samples.jpeg_with_html(), "mã HTML hoặc mã lệnh"),
        ("bao-cao.pdf", samples.pdf_with_zip(), "đồng thời là tệp nén ZIP"),
        ("bao-cao.pdf", samples.pdf_with_javascript(), "có mã lệnh"),
        ("bao-cao.pdf", samples.pdf_with_hidden_javascript(), "có mã lệnh"),
        ("bao-cao.pdf", samples.pdf()[:-60], "không phải PDF hoàn chỉnh"),
        ("tai-lieu.docx", samples.plain_zip(), "không phải văn bản Word/Excel"),
        ("tai-lieu.docx", samples.docm(), "có macro"),
        ("anh.png", samples.image("PNG")[:60], "bị hỏng"),
        ("anh.gif", samples.image("GIF"), "không phải loại được nhận"),
    ],
)
def test_hostile_or_foreign_files_are_refused_with_the_reason(name, data, says):
    message = refusal(name, data)
    assert f"“{name}”" in message and says in message


def test_an_oversized_file_is_refused_before_it_is_read():
    data = samples.pdf() + b"%" * (10 * MB)
    assert "vượt giới hạn 10 MB" in refusal("lon.pdf", data)
    assert upload_accept(upload("vua.pdf", samples.pdf()), policy=Policy(EVIDENCE.families, 10 * MB), field="evidence")


def test_the_size_limit_is_the_fields():
    data = samples.pdf()
    assert "vượt giới hạn" in refusal("a.pdf", data, policy=Policy(EVIDENCE.families, len(data) - 1))
    assert upload_accept(upload("a.pdf", data), policy=Policy(EVIDENCE.families, len(data)), field="evidence")


def test_a_signed_document_is_a_pdf_or_a_photo_not_an_office_file():
    assert upload_accept(upload("ban-ky.pdf", samples.pdf()), policy=SIGNED, field="evidence").extension == "pdf"
    assert upload_accept(upload("ban-ky.jpg", samples.image("JPEG")), policy=SIGNED, field="evidence")
    message = refusal("ban-ky.docx", samples.docx(), policy=SIGNED)
    assert "Chỉ nhận: PDF, ảnh PNG, JPEG hoặc WebP." in message


def test_a_zip_bomb_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", samples.docx() and zipfile.ZipFile(io.BytesIO(samples.docx())).read(
            "[Content_Types].xml"))  # fmt: skip
        archive.writestr("word/document.xml", b"0" * (201 * MB))
    assert "giải nén ra quá lớn" in refusal("bom.docx", out.getvalue(), policy=Policy(EVIDENCE.families, 10 * MB))


def test_an_image_too_large_to_decode_is_refused():
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")  # 48 megapixels, a few kilobytes
    assert "quá 40 triệu điểm ảnh" in refusal("lon.png", out.getvalue())


def test_an_unknown_private_file_server_is_a_settings_error(settings):
    from xaso.files.checks import private_file_server_check

    assert private_file_server_check(None) == []
    settings.XASO_PRIVATE_FILE_SERVER = "nginx"
    assert private_file_server_check(None) == []
    settings.XASO_PRIVATE_FILE_SERVER = "lighttpd"
    assert [e.id for e in private_file_server_check(None)] == ["xaso.files.E001"]
