"""Data screens through the real request stack: import, the entry grid and its cells, history, violations,
export, and scope (another commune's officer sees nothing of An Viễn)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from xaso.core.models import period_get_or_create
from xaso.geo.services import village_create
from xaso.indicators.catalog import catalog_load
from xaso.indicators.models import DataElement, DataValue, DataValueChange
from xaso.indicators.services import ValueInput, values_write

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}

SEED_003 = (
    "chi_tieu;don_vi;ky;gia_tri;ghi_chu\r\n"
    "households_total;legacy:16150;2023;1.961;Báo cáo tổng kết 2023 (seed 003)\r\n"
    "households_fibre;legacy:16150;2023;1.384;\r\n"
    "households_fibre_rate_stated;legacy:16150;2023;70,6;\r\n"
    "population_total;legacy:16150;2023;7.410;\r\n"
    "adults_smartphone;legacy:16150;2023;5.187;\r\n"
    "adults_smartphone_rate_stated;legacy:16150;2023;75;văn bản ghi 75%\r\n"
)


def upload(text: str | bytes, name: str = "so-lieu.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text, "text/csv")


def entry_url(unit, period="2023", **extra) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"unit": unit.code, "period": period, **extra}.items())
    return reverse("indicators:entry") + "?" + query


def cell(client, unit, element, value, period="2023", comment=""):
    data = {"element": element, "unit": unit.code, "period": period, "value": value, "comment": comment}
    return client.post(reverse("indicators:entry_cell"), data, **HTMX)


# import


def test_seed_003_imported_shows_70_6_percent_and_flags_the_stated_75(client, catalog, nga_dien, nga_dien_officer):
    client.force_login(nga_dien_officer)
    response = client.post(reverse("indicators:import"), {"file": upload(SEED_003)})
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "Đã lưu số liệu." in page and '<strong data-testid="created">6</strong>' in page
    page = client.get(entry_url(nga_dien)).content.decode()
    fibre = page.split('data-indicator="households_fibre_rate"')[1].split("</tr>")[0]
    assert "70,6%" in fibre and "⚠" not in fibre  # 1,384 / 1,961 = 70.6%, as the document says
    # the document's 75% is checked against its own computation over the whole population (the target's measure,
    # over adults, has no figure: the document gives no count of adults)
    smartphone = page.split('data-indicator="adults_smartphone_population_rate"')[1].split("</tr>")[0]
    assert 'class="mismatch"' in page.split('data-indicator="adults_smartphone_population_rate"')[0].rsplit("<tr", 1)[1]
    assert "Văn bản nêu 75,0%, tính từ số liệu được 70,0% (lệch 5,0 điểm)." in smartphone  # 5,187 / 7,410
    assert 'value="1.961"' in page  # the grid shows the stored figure the Vietnamese way
    stated_row = page.split('id="row-adults_smartphone_rate_stated"')[1].split("</form>")[0]
    assert 'value="75"' in stated_row
    assert "⚠ Tính từ số liệu: 70,0%, lệch 5,0 điểm so với tỷ lệ nêu." in stated_row
    fibre_row = page.split('id="row-households_fibre_rate_stated"')[1].split("</form>")[0]
    assert "Tính từ số liệu: 70,6%" in fibre_row and "⚠" not in fibre_row


def test_import_with_a_bad_row_saves_nothing_and_lists_row_column_reason(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    text = "chi_tieu,don_vi,ky,gia_tri\r\nhouseholds_total,26296,2023,1961\r\nhouseholds_fibre,26296,2023,nhiều\r\n"
    response = client.post(reverse("indicators:import"), {"file": upload(text)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Có 1 lỗi: không có số liệu nào được lưu." in page
    assert '<td class="num">3</td><td><code>gia_tri</code></td><td>“nhiều” không phải là số' in page
    assert DataValue.objects.count() == 0


def test_import_of_an_unreadable_file_says_why(client, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.post(reverse("indicators:import"), {"file": upload("ten,so\r\na,1\r\n")})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Không đọc được tệp." in page and "Thiếu cột bắt buộc: chi_tieu, don_vi, ky, gia_tri" in page


def test_import_check_only_saves_nothing(client, catalog, nga_dien, nga_dien_officer):
    client.force_login(nga_dien_officer)
    response = client.post(reverse("indicators:import"), {"file": upload(SEED_003), "check_only": "on"})
    assert "chưa lưu (chỉ kiểm tra)" in response.content.decode()
    assert DataValue.objects.count() == 0


def test_import_page_refuses_a_pdf(client, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.post(reverse("indicators:import"), {"file": upload(b"%PDF-1.7", "bao-cao.pdf")})
    assert response.status_code == 400
    assert "không phải CSV hay XLSX" in response.content.decode()


def test_templates_download(client, catalog, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.get(reverse("indicators:import_template") + "?format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-so-lieu.csv"'
    assert response.content.decode("utf-8-sig").startswith("chi_tieu,ten_chi_tieu,don_vi")
    response = client.get(reverse("indicators:import_template") + "?format=xlsx")
    assert load_workbook(io.BytesIO(response.content)).worksheets[0]["A1"].value == "chi_tieu"
    assert client.get(reverse("indicators:import_template") + "?format=pdf").status_code == 400


# entry grid and its cells


def test_grid_lists_the_elements_of_the_period_type_grouped_by_area(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    page = client.get(entry_url(an_vien)).content.decode()
    assert 'id="row-households_total"' in page and 'id="row-camera_points"' in page
    assert 'id="row-dossiers_received"' not in page  # monthly: not in a year's grid
    assert "<h2>Xã hội số</h2>" in page and "<h2>Hạ tầng số</h2>" in page
    assert 'inputmode="decimal"' in page
    monthly = client.get(entry_url(an_vien, "2023-11")).content.decode()
    assert 'id="row-dossiers_received"' in monthly and 'id="row-households_total"' not in monthly
    society = client.get(entry_url(an_vien, area="society")).content.decode()
    assert 'id="row-households_total"' in society and 'id="row-camera_points"' not in society


def test_grid_defaults_to_the_officers_commune(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    page = client.get(reverse("indicators:entry")).content.decode()
    assert "Nhập số liệu · Xã An Viễn" in page and 'id="row-households_total"' in page


def test_cell_post_saves_and_returns_the_formatted_value(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    response = cell(client, an_vien, "households_total", "8500", comment="Điều tra hộ")
    row = response.content.decode()
    assert response.status_code == 200
    assert row.startswith("<form") and 'id="row-households_total"' in row
    assert "✓ Đã lưu: 8.500" in row
    assert response["HX-Trigger"] == "xaso-values-changed"
    value = DataValue.objects.get(data_element__code="households_total", unit=an_vien)
    assert (value.value, value.comment, value.updated_by) == (8500, "Điều tra hộ", an_vien_officer)
    cell(client, an_vien, "households_fibre", "6970")
    rate = cell(client, an_vien, "households_fibre_rate_stated", "90,5").content.decode()
    assert "✓ Đã lưu: 90,5%" in rate  # stored, and flagged: 6,970 / 8,500 = 82.0%
    assert "⚠ Tính từ số liệu: 82,0%, lệch 8,5 điểm so với tỷ lệ nêu." in rate


def test_cell_breaking_a_rule_shows_the_vietnamese_error_and_saves_nothing(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    cell(client, an_vien, "households_total", "1961")
    response = cell(client, an_vien, "households_fibre", "2000")
    row = response.content.decode()
    assert "Số hộ có cáp quang lớn hơn tổng số hộ. (2.000 so với 1.961, Xã An Viễn, kỳ 2023)" in row
    assert "has-error" in row and 'value="2000"' in row  # what was typed stays, to be corrected
    assert "HX-Trigger" not in response
    assert not DataValue.objects.filter(data_element__code="households_fibre").exists()


def test_cell_with_text_in_a_number_shows_the_error_and_keeps_the_stored_value(
    client, catalog, an_vien, an_vien_officer
):
    client.force_login(an_vien_officer)
    cell(client, an_vien, "camera_points", "25")
    row = cell(client, an_vien, "camera_points", "nhiều").content.decode()
    assert "“nhiều” không phải là số" in row
    assert DataValue.objects.get(data_element__code="camera_points").value == 25


def test_cell_refuses_a_future_period(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    row = cell(client, an_vien, "camera_points", "25", period=str(date.today().year + 1)).content.decode()
    assert "chưa bắt đầu" in row and DataValue.objects.count() == 0


def test_blank_cell_deletes_the_value_and_history_keeps_it(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    cell(client, an_vien, "camera_points", "25")
    cell(client, an_vien, "camera_points", "30")
    assert "Đã xóa số liệu." in cell(client, an_vien, "camera_points", "").content.decode()
    assert not DataValue.objects.exists()
    history = client.get(
        reverse("indicators:history") + f"?element=camera_points&unit={an_vien.code}&period=2023"
    ).content.decode()
    table = history.split('data-testid="history"')[1].split("</table>")[0]
    cells = re.findall(r'<td class="num">(.*?)</td>', table, re.S)
    pairs = [(re.sub(r"<[^>]+>", "", old).strip(), re.sub(r"<[^>]+>", "", new).strip())
             for old, new in zip(cells[::2], cells[1::2], strict=True)]  # fmt: skip
    assert pairs == [("30", "(đã xóa)"), ("25", "30"), ("—", "25")]  # newest first, old → new
    assert table.count("Nguyễn Văn An") == 3 and table.count("Nhập trên màn hình") == 3


def test_boolean_cell_takes_co_khong(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    assert "✓ Đã lưu: Có" in cell(client, an_vien, "lan_completed", "1").content.decode()
    assert DataValue.objects.get(data_element__code="lan_completed").value == 1


def test_cell_without_htmx_redirects_back_to_the_grid(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    data = {"element": "camera_points", "unit": an_vien.code, "period": "2023", "value": "25", "area": "society"}
    response = client.post(reverse("indicators:entry_cell"), data)
    assert response.status_code == 302 and response.url == entry_url(an_vien, area="society")
    assert DataValue.objects.get().value == 25


def test_indicators_panel_refreshes_from_the_stored_figures(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    cell(client, an_vien, "households_total", "8500")
    cell(client, an_vien, "households_fibre", "6970")
    panel = client.get(reverse("indicators:entry_indicators") + f"?unit={an_vien.code}&period=2023").content.decode()
    assert "82,0%" in panel  # 6,970 / 8,500


def test_commune_grid_flags_figures_entered_for_both_commune_and_villages(client, catalog, an_vien, an_vien_officer):
    village = village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", an_vien.code, "2023", 8500),
                                             ValueInput("households_total", village.code, "2023", 300)])  # fmt: skip
    client.force_login(an_vien_officer)
    page = client.get(entry_url(an_vien)).content.decode()
    row = page.split('id="row-households_total"')[1].split("</form>")[0]
    assert "Cả xã (gồm thôn/ấp): 8.800" in row
    village_page = client.get(entry_url(village)).content.decode()
    assert 'value="300"' in village_page


def test_analyst_reads_the_grid_but_cannot_post(client, catalog, an_vien, an_vien_officer, province_analyst):
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", an_vien.code, "2023", 8500)])
    client.force_login(province_analyst)
    page = client.get(entry_url(an_vien)).content.decode()
    assert "Bạn chỉ được xem số liệu của đơn vị này." in page
    assert 'name="value"' not in page and "8.500" in page
    assert cell(client, an_vien, "households_total", "1").status_code == 403
    assert DataValue.objects.get().value == 8500


def test_province_grid_shows_totals_read_only(client, catalog, an_vien, tri_an, dong_nai, an_vien_officer,
                                              tri_an_officer, province_analyst):  # fmt: skip
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", an_vien.code, "2023", 8500)])
    values_write(user=tri_an_officer, rows=[ValueInput("households_total", tri_an.code, "2023", 6000)])
    client.force_login(province_analyst)
    page = client.get(reverse("indicators:entry") + "?period=2023").content.decode()
    assert "Thành phố Đồng Nai" in page and "14.500" in page and 'name="value"' not in page


def test_grid_for_a_future_period_cannot_be_typed_in(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    page = client.get(entry_url(an_vien, str(date.today().year + 1))).content.decode()
    assert "chưa bắt đầu" in page and 'name="value"' not in page


def test_bad_period_in_the_url_says_so_and_shows_the_default(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    page = client.get(entry_url(an_vien, "2023Q5")).content.decode()
    assert "Kỳ báo cáo “2023Q5” không hợp lệ" in page and 'id="row-households_total"' in page


def test_grid_query_count_does_not_grow_with_elements(client, an_vien, an_vien_officer, django_assert_max_num_queries):
    catalog_load()
    elements = list(DataElement.objects.filter(period_type="year", value_type="integer"))
    assert len(elements) > 100
    values_write(
        user=an_vien_officer, rows=[ValueInput(e.code, an_vien.code, "2023", 1) for e in elements], allow_delete=True
    )
    client.force_login(an_vien_officer)
    with django_assert_max_num_queries(16):
        page = client.get(entry_url(an_vien)).content.decode()
    assert page.count('class="entry-row') > 100


# history, violations, export


def test_violations_page_lists_stored_figures_that_break_a_rule(client, catalog, an_vien, an_vien_officer):
    village = village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", village.code, "2023", 300),
                                             ValueInput("households_fibre", village.code, "2023", 250)])  # fmt: skip
    # a figure loaded before the rule existed (or by another path) that breaks it
    DataValue.objects.filter(data_element__code="households_fibre").update(value=320)
    month = period_get_or_create("2023-11")
    DataValue.objects.create(data_element=DataElement.objects.get(code="dossiers_received"), unit=an_vien,
                             period=month, value=10)  # fmt: skip
    DataValue.objects.create(data_element=DataElement.objects.get(code="dossiers_online"), unit=an_vien,
                             period=month, value=12)  # fmt: skip
    client.force_login(an_vien_officer)
    page = client.get(reverse("indicators:violations") + f"?unit={an_vien.code}&period=2023").content.decode()
    assert "2 vi phạm" in page
    table = page.split('data-testid="violations"')[1]
    assert "Ấp 1" in table and "Số hộ có cáp quang lớn hơn tổng số hộ." in table and ">320<" in table
    assert "Tháng 11/2023" in table and "Số hồ sơ trực tuyến lớn hơn số hồ sơ tiếp nhận." in table
    clean = client.get(reverse("indicators:violations") + f"?unit={an_vien.code}&period=2022").content.decode()
    assert "Không có vi phạm" in clean


def test_export_view_gives_the_unit_and_its_villages(client, catalog, an_vien, an_vien_officer):
    village = village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", an_vien.code, "2023", 8500),
                                             ValueInput("households_total", village.code, "2023", 300),
                                             ValueInput("households_total", an_vien.code, "2022", 8400)])  # fmt: skip
    client.force_login(an_vien_officer)
    response = client.get(reverse("indicators:export") + f"?unit={an_vien.code}&period=2023&format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="so-lieu-26296-2023.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1:] == ["households_total,Tổng số hộ,26296,Xã An Viễn,2023,8500,",
                         "households_total,Tổng số hộ,26296-001,Ấp 1,2023,300,"]  # fmt: skip
    xlsx = client.get(reverse("indicators:export") + f"?unit={an_vien.code}&period=2023&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("indicators:export") + f"?unit={an_vien.code}&period=20x&format=csv").status_code == 400


def test_exported_file_imports_back_unchanged_through_the_pages(client, catalog, an_vien, an_vien_officer):
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", an_vien.code, "2023", 8500, "Điều tra"),
                                             ValueInput("households_fibre", an_vien.code, "2023", 6970)])  # fmt: skip
    client.force_login(an_vien_officer)
    exported = client.get(reverse("indicators:export") + f"?unit={an_vien.code}&period=2023&format=xlsx")
    response = client.post(reverse("indicators:import"), {"file": upload(exported.content, "so-lieu.xlsx")})
    page = response.content.decode()
    assert '<strong data-testid="unchanged">2</strong>' in page and '<strong data-testid="created">0</strong>' in page
    assert DataValueChange.objects.count() == 2


@pytest.mark.parametrize(
    "url",
    [
        "/data/entry/?unit=26296&period=2023",
        "/data/entry/indicators/?unit=26296&period=2023",
        "/data/export/?unit=26296&period=2023&format=csv",
        "/data/export/?unit=26296&period=2023&format=xlsx",
        "/data/history/?element=households_total&unit=26296&period=2023",
        "/data/violations/?unit=26296&period=2023",
    ],
)
def test_other_communes_officer_gets_nothing_of_an_vien(client, catalog, an_vien, an_vien_officer, nga_dien_officer,
                                                        url):  # fmt: skip
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", an_vien.code, "2023", 8500)])
    client.force_login(nga_dien_officer)
    response = client.get(url)
    assert response.status_code in (403, 404)
    assert b"8500" not in response.content and "8.500" not in response.content.decode()


def test_other_communes_officer_cannot_write_an_vien(client, catalog, an_vien, nga_dien_officer):
    client.force_login(nga_dien_officer)
    assert cell(client, an_vien, "households_total", "1").status_code in (403, 404)
    text = "chi_tieu,don_vi,ky,gia_tri\r\nhouseholds_total,26296,2023,1\r\n"
    page = client.post(reverse("indicators:import"), {"file": upload(text)}).content.decode()
    assert "Bạn không có quyền nhập số liệu cho Xã An Viễn." in page
    assert DataValue.objects.count() == 0


def test_pages_need_a_login(client):
    for name in ("entry", "import", "violations", "export", "history"):
        response = client.get(reverse(f"indicators:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_import_page_lists_500_errors_and_counts_every_one(client, catalog, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    text = "chi_tieu,don_vi,ky,gia_tri\r\n" + "households_total,26296,2023,nhiều\r\n" * 1200
    page = client.post(reverse("indicators:import"), {"file": upload(text)}).content.decode()
    assert "Có 1200 lỗi: không có số liệu nào được lưu." in page
    assert page.count("“nhiều” không phải là số") == 500
    assert "… và 700 lỗi khác." in page


def test_import_page_refuses_a_zip_bomb_with_its_ratio(client, an_vien_officer):
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "<si><t>a</t></si>" * 600_000)
    client.force_login(an_vien_officer)
    response = client.post(reverse("indicators:import"), {"file": upload(bomb.getvalue(), "so-lieu.xlsx")})
    assert response.status_code == 400
    assert "tệp có dấu hiệu “bom nén”, không đọc." in response.content.decode()
    assert DataValue.objects.count() == 0
