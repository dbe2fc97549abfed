"""Importing dossier exports: figures from the register, idempotent re-imports, history, bad input named by row and
column with nothing saved, personal data dropped unless the commune keeps it, scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from xaso.dossiers.models import Channel, Dossier, DossierChange, Result
from xaso.dossiers.services import dossier_settings_set
from xaso.indicators.models import ChangeSource, DataValue, DataValueChange
from xaso.registers.models import ImportLayout, RegisterImport
from xaso.registers.services import import_map

from .conftest import JULY, NEW_HEADER, PROVINCE_HEADER, csv_bytes, province_row, run_import

pytestmark = pytest.mark.django_db

DONE, FAILED, MAPPING = RegisterImport.Status.DONE, RegisterImport.Status.FAILED, RegisterImport.Status.MAPPING


def figures(unit, period="2025-07") -> dict[str, float]:
    return dict(DataValue.objects.filter(unit=unit, period__code=period).values_list("data_element__code", "value"))


def test_provincial_export_is_read_by_its_known_layout_and_counted_into_figures(full_catalog, an_vien,
                                                                                an_vien_officer):  # fmt: skip
    job = run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, JULY))
    assert job.status == DONE, job.error
    assert job.layout_name.startswith("Hệ thống thông tin giải quyết TTHC tỉnh")
    assert (job.rows, job.created, job.updated, job.unchanged) == (5, 5, 0, 0)
    a2 = Dossier.objects.get(unit=an_vien, code="AV-0002")
    assert (a2.channel, a2.result, a2.fee_paid_online) == (Channel.IN_PERSON, Result.APPROVED, False)
    assert Dossier.objects.get(code="AV-0005").result == Result.WITHDRAWN
    got = figures(an_vien)
    assert got["dossiers_received_total"] == 5
    assert got["dossiers_online"] == 2
    assert got["dossiers_in_person"] == 2
    assert got["dossiers_contactless"] == 3  # online 2 + post 1
    assert got["dossiers_resolved"] == 3  # the withdrawn and the open dossier are not resolved
    assert got["dossiers_resolved_on_time"] == 2  # AV-0002 finished 08/07, due 04/07
    assert got["dossier_results_digitised"] == 2
    assert got["dossiers_digitised"] == 4
    assert got["fee_payments_total"] == 2  # AV-0003's fee column is empty: no fee
    assert got["fee_payments_cashless"] == 1
    # full-online: AV-0001 (1.001193, full) online; AV-0003 (1.000894, partial) online is not
    assert got["dossiers_full_online"] == 1
    # eligible: procedures offered online (1.001193 full, 1.000894 partial, 1.004082 partial, 2.000908 partial)
    assert got["dossiers_online_eligible"] == 4
    sources = set(DataValueChange.objects.filter(unit=an_vien).values_list("source", flat=True))
    assert sources == {ChangeSource.REGISTER}


def test_reimporting_the_same_file_changes_nothing(full_catalog, an_vien, an_vien_officer):
    data = csv_bytes(PROVINCE_HEADER, JULY)
    run_import(an_vien_officer, an_vien, data)
    history = DataValueChange.objects.count()
    again = run_import(an_vien_officer, an_vien, data)
    assert again.status == DONE
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert Dossier.objects.count() == 5
    assert DataValueChange.objects.count() == history
    assert not DossierChange.objects.exists()


def test_overlapping_file_adds_the_new_and_updates_a_changed_status_with_history(full_catalog, an_vien,
                                                                                  an_vien_officer):  # fmt: skip
    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, JULY))
    later = [
        *JULY[:3],
        province_row(4, "AV-0004", "1.004082", "Trực tiếp", "15/07/2025", "30/07/2025", "04/08/2025", "Đã giải quyết"),
        JULY[4],
        province_row(6, "AV-0006", "1.001193", "Trực tuyến", "05/08/2025", "07/08/2025", "06/08/2025", "Hoàn thành"),
    ]  # fmt: skip
    job = run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, later))
    assert (job.created, job.updated, job.unchanged) == (1, 1, 4)
    change = DossierChange.objects.get(dossier__code="AV-0004")
    assert change.changes["finished_on"] == [None, "2025-08-04"]
    assert change.changes["result"] == [Result.PENDING, Result.APPROVED]
    assert change.register_import_id == job.pk
    august = figures(an_vien, "2025-08")
    assert august["dossiers_received_total"] == 1
    assert august["dossiers_resolved"] == 2  # AV-0004 (late: due 30/07) and AV-0006
    assert august["dossiers_resolved_on_time"] == 1
    assert figures(an_vien)["dossiers_received_total"] == 5  # July unchanged


def test_bad_rows_are_each_named_by_row_and_column_and_nothing_is_saved(full_catalog, an_vien, an_vien_officer):
    header = [*PROVINCE_HEADER, "Đơn vị tiếp nhận"]
    rows = [
        [*JULY[0], "UBND xã An Viễn"],
        [*province_row(2, "AV-0002", "1.001193", "Trực tiếp", "10/07/2025", "12/07/2025", "05/07/2025",
                       "Đã giải quyết"), "Xã An Viễn"],  # finished before received
        [*province_row(3, "AV-0003", "9.999999", "Trực tuyến", "03/07/2025", "10/07/2025"), ""],  # unknown procedure
        [*province_row(4, "AV-0001", "1.001193", "Trực tuyến", "04/07/2025", "10/07/2025"), ""],  # duplicate code
        [*province_row(5, "TA-0001", "1.001193", "Trực tuyến", "04/07/2025", "10/07/2025"), "UBND xã Trị An"],
    ]  # fmt: skip
    job = run_import(an_vien_officer, an_vien, csv_bytes(header, rows))
    assert job.status == FAILED
    found = {(e["row"], e["column"], e["code"]) for e in job.report["errors"]}
    # the title and a blank line come first: the header is row 3, the first dossier row 4
    assert found == {
        (5, "Ngày có kết quả", "finished_before_received"),
        (6, "Mã thủ tục", "unknown_procedure"),
        (7, "Số hồ sơ", "duplicate"),
        (8, "Đơn vị tiếp nhận", "other_unit"),
    }
    duplicate = next(e for e in job.report["errors"] if e["code"] == "duplicate")
    assert "dòng 4" in duplicate["message"]
    assert not Dossier.objects.exists()
    assert not DataValue.objects.exists()


def test_a_figure_refused_after_the_rows_are_saved_undoes_the_whole_import(full_catalog, an_vien, an_vien_officer):
    """All or nothing when the failure comes late: the rows pass every check and are written, then the figures they
    give break a validation rule with a figure typed earlier (dossiers on the one-stop system, 100, cannot exceed
    the register's 5 received): nothing of the import stays, and the error names the figure in words."""
    from xaso.indicators.services import ValueInput, values_write

    values_write(user=an_vien_officer, rows=[ValueInput("dossiers_on_system", "26296", "2025-07", 100, row=1)])
    job = run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, JULY))
    assert job.status == FAILED
    [error] = job.report["errors"]
    assert error["code"] == "rule_on_system_le_received"
    assert error["column"] == "Tổng số hồ sơ thủ tục hành chính tiếp nhận"
    assert "100 so với 5" in error["message"] and "2025-07" in error["message"]
    assert not Dossier.objects.exists() and not DossierChange.objects.exists()
    assert figures(an_vien) == {"dossiers_on_system": 100}


def test_the_communes_own_name_is_recognised_however_the_export_writes_it(full_catalog, an_vien, an_vien_officer):
    """The unit column names the commune with its office, its level and often its province: all An Viễn; a name
    that only begins like it (An Viễn Mới) or another commune is still another commune's file."""
    header = [*PROVINCE_HEADER, "Đơn vị tiếp nhận"]
    names = ["UBND xã An Viễn", "Bộ phận Một cửa - UBND xã An Viễn", "UBND xã An Viễn, tỉnh Đồng Nai",
             "Xã An Viễn (Đồng Nai)", "Bộ phận tiếp nhận và trả kết quả xã An Viễn – Đồng Nai"]  # fmt: skip
    rows = [[*province_row(n, f"AV-{n}", "1.001193", "Trực tuyến", "01/07/2025", "03/07/2025"), name]
            for n, name in enumerate(names, start=1)]  # fmt: skip
    job = run_import(an_vien_officer, an_vien, csv_bytes(header, rows))
    assert (job.status, job.created) == (DONE, 5), job.report
    others = [
        [*province_row(6, "AV-6", "1.001193", "Trực tuyến", "01/07/2025", "03/07/2025"), "Xã An Viễn Mới"],
        [*province_row(7, "AV-7", "1.001193", "Trực tuyến", "01/07/2025", "03/07/2025"), "UBND xã Trị An, Đồng Nai"],
    ]
    job = run_import(an_vien_officer, an_vien, csv_bytes(header, others))
    assert [(e["row"], e["code"]) for e in job.report["errors"]] == [(4, "other_unit"), (5, "other_unit")]
    assert Dossier.objects.count() == 5


def test_unreadable_cells_are_named_and_nothing_is_saved(full_catalog, an_vien, an_vien_officer):
    rows = [
        JULY[0],
        province_row(2, "AV-0002", "1.001193", "Bằng bồ câu", "31/02/2025", "04/07/2025"),
    ]
    job = run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, rows))
    assert job.status == FAILED
    found = {(e["row"], e["column"]) for e in job.report["errors"]}
    assert found == {(5, "Hình thức nộp"), (5, "Ngày tiếp nhận")}
    assert not Dossier.objects.exists()


def test_unreadable_cells_and_broken_rules_are_reported_together(full_catalog, an_vien, an_vien_officer):
    """One report for the whole file: an unreadable cell in one row does not hide the rules the other rows break
    (the officer would otherwise fix the file twice)."""
    rows = [
        JULY[0],
        province_row(2, "AV-0002", "1.001193", "Bằng bồ câu", "02/07/2025", "04/07/2025"),  # unreadable channel
        province_row(3, "AV-0003", "9.999999", "Trực tuyến", "03/07/2025", "10/07/2025"),  # unknown procedure
        province_row(4, "AV-0004", "1.001193", "Trực tiếp", "10/07/2025", "12/07/2025", "05/07/2025", "Hoàn thành"),
        province_row(5, "AV-0001", "1.001193", "Trực tuyến", "04/07/2025", "10/07/2025"),  # duplicate code
    ]  # fmt: skip
    job = run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, rows))
    assert job.status == FAILED
    found = [(e["row"], e["column"], e["code"]) for e in job.report["errors"]]
    assert found == [
        (5, "Hình thức nộp", "bad_choice"),
        (6, "Mã thủ tục", "unknown_procedure"),
        (7, "Ngày có kết quả", "finished_before_received"),
        (8, "Số hồ sơ", "duplicate"),
    ]
    assert job.report["error_count"] == 4
    assert not Dossier.objects.exists() and not DataValue.objects.exists()


def test_a_year_typed_wrong_is_named_by_row_and_column_and_nothing_is_saved(full_catalog, an_vien, an_vien_officer):
    """A received date in 1900 (or the year 0001) would file figures under a month no one reads: refused."""
    rows = [
        JULY[0],
        province_row(2, "AV-0002", "1.001193", "Trực tuyến", "02/07/1900", "04/07/2025", "03/07/2025", "Hoàn thành"),
        province_row(3, "AV-0003", "1.001193", "Trực tuyến", "02/07/2025", "04/07/0025"),
    ]  # fmt: skip
    job = run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, rows))
    assert job.status == FAILED
    found = {(e["row"], e["column"], e["code"]) for e in job.report["errors"]}
    assert found == {(5, "Ngày tiếp nhận", "bad_date"), (6, "Ngày hẹn trả", "bad_date")}
    assert "02/07/1900" in job.report["errors"][0]["message"]
    assert not Dossier.objects.exists() and not DataValue.objects.exists()


NEW_ROWS = [
    ["DVC-1", "1.001193", "Trực tuyến", "2025-07-01 08:00", "2025-07-03", "2025-07-02 16:30", "Hoàn thành",
     "Trần Văn A", "079123456789"],
    ["DVC-2", "1.000894", "Trực tiếp", "2025-07-02", "2025-07-05", "", "Đang xử lý", "Lê Thị B", "079987654321"],
]  # fmt: skip
NEW_COLUMNS = {
    "ma_ho_so_cong": "code", "thu_tuc_ma": "procedure_code", "kenh": "channel", "nhan_luc": "received_on",
    "hen": "due_on", "xong_luc": "finished_on", "tinh_trang_xu_ly": "result", "ho_ten_nguoi_nop": "applicant_name",
    "cccd": "applicant_id",
}  # fmt: skip


def test_a_new_layout_is_mapped_once_then_recognised_by_its_header(full_catalog, an_vien, an_vien_officer):
    data = csv_bytes(NEW_HEADER, NEW_ROWS, title=False)
    job = run_import(an_vien_officer, an_vien, data)
    assert job.status == MAPPING
    assert not Dossier.objects.exists()
    job = import_map(user=an_vien_officer, register_import=job, columns=NEW_COLUMNS, name="Cổng DVC tỉnh, mẫu 2025")
    assert job.status == DONE, job.error
    assert Dossier.objects.count() == 2
    assert ImportLayout.objects.get(unit=an_vien).name == "Cổng DVC tỉnh, mẫu 2025"
    # the same header in another order and spelling is the same layout
    reordered = csv_bytes(["cccd", *reversed(NEW_HEADER[:-1])], [[r[-1], *reversed(r[:-1])] for r in NEW_ROWS])
    again = run_import(an_vien_officer, an_vien, reordered, "lan-2.csv")
    assert again.status == DONE
    assert (again.created, again.unchanged) == (0, 2)


def test_personal_data_is_dropped_unless_the_commune_keeps_it(full_catalog, an_vien, an_vien_officer):
    layout_job = run_import(an_vien_officer, an_vien, csv_bytes(NEW_HEADER, NEW_ROWS))
    import_map(user=an_vien_officer, register_import=layout_job, columns=NEW_COLUMNS)
    assert set(Dossier.objects.values_list("applicant_name", "applicant_id")) == {("", "")}
    dossier_settings_set(user=an_vien_officer, unit=an_vien, store_applicant=True)
    run_import(an_vien_officer, an_vien, csv_bytes(NEW_HEADER, NEW_ROWS))
    assert Dossier.objects.get(code="DVC-1").applicant_id == "079123456789"
    dossier_settings_set(user=an_vien_officer, unit=an_vien, store_applicant=False)
    assert set(Dossier.objects.values_list("applicant_name", "applicant_id")) == {("", "")}


def test_a_dossiers_history_never_keeps_applicant_data_nor_leaves_it_after_storage_is_off(
    full_catalog, an_vien, an_vien_officer
):
    """The history of a re-import records that the applicant's name or ID changed, never the values: turning the
    commune's storage off must leave no name or ID number anywhere, the history included."""
    dossier_settings_set(user=an_vien_officer, unit=an_vien, store_applicant=True)
    layout_job = run_import(an_vien_officer, an_vien, csv_bytes(NEW_HEADER, NEW_ROWS))
    import_map(user=an_vien_officer, register_import=layout_job, columns=NEW_COLUMNS)
    renamed = [[*NEW_ROWS[0][:7], "Trần Văn An", "079123456780"], NEW_ROWS[1]]
    job = run_import(an_vien_officer, an_vien, csv_bytes(NEW_HEADER, renamed))
    assert (job.created, job.updated, job.unchanged) == (0, 1, 1)
    change = DossierChange.objects.get(dossier__code="DVC-1")
    assert change.changes == {"applicant_name": None, "applicant_id": None}  # changed, values not kept
    history = str(list(DossierChange.objects.values_list("changes", flat=True)))
    assert "Trần Văn" not in history and "07912345678" not in history
    # a history written before it kept the values: turning storage off erases them too, and only them
    older = DossierChange.objects.create(dossier=Dossier.objects.get(code="DVC-2"), changes={
        "applicant_name": ["", "Lê Thị B"], "result": ["pending", "approved"]})  # fmt: skip
    dossier_settings_set(user=an_vien_officer, unit=an_vien, store_applicant=False)
    assert set(Dossier.objects.values_list("applicant_name", "applicant_id")) == {("", "")}
    older.refresh_from_db()
    assert older.changes == {"applicant_name": None, "result": ["pending", "approved"]}


def test_mapping_must_cover_the_required_fields(full_catalog, an_vien, an_vien_officer):
    from django.core.exceptions import ValidationError

    job = run_import(an_vien_officer, an_vien, csv_bytes(NEW_HEADER, NEW_ROWS))
    columns = {**NEW_COLUMNS, "nhan_luc": ""}
    with pytest.raises(ValidationError, match="Ngày tiếp nhận"):
        import_map(user=an_vien_officer, register_import=job, columns=columns)
    twice = {**NEW_COLUMNS, "hen": "received_on"}
    with pytest.raises(ValidationError, match="Ngày tiếp nhận"):
        import_map(user=an_vien_officer, register_import=job, columns=twice)
    assert not ImportLayout.objects.exists()


def test_only_the_communes_writers_import(full_catalog, an_vien, tri_an_officer, province_analyst):
    data = csv_bytes(PROVINCE_HEADER, JULY)
    for user in (tri_an_officer, province_analyst):
        with pytest.raises(PermissionDenied):
            run_import(user, an_vien, data)
    assert not RegisterImport.objects.exists()


def test_another_users_mapping_cannot_be_completed(full_catalog, an_vien, an_vien_officer, an_vien_leader):
    job = run_import(an_vien_officer, an_vien, csv_bytes(NEW_HEADER, NEW_ROWS))
    with pytest.raises(PermissionDenied):
        import_map(user=an_vien_leader, register_import=job, columns=NEW_COLUMNS)


def test_counting_rules_at_their_edges(full_catalog, an_vien, an_vien_officer):
    """Refused counts as resolved, withdrawn does not; finished on the due date or without one is on time; a fee
    'Không thu phí' is no fee; a result digitised counts only for a resolved dossier; the unit may be its code."""
    header = [*PROVINCE_HEADER, "Đơn vị tiếp nhận"]
    rows = [
        [*province_row(1, "E-1", "1.001193", "Trực tiếp", "01/07/2025", "", "03/07/2025", "Từ chối giải quyết",
                       fee="Không thu phí", result_digitised="Có"), "26296"],
        [*province_row(2, "E-2", "1.001193", "Trực tiếp", "01/07/2025", "05/07/2025", "05/07/2025",
                       "Đã giải quyết", fee="Tiền mặt"), "Xã An Viễn"],
        [*province_row(3, "E-3", "1.001193", "Trực tiếp", "01/07/2025", "05/07/2025", "06/07/2025",
                       "Rút hồ sơ", result_digitised="Có"), "An Viễn"],
    ]  # fmt: skip
    job = run_import(an_vien_officer, an_vien, csv_bytes(header, rows))
    assert job.status == DONE, job.report
    got = figures(an_vien)
    assert got["dossiers_resolved"] == 2  # E-1 refused, E-2 approved; E-3 withdrawn
    assert got["dossiers_resolved_on_time"] == 2  # E-1 without a due date, E-2 finished on the due date
    assert got["dossier_results_digitised"] == 1  # E-3's digitised result is not of a resolved dossier
    assert (got["fee_payments_total"], got["fee_payments_cashless"]) == (1, 0)
    assert Dossier.objects.get(code="E-3").finished_on == date(2025, 7, 6)


def test_a_dossier_finished_in_another_month_moves_its_count_there_on_reimport(full_catalog, an_vien,
                                                                                an_vien_officer):  # fmt: skip
    first = [province_row(1, "M-1", "1.001193", "Trực tuyến", "30/07/2025", "05/08/2025", "31/07/2025", "Hoàn thành")]
    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, first))
    assert figures(an_vien)["dossiers_resolved"] == 1
    moved = [province_row(1, "M-1", "1.001193", "Trực tuyến", "30/07/2025", "05/08/2025", "02/08/2025", "Hoàn thành")]
    job = run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, moved))
    assert job.updated == 1
    assert figures(an_vien)["dossiers_resolved"] == 0  # July recounted: the dossier left it
    assert figures(an_vien, "2025-08")["dossiers_resolved"] == 1
    assert figures(an_vien, "2025-08")["dossiers_received_total"] == 0


PORTAL_HEADER = ["Mã hồ sơ", "Mã TTHC", "Tên TTHC", "Kênh nộp", "Ngày nộp", "Hạn xử lý", "Ngày hoàn thành",
                 "Tình trạng"]  # fmt: skip


def test_a_narrower_layout_updates_only_its_columns_and_recounts_the_month_of_a_changed_channel(
    full_catalog, an_vien, an_vien_officer
):
    """The portal's export has no fee nor digitisation column: re-importing AV-0001 from it with another channel
    changes the channel only (history: that field), keeps the fee and digitisation, and July's counts follow."""
    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, JULY))
    assert figures(an_vien)["dossiers_online"] == 2
    rows = [
        ["AV-0001", "1.001193", "", "Trực tiếp", "01/07/2025", "03/07/2025", "02/07/2025", "Đã trả kết quả"],
        ["AV-0003", "1.000894", "", "Trực tuyến", "03/07/2025", "10/07/2025", "10/07/2025", "Đã giải quyết"],
    ]
    job = run_import(an_vien_officer, an_vien, csv_bytes(PORTAL_HEADER, rows), "cong-dvc.csv")
    assert job.layout_name == "Cổng Dịch vụ công quốc gia"
    assert (job.created, job.updated, job.unchanged) == (0, 1, 1)
    a1 = Dossier.objects.get(code="AV-0001")
    assert (a1.channel, a1.fee_paid_online, a1.components_digitised, a1.result_digitised) == (
        Channel.IN_PERSON, True, True, True,
    )  # fmt: skip
    assert a1.last_import_id == job.pk
    assert Dossier.objects.get(code="AV-0003").last_import_id != job.pk  # unchanged: not written
    assert DossierChange.objects.get().changes == {"channel": [Channel.ONLINE, Channel.IN_PERSON]}
    got = figures(an_vien)
    assert (got["dossiers_online"], got["dossiers_in_person"], got["dossiers_full_online"]) == (1, 3, 0)
    assert job.report["months"] == ["2025-07-01"]


def test_a_dossier_of_a_commune_absorbed_in_2025_is_the_successors_and_one_absorbed_elsewhere_is_not(
    full_catalog, dong_nai, an_vien, tri_an, an_vien_officer
):
    """The provinces' exports name a dossier's receiving unit as it was: the old commune, for dossiers it received
    before 1 July 2025 and for some after (its department passed them to An Viễn). Such a row is An Viễn's; the old
    commune that Trị An absorbed is still another commune's file."""
    from xaso.conftest import make_unit
    from xaso.geo.models import Level, UnitSuccession

    old_district = make_unit("legacy:731", "Huyện Vĩnh Cửu", Level.DISTRICT, dong_nai, legacy=True)
    hieu_liem = make_unit("legacy:26017", "Xã Hiếu Liêm", Level.COMMUNE, old_district, legacy=True)
    ma_da = make_unit("legacy:26020", "Xã Mã Đà", Level.COMMUNE, old_district, legacy=True)
    for old, new in ((hieu_liem, an_vien), (ma_da, tri_an)):
        UnitSuccession.objects.create(old_unit=old, new_unit=new, effective_date=date(2025, 7, 1), data_version="t")
    header = [*PROVINCE_HEADER, "Đơn vị tiếp nhận"]
    mine = [
        [*province_row(1, "HL-1", "1.001193", "Trực tuyến", "02/06/2025", "05/06/2025"), "UBND xã Hiếu Liêm"],
        [*province_row(2, "HL-2", "1.001193", "Trực tuyến", "01/07/2025", "03/07/2025"), "Xã Hiếu Liêm, Đồng Nai"],
        [*province_row(3, "HL-3", "1.001193", "Trực tuyến", "01/07/2025", "03/07/2025"), "26017"],
    ]
    job = run_import(an_vien_officer, an_vien, csv_bytes(header, mine))
    assert (job.status, job.created) == (DONE, 3), job.report
    assert set(Dossier.objects.values_list("unit", flat=True)) == {an_vien.pk}
    other = [[*province_row(4, "MD-1", "1.001193", "Trực tuyến", "01/07/2025", "03/07/2025"), "UBND xã Mã Đà"]]
    job = run_import(an_vien_officer, an_vien, csv_bytes(header, other))
    assert [(e["row"], e["code"]) for e in job.report["errors"]] == [(4, "other_unit")]
    assert Dossier.objects.count() == 3
