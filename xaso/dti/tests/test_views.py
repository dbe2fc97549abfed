"""The screens through real requests: a commune self-assesses, the province reviews and publishes, the ranking
and its exports; scoping (another commune cannot read or write)."""

from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from xaso.dti.loader import index_load
from xaso.dti.models import Assessment
from xaso.dti.services import assessment_submit
from xaso.dti.tests.test_assessment import an_vien_2025, score, tri_an_2025
from xaso.dti.tests.test_index import small_index_data
from xaso.files.tests.samples import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(catalog, dong_nai, province_analyst):
    return index_load(user=province_analyst, data=small_index_data(), province=dong_nai)


def test_a_commune_starts_self_assesses_with_evidence_and_submits(client, index, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.post(reverse("dti:start"), {"index": index.pk, "year": 2025})
    assessment = Assessment.objects.get(commune=an_vien, year=2025)
    assert response.url == reverse("dti:assessment", args=[assessment.pk])
    b1 = score(assessment, "B1")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("mo-hinh.pdf", pdf(), content_type="application/pdf")
    data = {
        f"s{b1.pk}-points": "12,5".replace(",", "."),
        f"s{b1.pk}-explanation": "Một mô hình",
        f"s{b1.pk}-evidence": upload,
    }
    client.post(reverse("dti:self", args=[b1.pk]), data)
    b1.refresh_from_db()
    assert (b1.points, b1.evidence_name) == (12.5, "mo-hinh.pdf")
    page = client.get(reverse("dti:assessment", args=[assessment.pk])).content.decode()
    assert "mo-hinh.pdf" in page and "12,5" in page
    client.post(reverse("dti:action", args=[assessment.pk, "submit"]))
    assessment.refresh_from_db()
    assert assessment.status == "submitted"


def test_a_bad_self_score_is_refused_with_a_message_and_changes_nothing(client, index, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    client.post(reverse("dti:start"), {"index": index.pk, "year": 2025})
    b1 = score(Assessment.objects.get(commune=an_vien), "B1")
    response = client.post(reverse("dti:self", args=[b1.pk]), {f"s{b1.pk}-points": "31"}, follow=True)
    assert "B1" in response.content.decode()
    b1.refresh_from_db()
    assert b1.points == 0


def test_another_commune_can_neither_read_nor_write(client, index, an_vien, an_vien_officer, tri_an_officer):
    a = an_vien_2025(index, an_vien, an_vien_officer)
    client.force_login(tri_an_officer)
    assert client.get(reverse("dti:assessment", args=[a.pk])).status_code == 403
    b1 = score(a, "B1")
    assert client.post(reverse("dti:self", args=[b1.pk]), {f"s{b1.pk}-points": "1"}).status_code == 403
    assert score(a, "B1").points == 24


def test_the_province_adjusts_publishes_and_the_commune_sees_its_rank_and_the_reason(
    client, index, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst
):
    av, ta = an_vien_2025(index, an_vien, an_vien_officer), tri_an_2025(index, tri_an, tri_an_officer)
    assessment_submit(user=an_vien_officer, assessment=av)
    assessment_submit(user=tri_an_officer, assessment=ta)
    client.force_login(province_analyst)
    b1 = score(av, "B1")
    adjust = {f"r{b1.pk}-decision": "adjust", f"r{b1.pk}-points": "18", f"r{b1.pk}-reason": "Chỉ một mô hình"}
    client.post(reverse("dti:review", args=[b1.pk]), adjust)
    for a in (av, ta):
        client.post(reverse("dti:action", args=[a.pk, "publish"]))
    ranking = client.get(reverse("dti:ranking", args=[index.pk, 2025])).content.decode()
    assert ranking.index("Xã Trị An") < ranking.index("Xã An Viễn") and "61,4" in ranking
    client.force_login(an_vien_officer)
    page = client.get(reverse("dti:assessment", args=[av.pk])).content.decode()
    assert "Xếp hạng 2 trên 2 xã, phường" in page
    assert "Chỉ một mô hình" in page and "61,4" in page
    assert "Xã Trị An" not in page  # a commune sees its place, not the others' scores


def test_the_ranking_exports_as_a_decision_annex_and_a_workbook(
    client, index, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst
):
    from xaso.dti.services import assessment_publish

    for a, officer in ((an_vien_2025(index, an_vien, an_vien_officer), an_vien_officer),
                       (tri_an_2025(index, tri_an, tri_an_officer), tri_an_officer)):  # fmt: skip
        assessment_submit(user=officer, assessment=a)
        assessment_publish(user=province_analyst, assessment=a)
    client.force_login(province_analyst)
    docx = client.get(reverse("dti:ranking", args=[index.pk, 2025]) + "?format=docx")
    doc = Document(BytesIO(docx.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "QUYẾT ĐỊNH" in text and "Phụ lục" in text and "12/QĐ-UBND" in text and "Điều 3." in text
    signing = "\n".join(c.text for t in doc.tables[:-1] for row in t.rows for c in row.cells)
    assert "Nơi nhận:" in signing and "TM. ỦY BAN NHÂN DÂN" in signing and "- Lưu: VT." in signing
    table = doc.tables[-1]
    assert [c.text for c in table.rows[1].cells] == [
        "1",
        "Xã Trị An",
        "50",
        "24",
        "74",
        "1",
        "chưa có năm trước",
        "Đạt",
    ]
    assert [c.text for c in table.rows[2].cells][1:6] == ["Xã An Viễn", "35", "31,2", "66,2", "2"]
    book = load_workbook(BytesIO(client.get(reverse("dti:ranking", args=[index.pk, 2025]) + "?format=xlsx").content))
    rows = list(book.active.iter_rows(min_row=4, max_row=5, values_only=True))
    assert rows[0][:6] == (1, "Xã Trị An", 50, 24, 74, 1)
    assert rows[1][:6] == (2, "Xã An Viễn", 35, 31.2, 66.2, 2)


def test_a_commune_cannot_open_the_province_ranking(client, index, an_vien_officer):
    client.force_login(an_vien_officer)
    assert client.get(reverse("dti:ranking", args=[index.pk, 2025])).status_code == 403


def test_the_home_and_index_pages_render(client, index, an_vien_officer, province_analyst):
    client.force_login(an_vien_officer)
    assert "Bắt đầu tự đánh giá" in client.get(reverse("dti:home")).content.decode()
    assert "Mạng LAN" in client.get(reverse("dti:index", args=[index.pk])).content.decode()
    client.force_login(province_analyst)
    assert "Nạp bộ chỉ số của tỉnh" in client.get(reverse("dti:home")).content.decode()


def test_the_province_loads_its_annex_spreadsheet_on_screen(client, catalog, dong_nai, province_analyst):
    from openpyxl import Workbook

    from xaso.dti.models import IndexVersion

    book = Workbook()
    book.active.append(["Mã", "Thuộc", "Tiêu chí", "Điểm", "Cách chấm", "Chỉ số", "Tối thiểu", "Tối đa"])
    book.active.append(["I", None, "Hạ tầng số", 20, None, None, None, None])
    book.active.append(["I.1", "I", "Hộ có cáp quang", 20, "linear", "households_fibre_rate", 0, 100])
    buffer = BytesIO()
    book.save(buffer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet = SimpleUploadedFile("phu-luc.xlsx", buffer.getvalue())
    client.force_login(province_analyst)
    data = {"kind": "sheet", "sheet": sheet, "code": "xa-dong-nai", "title": "Bộ chỉ số xã",
            "decision_number": "25/QĐ-UBND", "decision_date": "15/03/2025", "issuer": "UBND tỉnh Đồng Nai",
            "total_points": "20", "col_code": "Mã", "col_parent": "Thuộc", "col_name": "Tiêu chí", "col_points": "Điểm",
            "col_kind": "Cách chấm", "col_indicator": "Chỉ số", "col_min": "Tối thiểu",
            "col_max": "Tối đa"}  # fmt: skip
    response = client.post(reverse("dti:load"), data)
    index = IndexVersion.objects.get(code="xa-dong-nai")
    assert response.url == reverse("dti:index", args=[index.pk])
    assert index.criteria.get(code="I.1").params == {"min": 0.0, "max": 100.0}


def test_a_commune_officer_cannot_load_an_index(client, an_vien_officer):
    client.force_login(an_vien_officer)
    assert client.get(reverse("dti:load")).status_code == 403


def test_the_province_home_links_the_rankings_of_published_years(
    client, index, tri_an, tri_an_officer, province_analyst
):
    from xaso.dti.services import assessment_publish

    ta = tri_an_2025(index, tri_an, tri_an_officer)
    assessment_submit(user=tri_an_officer, assessment=ta)
    assessment_publish(user=province_analyst, assessment=ta)
    client.force_login(province_analyst)
    page = client.get(reverse("dti:home")).content.decode()
    assert reverse("dti:ranking", args=[index.pk, 2025]) in page


def test_a_commune_never_sees_a_province_average_that_gives_one_other_communes_points_away(
    client, index, dong_nai, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst
):
    """Trị An alone is published (pillar A 50 of 60 = 83,3%): its points would be "the province's average" on An
    Viễn's page. With a third commune published too (Phú Lý, nothing answered: A 0), the average covers two other
    communes — (50 + 0) / 2 = 25 (41,7%) — and An Viễn sees it."""
    from xaso.accounts.models import Role
    from xaso.conftest import make_unit, make_user
    from xaso.dti.services import assessment_publish, assessment_start
    from xaso.geo.models import Level

    ta = tri_an_2025(index, tri_an, tri_an_officer)
    assessment_submit(user=tri_an_officer, assessment=ta)
    assessment_publish(user=province_analyst, assessment=ta)
    mine = an_vien_2025(index, an_vien, an_vien_officer)
    url = reverse("dti:assessment", args=[mine.pk])
    client.force_login(an_vien_officer)
    response = client.get(url)
    assert (response.context["averaged"], response.context["average_withheld"]) == (0, True)
    assert "83,3%" not in response.content.decode()
    assert "ít nhất hai xã, phường khác" in response.content.decode()
    client.force_login(province_analyst)  # the province reads every commune's points anyway
    assert client.get(url).context["averaged"] == 1

    phu_ly = make_unit("26200", "Xã Phú Lý", Level.COMMUNE, dong_nai)
    officer = make_user("phu_ly_officer", Role.COMMUNE_OFFICER, phu_ly)
    pl = assessment_start(user=officer, index=index, commune=phu_ly, year=2025)
    assessment_submit(user=officer, assessment=pl)
    assessment_publish(user=province_analyst, assessment=pl)
    client.force_login(an_vien_officer)
    response = client.get(url)
    assert (response.context["averaged"], response.context["average_withheld"]) == (2, False)
    assert "25 (41,7%)" in response.content.decode()


def test_a_ranking_of_a_year_no_assessment_can_have_is_not_found(client, index, province_analyst):
    client.force_login(province_analyst)
    assert client.get(reverse("dti:ranking", args=[index.pk, 2025])).status_code == 200
    for year in (2019, 2101, 99999999999):
        assert client.get(reverse("dti:ranking", args=[index.pk, year])).status_code == 404


def test_evidence_is_read_by_the_commune_and_its_province_only(
    client, index, an_vien, an_vien_officer, tri_an_officer, thanh_hoa, province_analyst
):
    from xaso.accounts.models import Role
    from xaso.conftest import make_user

    a = an_vien_2025(index, an_vien, an_vien_officer)
    url = reverse("files:download", args=["dti-evidence", score(a, "B1").pk])
    for user, status in ((an_vien_officer, 200), (province_analyst, 200), (tri_an_officer, 404),
                         (make_user("thanh_hoa_analyst", Role.ANALYST, thanh_hoa), 404)):  # fmt: skip
        client.force_login(user)
        assert client.get(url).status_code == status, user.username


def test_the_index_page_says_how_each_criterion_is_scored(client, index, an_vien_officer):
    client.force_login(an_vien_officer)
    page = client.get(reverse("dti:index", args=[index.pk])).content.decode()
    assert "≥ 50: 50% số điểm; ≥ 80: đủ điểm" in page  # A1
    assert "0 điểm khi từ 50 trở xuống, đủ điểm khi từ 90 trở lên, tỷ lệ ở giữa" in page  # A2
    assert "Chủ tịch: đủ điểm; Phó Chủ tịch: 50% số điểm; Không có: 0 điểm" in page  # A4


def test_a_new_assessment_starts_only_under_the_newest_version_and_an_open_one_stays_open(
    client, index, dong_nai, an_vien, an_vien_officer, province_analyst
):
    started = an_vien_2025(index, an_vien, an_vien_officer)  # under version 1, before version 2 is issued
    v2 = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    client.force_login(an_vien_officer)
    page = client.get(reverse("dti:home")).content.decode()
    form = page.split('action="/dti/start/"')[1].split("</form>")[0]
    assert f'value="{v2.pk}"' in form and f'value="{index.pk}"' not in form
    assert page.count('data-testid="superseded"') == 1  # version 1 in the list of indexes, marked
    response = client.post(reverse("dti:start"), {"index": index.pk, "year": 2026}, follow=True)
    assert "đã có phiên bản mới hơn" in response.content.decode()
    assert not Assessment.objects.filter(year=2026).exists()
    assert client.get(reverse("dti:assessment", args=[started.pk])).status_code == 200
    response = client.post(reverse("dti:start"), {"index": v2.pk, "year": 1999}, follow=True)
    assert "Năm đánh giá: một số năm từ 2020 đến 2100." in response.content.decode()
    response = client.post(reverse("dti:start"), {"index": v2.pk, "year": 2026})
    assert Assessment.objects.get(year=2026).index == v2
