"""PDF through LibreOffice headless: the same text as the .docx, A4 pages (landscape appendices), the serif font
that stands in for Times New Roman (Liberation Serif, same metrics), page numbers from page 2."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter

import pytest

from xaso.reports import services
from xaso.reports.render import PdfUnavailable, docx_to_pdf

from .conftest import docx_text, open_docx

pytestmark = pytest.mark.django_db
needs_pdf = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or poppler-utils (pdftotext) is not installed: `make system-deps` installs them",
)


def _pdftotext(pdf: bytes, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _words(text: str) -> Counter:
    return Counter(re.findall(r"\S+", text))


def _joined(text: str) -> str:
    """A line broken after the hyphen inside a word ("57-" / "NQ/TW") is one word again; a lone dash stays."""
    return re.sub(r"(\w)-\n\s*(?=\S)", r"\1-", text)


@pytest.fixture
def plan_files(an_vien_plan, an_vien_officer):
    docx = services.document_plan_docx(an_vien_plan, an_vien_officer)
    return docx, docx_to_pdf(docx)


@needs_pdf
def test_pdf_has_the_same_text_as_the_docx(plan_files):
    docx, pdf = plan_files
    expected = _words(docx_text(open_docx(docx)))
    found = _words(_joined(_pdftotext(pdf, "-layout")))  # -layout keeps a lone "-" at a line end (a dash, not a hyphen)
    pages = int(re.search(r"Pages:\s+(\d+)", _pdfinfo(pdf)).group(1))
    page_numbers = Counter(str(n) for n in range(2, pages + 1))
    missing = expected - found
    extra = found - expected - page_numbers
    assert not missing, f"in the .docx, not in the PDF: {sorted(missing)[:20]}"
    assert not extra, f"in the PDF, not in the .docx: {sorted(extra)[:20]}"


def _pdfinfo(pdf: bytes, *args: str) -> str:
    return subprocess.run(["pdfinfo", *args, "-"], input=pdf, capture_output=True, check=True).stdout.decode()


@needs_pdf
def test_pdf_pages_are_a4_portrait_then_landscape_appendices(plan_files):
    _docx, pdf = plan_files
    info = _pdfinfo(pdf, "-f", "1", "-l", "99")
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert sizes, info
    portrait = [s for s in sizes if round(float(s[0])) == 595 and round(float(s[1])) == 842]
    landscape = [s for s in sizes if round(float(s[0])) == 842 and round(float(s[1])) == 595]
    assert portrait and landscape and len(portrait) + len(landscape) == len(sizes)
    assert sizes[0] in portrait and sizes[-1] in landscape  # the appendices come last


@needs_pdf
def test_pdf_uses_the_times_new_roman_metric_font_and_embeds_it(plan_files):
    _docx, pdf = plan_files
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()}
    assert names <= {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic",
                     "TimesNewRomanPSMT", "TimesNewRomanPS-BoldMT", "TimesNewRomanPS-ItalicMT",
                     "TimesNewRomanPS-BoldItalicMT"}, names  # fmt: skip
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip())  # embedded


@needs_pdf
def test_page_number_is_absent_on_page_one_and_present_on_page_two(plan_files):
    _docx, pdf = plan_files
    first = _pdftotext(pdf, "-f", "1", "-l", "1").split()
    second = _pdftotext(pdf, "-f", "2", "-l", "2").split()
    assert first[0] == "UBND" and "1" not in first[:3]
    assert second[0] == "2"


@needs_pdf
def test_progress_report_pdf_has_its_charts(an_vien_plan, an_vien_officer):
    pdf = services.document_progress_pdf(an_vien_plan, an_vien_officer, "2026")
    assert pdf.startswith(b"%PDF")
    text = _pdftotext(pdf)
    assert "BÁO CÁO" in text and "Kết quả thực hiện kế hoạch chuyển đổi số năm 2026" in text


def test_missing_libreoffice_is_a_clear_error(settings):
    settings.XASO_SOFFICE = "/nonexistent/soffice"
    with pytest.raises(PdfUnavailable, match="LibreOffice"):
        docx_to_pdf(b"not used")
