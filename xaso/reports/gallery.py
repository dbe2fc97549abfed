"""Every official document of every plan a user can read, generated as an official would, then turned into PDF and
page images: what the annotation test scans and what `make document-screenshots` saves under docs/screenshots/.

Each plan gives its plan (KH), the progress report of its first quarter and of its first year (BC), and the year-end
evaluation of its last year.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xaso.plans.models import Plan
from xaso.plans.selectors import plans_for_user

from . import services
from .render import PdfUnavailable, docx_to_pdf


@dataclass
class Generated:
    name: str  # file stem: "kh-an-vien-2026", "bc-an-vien-2026Q1", ...
    docx: bytes


def plan_documents(plan: Plan, user) -> list[Generated]:
    place = services._slug(services.documents.place_name(plan.unit))
    y0, y1 = plan.year_from, plan.year_to
    return [
        Generated(f"kh-{place}-{y0}", services.document_plan_docx(plan, user)),
        Generated(f"bc-{place}-{y0}q1", services.document_progress_docx(plan, user, f"{y0}Q1")),
        Generated(f"bc-{place}-{y0}", services.document_progress_docx(plan, user, str(y0))),
        Generated(f"danh-gia-{place}-{y1}", services.document_evaluation_docx(plan, user, y1)),
    ]


def all_documents(user) -> list[Generated]:
    """The documents of every plan the user may read (oldest plan first)."""
    plans = plans_for_user(user).select_related("unit__parent").order_by("year_from", "id")
    return [doc for plan in plans for doc in plan_documents(plan, user)]


def first_page_png(pdf: bytes, *, dpi: int = 60) -> bytes:
    """Page 1 of a PDF as PNG (poppler's pdftoppm)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise PdfUnavailable("pdftoppm (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory(prefix="xaso-png-") as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(pdf)
        command = [tool, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(source), str(Path(tmp) / "p")]
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603
        return (Path(tmp) / "p.png").read_bytes()


def save_first_pages(user, out: Path) -> list[Path]:
    """Write `<name>.png` (page 1 of each document) into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in all_documents(user):
        path = out / f"{doc.name}.png"
        path.write_bytes(first_page_png(docx_to_pdf(doc.docx)))
        written.append(path)
    return written
