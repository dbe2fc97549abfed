"""Render a Word template (templates_docx/) with docxtpl, and convert .docx to PDF with LibreOffice headless.

The templates hold the look; this module only fills them: it puts the data (already formatted as Vietnamese
text by documents.py), embeds chart images, and sets the widths of the target table whose horizon columns
repeat (`{%tc %}`): the fixed columns keep their widths from the table's alternative text
(`xaso:fit:<total mm>:<w1>,<w2>,...`), the repeated ones share the rest. A table whose columns are chosen by the
data (`xaso:cols:<context path>`) takes its widths, in mm, from that list of the context.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined

TEMPLATES_DIR = Path(__file__).parent / "templates_docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_WIDTH_MM = 150


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed (or failed): the message says what to install."""


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _fit_tables(document) -> None:
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is None or not caption.get(qn("w:val"), "").startswith("xaso:fit:"):
            continue
        _prefix, _fit, total, fixed = caption.get(qn("w:val")).split(":")
        widths = [float(w) for w in fixed.split(",")]
        grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
        repeated = len(grid) - len(widths)
        rest = (float(total) - sum(widths)) / repeated if repeated > 0 else 0
        all_widths = widths[: len(grid)] + [rest] * max(0, repeated)
        for col, width in zip(grid, all_widths, strict=True):
            col.set(qn("w:w"), str(_twips(width)))
        for row in table.rows:
            for tc, width in zip(row._tr.tc_lst, all_widths, strict=False):
                tc.get_or_add_tcPr().get_or_add_tcW().width = Mm(width)


def _lookup(context: dict, path: str):
    value = context
    for key in path.split("."):
        value = value[key]
    return value


def _set_widths(document, context: dict) -> None:
    """`xaso:cols:<path>` tables: one grid column per width of `context[path]`, each cell as wide as the columns it
    spans (the template's grid is rebuilt: its columns were the template's, not the document's)."""
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is None or not caption.get(qn("w:val"), "").startswith("xaso:cols:"):
            continue
        widths = [float(w) for w in _lookup(context, caption.get(qn("w:val"))[len("xaso:cols:") :])]
        grid = table._tbl.tblGrid
        for col in grid.findall(qn("w:gridCol")):
            grid.remove(col)
        for width in widths:
            col = grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(_twips(width))})
            grid.append(col)
        for tr in table._tbl.tr_lst:
            start = 0
            for tc in tr.tc_lst:
                span = tc.grid_span
                tc.get_or_add_tcPr().get_or_add_tcW().width = Mm(sum(widths[start : start + span]))
                start += span


def _borderless(tc, side: str) -> None:
    pr = tc.get_or_add_tcPr()
    borders = pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = pr.makeelement(qn("w:tcBorders"), {})
        pr.append(borders)
    borders.append(borders.makeelement(qn(f"w:{side}"), {qn("w:val"): "nil"}))


def _open_vertical_merges(document) -> None:
    """A vertically merged cell (`{% vm %}`, the item of Appendix I over its actions) becomes one cell per row with
    the rule between them removed: the text stays in the first row, which grows to hold it, so no cell's text flows
    over a page break when the rows below move to the next page."""
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is None or not caption.get(qn("w:val"), "").startswith("xaso:cols:"):
            continue  # the merges drawn in a template (a header over two rows) stay merges
        rows = table._tbl.tr_lst
        for i, tr in enumerate(rows):
            for index, tc in enumerate(tr.tc_lst):
                merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
                if merge is None:
                    continue
                if merge.get(qn("w:val")) != "restart":
                    _borderless(tc, "top")
                tc.tcPr.remove(merge)
                below = rows[i + 1].tc_lst if i + 1 < len(rows) else []
                nxt = below[index].tcPr if index < len(below) and below[index].tcPr is not None else None
                if nxt is not None and (m := nxt.find(qn("w:vMerge"))) is not None and m.get(qn("w:val")) != "restart":
                    _borderless(tc, "bottom")


def _fold_empty_last_section(document) -> None:
    """A document whose last section is left empty (a plan without appendices) ends with the section before it: the
    page set-up of the paragraph that closed that section becomes the document's own, and the paragraph goes."""
    body = document.element.body
    blocks = [el for el in body if el.tag != qn("w:sectPr")]
    last = blocks[-1] if blocks else None
    if last is None or last.tag != qn("w:p") or last.pPr is None or last.pPr.sectPr is None:
        return
    if "".join(last.itertext()).strip():
        return
    closing = last.pPr.sectPr
    body.remove(body.sectPr)
    body.append(closing)
    body.remove(last)


def _environment() -> Environment:
    # every name a template uses must be in the context: a missing one is a bug, not a blank in an official paper
    return Environment(autoescape=True, undefined=StrictUndefined)


def render_docx(template: str, context: dict, *, images: dict[str, bytes | None] | None = None) -> bytes:
    """Fill `templates_docx/<template>` with `context`; `images` (PNG bytes) become `charts.<name>` InlineImages."""
    tpl = DocxTemplate(TEMPLATES_DIR / template)
    charts = {
        name: InlineImage(tpl, BytesIO(png), width=Mm(CHART_WIDTH_MM)) if png else ""
        for name, png in (images or {}).items()
    }
    tpl.render({**context, "charts": charts}, jinja_env=_environment(), autoescape=True)
    _fit_tables(tpl.docx)
    _set_widths(tpl.docx, context)
    _open_vertical_merges(tpl.docx)
    _fold_empty_last_section(tpl.docx)
    out = BytesIO()
    tpl.save(out)
    return out.getvalue()


def soffice_path() -> str | None:
    configured = getattr(settings, "XASO_SOFFICE", "")
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: int = 120) -> bytes:
    """LibreOffice headless, with a profile of its own per call (concurrent conversions do not share one)."""
    soffice = soffice_path()
    if not soffice:
        raise PdfUnavailable(
            _("Chưa cài LibreOffice để xuất PDF (Debian: apt-get install libreoffice-writer-nogui fonts-liberation2).")
        )
    with tempfile.TemporaryDirectory(prefix="xaso-pdf-") as tmp:
        work = Path(tmp)
        source = work / f"{uuid.uuid4().hex}.docx"
        source.write_bytes(docx)
        profile = (work / "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
                   "--convert-to", "pdf", "--outdir", str(work), str(source)]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # noqa: S603
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable(
                _("LibreOffice không chuyển xong văn bản sang PDF trong %(s)s giây.") % {"s": timeout}
            ) from exc
        target = source.with_suffix(".pdf")
        if done.returncode != 0 or not target.exists():
            raise PdfUnavailable(
                _("LibreOffice không chuyển được văn bản sang PDF: %(err)s")
                % {"err": (done.stderr or done.stdout).decode(errors="replace")[-300:]}
            )
        return target.read_bytes()
