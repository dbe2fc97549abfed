"""The document register: imported from the document system's export, counted into the commune's figures,
listed behind each figure; bad rows named by row and column with nothing saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from xaso.core.models import Period
from xaso.correspondence import layouts
from xaso.correspondence.figures import element_filter
from xaso.correspondence.models import Direction, Document, DocumentType, Signature
from xaso.correspondence.register import DOCUMENTS, direction_of
from xaso.indicators.models import ChangeSource, DataValue, DataValueChange
from xaso.registers.cells import header_key
from xaso.registers.models import RegisterImport
from xaso.registers.services import columns_suggest, import_map, import_start

from .conftest import xlsx

pytestmark = pytest.mark.django_db

DONE, FAILED, MAPPING = RegisterImport.Status.DONE, RegisterImport.Status.FAILED, RegisterImport.Status.MAPPING
OUT_HEADER = [
    "STT",
    "Số, ký hiệu",
    "Ngày phát hành",
    "Loại văn bản",
    "Trích yếu",
    "Nơi nhận",
    "Người ký",
    "Văn bản điện tử",
    "Ký số",
    "Độ mật",
]
IN_HEADER = [
    "Số đến",
    "Ngày đến",
    "Số ký hiệu",
    "Ngày văn bản",
    "Cơ quan ban hành",
    "Trích yếu",
    "Hình thức nhận",
    "Tình trạng xử lý",
    "Độ mật",
]


def outgoing_rows() -> list[list[object]]:
    """November 2025: 4 outgoing documents, 3 signed (one personal, one organisation, one both), 3 electronic,
    and one secret document that no figure counts. October: 1 document, signed."""
    return [
        [
            1,
            "30/KH-UBND",
            date(2025, 11, 3),
            "Kế hoạch",
            "Kế hoạch chuyển đổi số",
            "Các ấp",
            "Nguyễn Văn A",
            "Điện tử",
            "Cá nhân và tổ chức",
            "",
        ],
        [2, "125/UBND-VP", "05/11/2025", "", "V/v báo cáo", "Sở KH&CN", "Nguyễn Văn A", "Điện tử", "Tổ chức", ""],
        [3, "12/TB-UBND", "2025-11-20", "TB", "Thông báo", "Các ấp", "", "Giấy", "Không", "Thường"],
        [4, "13/BC-UBND", date(2025, 11, 28), "Báo cáo", "Báo cáo tháng", "UBND tỉnh", "", "Điện tử", "Cá nhân", ""],
        [5, "14/QĐ-UBND", date(2025, 11, 28), "", "Quyết định", "", "", "Điện tử", "Cá nhân", "Mật"],
        [6, "120/UBND-VP", date(2025, 10, 31), "", "V/v", "", "", "Điện tử", "Có", ""],
    ]


def register_import(*, user, unit, data: bytes, filename: str) -> RegisterImport:
    """The document system's export imported as an officer does: the shared register machinery's import."""
    return import_start(user=user, unit=unit, register=DOCUMENTS, upload=SimpleUploadedFile(filename, data))


def errors_of(job: RegisterImport) -> list[tuple[int, str]]:
    assert job.status == FAILED, job.status
    return [(e["row"], e["column"]) for e in job.report["errors"]]


def figure(code: str, unit, period: str) -> float | None:
    row = DataValue.objects.filter(data_element__code=code, unit=unit, period__code=period).first()
    return row.value if row else None


def test_outgoing_register_becomes_the_months_figures(catalog, an_vien, an_vien_officer):
    result = register_import(
        user=an_vien_officer,
        unit=an_vien,
        data=xlsx([OUT_HEADER, *outgoing_rows()], title="SỔ VĂN BẢN ĐI NĂM 2025"),
        filename="so-di.xlsx",
    )
    assert (result.status, result.rows, result.created, result.updated) == (DONE, 6, 6, 0), result.error
    assert result.layout_name == "Nhận theo tên cột"
    assert set(Document.objects.values_list("direction", flat=True)) == {Direction.OUTGOING}
    assert result.report["months"] == ["2025-10-01", "2025-11-01"]
    # November: 4 counted (the secret one is left out), 3 signed, 3 electronic (one on paper)
    assert figure("documents_sent_total", an_vien, "2025-11") == 4
    assert figure("documents_sent_signed", an_vien, "2025-11") == 3
    assert figure("documents_sent_electronic", an_vien, "2025-11") == 3
    assert figure("documents_sent_total", an_vien, "2025-10") == 1
    assert figure("documents_sent_signed", an_vien, "2025-10") == 1
    assert figure("documents_received_total", an_vien, "2025-11") == 0  # the month was recounted: none came in
    sources = set(DataValueChange.objects.filter(unit=an_vien).values_list("source", flat=True))
    assert sources == {ChangeSource.REGISTER}
    docs = {d.number: d for d in Document.objects.filter(unit=an_vien)}
    assert docs["30/KH-UBND"].doc_type == DocumentType.KH and docs["30/KH-UBND"].signature == Signature.BOTH
    assert docs["125/UBND-VP"].doc_type == DocumentType.CV and docs["125/UBND-VP"].registered_on == date(2025, 11, 5)
    assert docs["12/TB-UBND"].is_electronic is False and docs["14/QĐ-UBND"].is_secret is True
    assert docs["120/UBND-VP"].signature == Signature.SIGNED


def test_signer_names_are_not_stored(catalog, an_vien, an_vien_officer):
    register_import(
        user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *outgoing_rows()]), filename="so-di.xlsx"
    )
    stored = [str(v) for row in Document.objects.values_list() for v in row]
    assert not any("Nguyễn Văn A" in v for v in stored)


def test_reimport_updates_the_same_documents(catalog, an_vien, an_vien_officer):
    rows = outgoing_rows()
    register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *rows]), filename="a.xlsx")
    stamps = dict(Document.objects.values_list("number", "updated_at"))
    history = DataValueChange.objects.count()
    same = register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *rows]), filename="b.xlsx")
    assert (same.status, same.created, same.updated, same.unchanged) == (DONE, 0, 0, 6)  # the same file: nothing
    assert dict(Document.objects.values_list("number", "updated_at")) == stamps
    assert DataValueChange.objects.count() == history
    rows[2][7], rows[2][8] = "Điện tử", "Tổ chức"  # the paper notice was sent again, signed, on the system
    result = register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *rows]), filename="a.xlsx")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 5)
    assert Document.objects.filter(unit=an_vien).count() == 6
    assert figure("documents_sent_signed", an_vien, "2025-11") == 4
    assert figure("documents_sent_electronic", an_vien, "2025-11") == 4


def test_incoming_register_counts_online_and_handled(catalog, an_vien, an_vien_officer):
    rows = [
        [1, "01/12/2025", "1500/UBND-KGVX", "28/11/2025", "UBND tỉnh Đồng Nai", "V/v 06", "Điện tử", "Đã xử lý", ""],
        [2, "02/12/2025", "12/TB-SNV", "01/12/2025", "Sở Nội vụ", "Thông báo", "Điện tử", "Đang xử lý", ""],
        [3, "02/12/2025", "12/TB-STC", "01/12/2025", "Sở Tài chính", "Thông báo", "Giấy", "Đã xử lý", ""],
    ]
    result = register_import(user=an_vien_officer, unit=an_vien, data=xlsx([IN_HEADER, *rows]), filename="den.xlsx")
    assert result.status == DONE and result.created == 3
    assert set(Document.objects.values_list("direction", flat=True)) == {
        Direction.INCOMING
    }  # same number 12/TB from two issuers: two documents
    assert figure("documents_received_total", an_vien, "2025-12") == 3
    assert figure("documents_received_online", an_vien, "2025-12") == 2
    # handled as required ON THE SYSTEM: the paper one handled does not count
    assert figure("documents_received_handled", an_vien, "2025-12") == 1


def test_one_bad_row_saves_nothing_and_names_row_and_column(catalog, an_vien, an_vien_officer):
    rows = outgoing_rows()
    rows[1][2] = "31/11/2025"  # no such day
    rows[3][8] = "Chưa rõ"  # not a signature kind
    rows[5][1] = ""  # no number
    job = register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *rows]), filename="a.xlsx")
    assert errors_of(job) == [(3, "Ngày phát hành"), (5, "Ký số"), (7, "Số, ký hiệu")]
    assert "31/11/2025" in job.report["errors"][0]["message"]
    assert Document.objects.count() == 0 and DataValue.objects.count() == 0
    # every cell readable, a type Decree 30 does not know: named by its row and column too, nothing saved
    rows = outgoing_rows()
    rows[4][3] = "Thư ngỏ"
    job = register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *rows]), filename="a.xlsx")
    assert errors_of(job) == [(6, "Loại văn bản")]
    assert "Nghị định 30/2020/NĐ-CP" in job.report["errors"][0]["message"]
    assert Document.objects.count() == 0 and DataValue.objects.count() == 0
    # both at once: the unreadable cell does not hide the unknown type of another row
    rows[1][2] = "31/11/2025"
    job = register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *rows]), filename="a.xlsx")
    assert errors_of(job) == [(3, "Ngày phát hành"), (6, "Loại văn bản")]
    assert Document.objects.count() == 0 and DataValue.objects.count() == 0


def test_future_date_and_duplicate_rows_are_refused(catalog, an_vien, an_vien_officer):
    rows = outgoing_rows()[:2]
    rows.append(list(rows[0]))
    rows.append([9, "99/UBND-VP", timezone.localdate() + timedelta(days=1), "", "", "", "", "Điện tử", "Có", ""])
    job = register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *rows]), filename="a.xlsx")
    messages = {(e["row"], e["column"]): e["message"] for e in job.report["errors"]}
    assert job.status == FAILED
    assert "dòng 2" in messages[(4, "Số, ký hiệu")]
    assert (5, "Ngày phát hành") in messages
    assert Document.objects.count() == 0


def test_header_missing_a_required_column_waits_for_its_mapping_which_names_it(catalog, an_vien, an_vien_officer):
    header = [c for c in OUT_HEADER if c != "Ký số"]
    job = register_import(
        user=an_vien_officer, unit=an_vien, data=xlsx([header, [1, "1/TB-UBND", "01/11/2025"]]), filename="a.xlsx"
    )
    assert job.status == MAPPING
    suggested = columns_suggest(register=DOCUMENTS, keys=[header_key(h) for h in header])
    with pytest.raises(ValidationError, match="Ký số"):
        import_map(user=an_vien_officer, register_import=job, columns=suggested)
    assert Document.objects.count() == 0


def test_csv_export_with_semicolons_reads_the_same(catalog, an_vien, an_vien_officer):
    text = "Số, ký hiệu;Ngày phát hành;Văn bản điện tử;Ký số\n30/KH-UBND;03/11/2025;Điện tử;Cá nhân\n"
    result = register_import(user=an_vien_officer, unit=an_vien, data=text.encode("utf-8"), filename="di.csv")
    assert result.created == 1 and figure("documents_sent_signed", an_vien, "2025-11") == 1
    assert result.rows == 1


def test_officer_cannot_import_into_another_commune(catalog, an_vien, tri_an_officer, province_analyst):
    for user in (tri_an_officer, province_analyst):
        with pytest.raises(PermissionDenied):
            register_import(user=user, unit=an_vien, data=xlsx([OUT_HEADER, *outgoing_rows()]), filename="a.xlsx")
    assert Document.objects.count() == 0


def test_drill_down_lists_exactly_the_documents_counted(client, catalog, an_vien, an_vien_officer):
    register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *outgoing_rows()]), filename="a.xlsx")
    client.force_login(an_vien_officer)
    response = client.get(
        reverse("correspondence:list"), {"unit": an_vien.code, "period": "2025-11", "element": "documents_sent_signed"}
    )
    assert response.status_code == 200
    listed = [d.number for d in response.context["page_obj"].object_list]
    assert sorted(listed) == ["125/UBND-VP", "13/BC-UBND", "30/KH-UBND"]
    assert len(listed) == figure("documents_sent_signed", an_vien, "2025-11")
    lines = {line.code: line for line in response.context["lines"]}
    assert (lines["documents_sent_signed"].count, lines["documents_sent_signed"].total) == (3, 4)
    assert round(lines["documents_sent_signed"].percent, 1) == 75.0
    assert "75,0%" in response.content.decode()


def test_other_commune_cannot_read_the_register(client, catalog, an_vien, an_vien_officer, tri_an_officer):
    register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *outgoing_rows()]), filename="a.xlsx")
    client.force_login(tri_an_officer)
    response = client.get(reverse("correspondence:list"), {"unit": an_vien.code, "period": "2025-11"})
    assert response.status_code == 404
    assert "30/KH-UBND" not in response.content.decode()


def test_province_analyst_reads_a_commune_register(client, catalog, an_vien, an_vien_officer, province_analyst):
    register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *outgoing_rows()]), filename="a.xlsx")
    client.force_login(province_analyst)
    response = client.get(reverse("correspondence:list"), {"unit": an_vien.code, "period": "2025-11"})
    assert response.status_code == 200 and "30/KH-UBND" in response.content.decode()


def test_import_page_shows_errors_by_row_and_column(client, catalog, an_vien, an_vien_officer):
    rows = outgoing_rows()
    rows[0][7] = "Fax"
    client.force_login(an_vien_officer)
    upload_page = client.get(reverse("correspondence:import"))
    assert upload_page.status_code == 302 and upload_page.url == reverse(
        "registers:upload", kwargs={"slug": "documents", "code": an_vien.code}
    )
    upload = SimpleUploadedFile("so-di.xlsx", xlsx([OUT_HEADER, *rows]))
    response = client.post(upload_page.url, {"file": upload}, follow=True)
    body = response.content.decode()
    assert 'data-testid="import-errors"' in body
    assert "Văn bản điện tử" in body and "“Fax”" in body
    assert Document.objects.count() == 0


def test_secret_documents_hide_their_summary_and_are_not_counted(catalog, an_vien, an_vien_officer):
    register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *outgoing_rows()]), filename="a.xlsx")
    counted = Document.objects.filter(element_filter("documents_sent_total"), unit=an_vien)
    assert "14/QĐ-UBND" not in set(counted.values_list("number", flat=True))


@pytest.mark.parametrize(
    ("cell", "number", "expected"),
    [
        ("", "30/KH-UBND", "KH"),
        ("", "125/UBND-VP", "CV"),
        ("", "5/QĐ-UBND", "QĐ"),
        ("", "5/QD-UBND", "QĐ"),
        ("", "2/ĐA-UBND", "ĐA"),
        ("", "2/DA-UBND", "DA"),
        ("", "3/HĐ-UBND", "HĐ"),
        ("", "3/HD-UBND", "HD"),
        ("Tờ trình", "1", "TTr"),
        ("QyĐ", "1", "QyĐ"),
        ("", "không số", "KHAC"),
    ],
)
def test_decree30_type_from_column_or_symbol(cell, number, expected):
    assert layouts.parse_type(cell, number) == expected


def test_direction_is_read_from_the_header():
    def direction(header):
        return direction_of(set(columns_suggest(register=DOCUMENTS, keys=[header_key(h) for h in header]).values()))

    assert direction(OUT_HEADER) == Direction.OUTGOING
    assert direction(IN_HEADER) == Direction.INCOMING
    assert direction(["Số, ký hiệu", "Ngày đến", "Nơi nhận"]) is None
    assert DOCUMENTS.columns_problem({"number", "received_on", "recipients"}).startswith("Không biết")


def test_period_of_figures_is_the_month(catalog, an_vien, an_vien_officer):
    register_import(user=an_vien_officer, unit=an_vien, data=xlsx([OUT_HEADER, *outgoing_rows()]), filename="a.xlsx")
    assert Period.objects.filter(code="2025-11").exists()


def test_approved_plan_is_registered_as_an_outgoing_document(catalog, an_vien, an_vien_officer, an_vien_leader):
    from xaso.plans import services as plans
    from xaso.plans.models import PlanStatus

    plan = plans.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    plan.status = PlanStatus.SUBMITTED
    plan.save(update_fields=["status"])
    plans.plan_approve(
        plan=plan,
        user=an_vien_leader,
        number="30/KH-UBND",
        issued_on=date(2025, 11, 12),
        signer_name="Lê Văn B",
        signer_title="Phó Chủ tịch",
    )
    doc = Document.objects.get(unit=an_vien)
    assert (doc.direction, doc.number, doc.doc_type, doc.registered_on) == (
        "out",
        "30/KH-UBND",
        "KH",
        date(2025, 11, 12),
    )
    assert doc.plan_id == plan.pk and doc.origin == "xaso" and doc.signature == Signature.NONE
    assert figure("documents_sent_total", an_vien, "2025-11") == 1
    assert figure("documents_sent_signed", an_vien, "2025-11") == 0
    # the document system's export of the same month then tells how it was signed and sent: no second document
    register_import(
        user=an_vien_officer,
        unit=an_vien,
        data=xlsx(
            [
                OUT_HEADER,
                outgoing_rows()[0][:2]
                + [date(2025, 11, 12), "Kế hoạch", "", "", "", "Điện tử", "Cá nhân và tổ chức", ""],
            ]
        ),
        filename="a.xlsx",
    )
    doc.refresh_from_db()
    assert Document.objects.filter(unit=an_vien).count() == 1
    assert doc.signature == Signature.BOTH and doc.plan_id == plan.pk
    assert figure("documents_sent_signed", an_vien, "2025-11") == 1


def _documents(unit, n: int) -> None:
    Document.objects.bulk_create(
        Document(
            unit=unit,
            direction="out",
            number=f"{i}/UBND-VP",
            doc_type="CV",
            registered_on=date(2025, 11, 3),
            is_electronic=True,
            signature=Signature.BOTH,
            key=f"{i}/ubnd-vp",
        )
        for i in range(Document.objects.count(), Document.objects.count() + n)
    )


def test_register_page_queries_do_not_grow_with_the_documents(client, catalog, an_vien, an_vien_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(an_vien_officer)
    counts = []
    for n in (5, 120):
        _documents(an_vien, n)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("correspondence:list"), {"period": "2025-11"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] <= 20, counts
