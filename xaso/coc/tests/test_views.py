"""The operations centre screens: who lands where, what a commune and a province see, and what stays hidden."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from xaso.accounts.models import Role
from xaso.conftest import make_unit, make_user
from xaso.geo.models import Level
from xaso.indicators.selectors import indicators_active
from xaso.indicators.tests.conftest import element, indicator

from .conftest import with_areas, write

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def unit_url(unit, **query):
    url = reverse("coc:unit", kwargs={"code": unit.code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def province_url(unit, query=""):
    return reverse("coc:province", kwargs={"code": unit.code}) + (("?" + query) if query else "")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def full_text(client, url: str) -> str:
    """The commune page with every area of indicators opened (`with_areas`), white space collapsed."""
    return re.sub(r"\s+", " ", with_areas(client, client.get(url)))


# --- home -------------------------------------------------------------------------------------------------------


def test_home_sends_a_commune_officer_to_their_commune(client, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.get(reverse("coc:home"))
    assert response.status_code == 302
    assert response.url == "/coc/unit/26296/"


def test_home_accepts_a_pre_2025_unit_code_with_a_colon(client, nga_dien_officer):
    client.force_login(nga_dien_officer)
    response = client.get(reverse("coc:home"))
    assert response.url == "/coc/unit/legacy:16150/"
    assert client.get(response.url).status_code == 200


def test_home_sends_a_province_analyst_to_their_province(client, province_analyst):
    client.force_login(province_analyst)
    assert client.get("/").url == "/coc/province/75/"


def test_home_sends_a_village_user_to_their_village(client, catalog, nga_dien_villages):
    village = nga_dien_villages[0]
    user = make_user("village_team", Role.COMMUNE_OFFICER, village)
    client.force_login(user)
    response = client.get("/")
    assert response.url == f"/coc/unit/{village.code}/"
    assert client.get(response.url).status_code == 200


def test_home_offers_an_administrator_a_unit_search(client, administrator, an_vien, nga_dien):
    client.force_login(administrator)
    response = client.get("/")
    assert response.status_code == 200
    assert "Tìm tỉnh, xã, phường" in text(response)
    found = client.get(reverse("coc:units"), {"q": "An Viễn"}, **HTMX)
    assert "Xã An Viễn" in text(found) and "Nga Điền" not in text(found)
    assert 'href="/coc/unit/26296/"' in text(found)


def test_home_asks_for_a_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


# --- commune ----------------------------------------------------------------------------------------------------


def test_commune_page_shows_seed_003_figures_with_the_stated_rate_flag(client, seed_003, nga_dien, nga_dien_officer):
    client.force_login(nga_dien_officer)
    page = full_text(client, unit_url(nga_dien))  # no year: the latest year with data, 2023
    assert "Năm 2023" in page
    fibre = re.search(r'data-indicator="households_fibre_rate">(.*?)</tr>', page).group(1)
    assert "<strong>70,6%</strong>" in fibre
    assert "Văn bản nêu" not in fibre  # 70.6% stated, 70.6% computed
    assert "70,6% (năm 2023)" in fibre  # one year of figures: the figure with its year, no chart of one dot
    smartphone = re.search(r'data-indicator="adults_smartphone_population_rate">(.*?)</tr>', page).group(1)
    assert "<strong>70,0%</strong>" in smartphone
    assert "Văn bản nêu 75%, tính được 70,0%" in smartphone
    online = re.search(r'data-indicator="dossiers_online_rate">(.*?)</tr>', page).group(1)
    assert "thiếu số liệu" in online and "Chưa có số liệu" in online and "<canvas" not in online
    assert 'data-testid="count-with-data">2<' in page
    assert 'data-testid="count-gaps">4<' in page  # adults with a smartphone over adults: no count of adults
    assert 'data-testid="count-mismatch">1<' in page
    assert page.index("Chính quyền số") < page.index("Xã hội số")


def test_commune_page_embeds_trend_data_for_the_charts(client, seed_003, nga_dien, nga_dien_officer):
    write(nga_dien_officer, nga_dien, "2021", households_total=1900, households_fibre=1102)
    client.force_login(nga_dien_officer)
    page = text(client.get(unit_url(nga_dien, year=2023)))
    assert "/static/vendor/chart-4.5.1.umd.min.js" in page
    assert 'data-key="households_fibre_rate"' not in page  # its area is folded: its table comes when opened
    area = seed_003["fibre"].area
    url = reverse("coc:unit_area", kwargs={"code": nga_dien.code, "area": area})
    table = client.get(url, {"year": 2023}, **HTMX).content.decode()
    data = re.search(rf'<script id="coc-trends-{area}" type="application/json">(.*?)</script>', table)
    trends = json.loads(data.group(1))
    assert trends["households_fibre_rate"]["labels"] == ["2019", "2020", "2021", "2022", "2023"]
    assert [None if v is None else round(v, 1) for v in trends["households_fibre_rate"]["values"]] == [
        None,
        None,
        58.0,
        None,
        70.6,
    ]
    assert f'data-chart="coc-trends-{area}" data-key="households_fibre_rate"' in table
    opened = text(client.get(unit_url(nga_dien, year=2023, area=area)))  # the same, inside the page
    assert f'<script id="coc-trends-{area}" type="application/json">' in opened
    assert f'data-chart="coc-trends-{area}" data-key="households_fibre_rate"' in opened


def test_commune_page_formats_counts_and_yes_no(client, catalog, an_vien, an_vien_officer):
    write(an_vien_officer, an_vien, "2025", camera_points=1384, lan_completed=1)
    client.force_login(an_vien_officer)
    page = full_text(client, unit_url(an_vien, year=2025))
    cameras = re.search(r'data-indicator="camera_points">(.*?)</tr>', page).group(1)
    assert "<strong>1.384</strong> <span" in cameras and "điểm" in cameras
    lan = re.search(r'data-indicator="lan_completed">(.*?)</tr>', page).group(1)
    assert "<strong>Có</strong>" in lan


def test_officer_gets_404_and_no_figure_for_another_commune(client, seed_003, nga_dien, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.get(unit_url(nga_dien, year=2023))
    assert response.status_code == 404
    assert "70,6" not in text(response)
    assert client.get(unit_url(nga_dien, year=2023) + "&indicator=households_fibre_rate").status_code == 404


def test_analyst_reads_communes_of_their_province_only(client, seed_003, nga_dien, an_vien, province_analyst):
    client.force_login(province_analyst)
    assert client.get(unit_url(an_vien)).status_code == 200
    assert client.get(unit_url(nga_dien)).status_code == 404


def test_unknown_unit_and_wrong_level_are_404(client, an_vien, dong_nai, administrator):
    client.force_login(administrator)
    assert client.get("/coc/unit/99999/").status_code == 404
    assert client.get(unit_url(dong_nai)).status_code == 404  # a province has the province page
    assert client.get(province_url(an_vien)).status_code == 404


def test_a_bad_year_says_so_and_shows_the_latest_year(client, seed_003, nga_dien, nga_dien_officer):
    client.force_login(nga_dien_officer)
    page = full_text(client, unit_url(nga_dien, year="20x3"))
    assert "Năm “20x3” không hợp lệ" in page
    assert "<strong>70,6%</strong>" in page


def test_village_breakdown_swaps_in_with_htmx(client, catalog, nga_dien, nga_dien_villages, nga_dien_officer):
    v1, v2, v3 = nga_dien_villages
    write(nga_dien_officer, v1, "2024", households_total=100, households_fibre=90)
    write(nga_dien_officer, v2, "2024", households_total=300, households_fibre=150)
    write(nga_dien_officer, v3, "2024", households_total=600, households_fibre=360)
    client.force_login(nga_dien_officer)
    url = reverse("coc:unit_villages", kwargs={"code": nga_dien.code})
    fragment = text(client.get(url, {"indicator": "households_fibre_rate", "year": 2024}, **HTMX))
    assert "<html" not in fragment
    assert 'data-testid="villages-total">60,0%<' in fragment  # 600 / 1,000, not the mean 66,7%
    assert 'Thôn 2</th><td class="num">50,0%' in fragment
    # without htmx the full page opens with the panel
    response = client.get(url, {"indicator": "households_fibre_rate", "year": 2024})
    assert response.status_code == 302
    page = text(client.get(response.url))
    assert 'data-testid="villages-total">60,0%<' in page and "Theo thôn" in page
    assert 'data-indicator="households_fibre_rate"' in page  # its area opened below the panel


# --- province ---------------------------------------------------------------------------------------------------


def test_province_page_lists_communes_with_figures_and_links(client, dong_nai_figures, dong_nai, province_analyst):
    client.force_login(province_analyst)
    page = text(client.get(province_url(dong_nai, "year=2025&indicators=households_fibre_rate,camera_points")))
    rows = re.findall(r'<tr data-unit="(\d+)">(.*?)</tr>', page)
    assert [code for code, _ in rows] == ["26296", "26170"]
    an_vien_cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', rows[0][1])
    tri_an_cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', rows[1][1])
    assert an_vien_cells == ["64", "75,0%"]  # columns in catalog order: camera points, then fibre
    assert tri_an_cells == ["—", "70,6%"]
    assert 'href="/coc/unit/26296/?year=2025"' in rows[0][1]
    total = re.search(r'<tr class="coc-total">(.*?)</tr>', page).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', total) == ["64", "74,2%"]  # 7,804 / 10,521


def test_province_page_sorts_by_a_clicked_header(client, dong_nai_figures, dong_nai, province_analyst):
    make_unit("26005", "Xã Đông Hòa", Level.COMMUNE, dong_nai)
    client.force_login(province_analyst)
    query = "year=2025&indicators=households_fibre_rate&sort=households_fibre_rate&dir=asc"
    page = text(client.get(province_url(dong_nai, query)))
    assert re.findall(r'<tr data-unit="(\d+)"', page) == ["26170", "26296", "26005"]
    header = re.search(r'<th scope="col" aria-sort="ascending"[^>]*data-sort="households_fibre_rate">(.*?)</th>', page)
    assert "dir=desc" in header.group(1)  # clicking again reverses
    # htmx swaps only the table
    fragment = text(client.get(province_url(dong_nai, query.replace("dir=asc", "dir=desc")), **HTMX))
    assert fragment.startswith('<div id="coc-table"')
    assert re.findall(r'<tr data-unit="(\d+)"', fragment) == ["26296", "26170", "26005"]


def test_province_page_puts_communes_with_data_first_and_says_no_data(
    client, dong_nai_figures, dong_nai, province_analyst
):
    make_unit("26005", "Xã An Bình", Level.COMMUNE, dong_nai)  # first by name, no figure
    client.force_login(province_analyst)
    page = text(client.get(province_url(dong_nai, "year=2025&indicators=households_fibre_rate,camera_points")))
    assert re.findall(r'<tr data-unit="(\d+)"', page) == ["26296", "26170", "26005"]
    an_binh = re.search(r'<tr data-unit="26005" class="is-nodata">(.*?)</tr>', page).group(1)
    assert '<td colspan="2" class="coc-nodata">Chưa có số liệu</td>' in an_binh
    assert "—" not in an_binh


def test_province_page_hides_communes_without_figures_on_request(client, dong_nai_figures, dong_nai, province_analyst):
    make_unit("26005", "Xã Đông Hòa", Level.COMMUNE, dong_nai)
    client.force_login(province_analyst)
    page = text(client.get(province_url(dong_nai, "year=2025&indicators=camera_points&with_data=1")))
    assert re.findall(r'<tr data-unit="(\d+)">', page) == ["26296"]
    assert "3 xã, phường" in page and "đang hiện 1 xã có số liệu" in page
    assert "with_data=1" in re.search(r'data-sort="camera_points">(.*?)</th>', page).group(1)  # sorting keeps it


def test_province_page_defaults_to_indicators_with_data(client, dong_nai_figures, dong_nai, province_analyst):
    client.force_login(province_analyst)
    response = client.get(province_url(dong_nai))  # no year: 2025, the latest with data
    assert response.context["year"] == 2025
    assert [i.code for i in response.context["table"].indicators][:2] == [
        "dossiers_online_rate",
        "adults_smartphone_population_rate",
    ]
    page = text(response)
    assert 'value="households_fibre_rate" checked' in page


def test_province_page_names_unknown_indicator_codes(client, dong_nai_figures, dong_nai, province_analyst):
    client.force_login(province_analyst)
    page = text(client.get(province_url(dong_nai, "indicators=households_fibre_rate,nope")))
    assert "Không có chỉ số mã “nope” trong danh mục" in page


def test_chooser_checkboxes_send_repeated_parameters(client, dong_nai_figures, dong_nai, province_analyst):
    client.force_login(province_analyst)
    query = "year=2025&indicators=camera_points&indicators=households_fibre_rate"
    response = client.get(province_url(dong_nai, query))
    assert [i.code for i in response.context["table"].indicators] == ["camera_points", "households_fibre_rate"]


def test_officer_cannot_open_the_province_page(client, dong_nai_figures, dong_nai, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.get(province_url(dong_nai, "year=2025"))
    assert response.status_code == 404
    assert "75,0%" not in text(response)


def test_pre_2025_province_lists_its_pre_2025_communes(client, seed_003, thanh_hoa_old, nga_son, administrator):
    client.force_login(administrator)
    page = text(client.get(province_url(thanh_hoa_old, "indicators=households_fibre_rate")))
    assert re.findall(r'<tr data-unit="([^"]+)">', page) == ["legacy:16150"]
    assert "70,6%" in page
    district = text(client.get(province_url(nga_son, "indicators=households_fibre_rate")))
    assert "Toàn huyện" in district and "70,6%" in district


# --- query counts -----------------------------------------------------------------------------------------------


def add_indicators(n: int) -> None:
    for i in range(n):
        el = element(f"extra_{i}", f"Chỉ tiêu thêm {i}", area="data")
        indicator(f"extra_rate_{i}", f"Chỉ số thêm {i}", f"extra_{i} / households_total * 100", [el], area="data")


#: session, user, the user's unit, the page's unit, latest year, catalog, periods, elements, rollups, villages...
COMMUNE_PAGE_QUERIES = 22  # 16 for the indicators + 3 for the plans in execution (plans, targets, tasks) + 2 registers
# (whether the commune has dossiers, documents that year: their drill-down links) + 1 the service index's sums (766)
PROVINCE_PAGE_QUERIES = 15


@pytest.fixture
def count_queries(client, django_assert_max_num_queries):
    """Open a page within the page's query budget; return how many queries it took. Opened once before: a unit
    saved or written since the last read is loaded again once (xaso/geo/hot.py), and counted on a later read."""

    def count(url, budget: int) -> int:
        client.get(url)
        with django_assert_max_num_queries(budget) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    return count


def test_commune_page_queries_do_not_grow_with_indicators_or_years(
    client, count_queries, seed_003, nga_dien, nga_dien_villages, nga_dien_officer
):
    client.force_login(nga_dien_officer)
    url = unit_url(nga_dien, indicator="households_fibre_rate")
    small = count_queries(url, COMMUNE_PAGE_QUERIES)
    add_indicators(30)
    write(nga_dien_officer, nga_dien, "2023", **{f"extra_{i}": i for i in range(30)})
    for year in ("2020", "2021", "2022"):
        write(nga_dien_officer, nga_dien, year, households_total=1900, households_fibre=1102)
    write(nga_dien_officer, nga_dien_villages[0], "2023", population_total=100)
    large = count_queries(url, COMMUNE_PAGE_QUERIES)
    assert small == large
    response = client.get(url)
    assert response.context["overview"].indicator_count == 36
    assert response.context["breakdown"] is not None


def test_province_page_queries_do_not_grow_with_communes_or_indicators(
    client, count_queries, dong_nai_figures, dong_nai, province_analyst, fragments_uncached
):
    client.force_login(province_analyst)
    default_small = count_queries(province_url(dong_nai), PROVINCE_PAGE_QUERIES)
    chosen = "indicators=households_fibre_rate&sort=households_fibre_rate"
    chosen_small = count_queries(province_url(dong_nai, chosen), PROVINCE_PAGE_QUERIES)
    add_indicators(30)
    officer = make_user("officer_x", Role.COMMUNE_OFFICER, dong_nai)
    for n in range(20):
        commune = make_unit(f"261{n:02d}", f"Xã Mẫu {n}", Level.COMMUNE, dong_nai)
        write(officer, commune, "2025", households_total=100 + n, households_fibre=50 + n, extra_3=n)
    codes = ",".join(f"extra_rate_{i}" for i in range(30))
    chosen_large = count_queries(
        province_url(dong_nai, f"indicators={codes}&sort=extra_rate_3&dir=desc"), PROVINCE_PAGE_QUERIES
    )
    default_large = count_queries(province_url(dong_nai), PROVINCE_PAGE_QUERIES)
    assert (chosen_small, default_small) == (chosen_large, default_large)
    response = client.get(province_url(dong_nai, f"indicators={codes}"))
    assert len(response.context["table"].rows) == 22


# --- only what the screen shows: each area's indicator table when it is opened (issue 12) ---------------------------


def test_the_commune_page_sends_the_areas_folded_with_their_counts_and_no_rows(
    client, seed_003, nga_dien, nga_dien_officer
):
    client.force_login(nga_dien_officer)
    page = text(client.get(unit_url(nga_dien, year=2023)))
    assert "data-indicator=" not in page  # no indicator's row until its area is opened
    area = seed_003["fibre"].area
    folded = re.search(rf'<details class="coc-fold coc-section" id="area-{area}" (.*?)</details>', page).group(1)
    assert f'hx-get="/coc/unit/legacy:16150/area/{area}/?year=2023" hx-trigger="toggle once"' in folded
    assert "có số liệu" in folded  # the area's count of indicators with figures, shown folded
    assert f'href="?year=2023&amp;area={area}#area-{area}"' in folded  # without JavaScript: the page opened on it
    opened = text(client.get(unit_url(nga_dien, year=2023, area=area)))
    assert re.search(rf'<details class="coc-fold coc-section" id="area-{area}" open>', opened)
    fibre = re.search(r'data-indicator="households_fibre_rate">(.*?)</tr>', opened).group(1)
    assert "<strong>70,6%</strong>" in fibre
    shown = set(re.findall(r'data-indicator="([^"]+)"', opened))
    assert shown == set(indicators_active().filter(area=area).values_list("code", flat=True))  # that area's only


def test_an_area_opened_without_htmx_lands_on_the_page_opened_on_it(client, seed_003, nga_dien, nga_dien_officer):
    client.force_login(nga_dien_officer)
    response = client.get(reverse("coc:unit_area", args=[nga_dien.code, "society"]), {"year": 2023})
    assert response.status_code == 302
    assert response.url == "/coc/unit/legacy:16150/?year=2023&area=society#area-society"


def test_an_area_is_read_in_the_readers_scope_only(client, seed_003, nga_dien, an_vien_officer, nga_dien_officer):
    client.force_login(an_vien_officer)
    url = reverse("coc:unit_area", args=[nga_dien.code, "society"])
    response = client.get(url, {"year": 2023}, **HTMX)
    assert response.status_code == 404 and "70,6" not in text(response)
    client.force_login(nga_dien_officer)
    assert client.get(url, {"year": 2023}, **HTMX).status_code == 200
    unknown = client.get(reverse("coc:unit_area", args=[nga_dien.code, "weather"]), {"year": 2023}, **HTMX)
    assert unknown.status_code == 404 and "Không có nhóm chỉ số “weather”" in text(unknown)
    ignored = text(client.get(unit_url(nga_dien, year=2023, area="weather")))  # an unknown area: the page, all folded
    assert 'id="area-weather"' not in ignored and "/area/weather/" not in ignored
    assert ignored.count('hx-trigger="toggle once"') == ignored.count('class="coc-fold coc-section"') > 0
