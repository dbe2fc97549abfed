"""The operations centre's reads, against hand-computed figures (seed 003: 1,384 / 1,961 = 70.6%)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from xaso.accounts.models import Role
from xaso.coc import selectors
from xaso.conftest import make_unit, make_user
from xaso.geo.models import Level
from xaso.indicators import selectors as indicator_selectors
from xaso.indicators.tests.conftest import element, indicator

from .conftest import write

pytestmark = pytest.mark.django_db


def rows_by_code(overview):
    return {r.indicator.code: r for r in overview.rows}


def test_commune_overview_shows_seed_003_figures_and_flags_the_stated_smartphone_rate(
    seed_003, nga_dien, nga_dien_officer
):
    overview = selectors.commune_overview(user=nga_dien_officer, unit=nga_dien, year=2023)
    rows = rows_by_code(overview)
    # the stated 75% is checked against seed 003's own computation, over the whole population
    fibre, smartphone = rows["households_fibre_rate"], rows["adults_smartphone_population_rate"]
    assert round(fibre.value, 1) == 70.6  # 1,384 / 1,961
    assert fibre.stated == 70.6 and not fibre.is_stated_mismatch
    assert round(smartphone.value, 1) == 70.0  # 5,187 / 7,410
    assert smartphone.stated == 75 and smartphone.is_stated_mismatch
    assert not rows["dossiers_online_rate"].has_data
    assert not rows["adults_smartphone_rate"].has_data  # over adults: the document gives no count of adults
    assert (overview.indicator_count, overview.with_data, overview.gaps, overview.mismatches) == (6, 2, 4, 1)


def test_commune_overview_groups_indicators_by_pillar_in_area_order(seed_003, nga_dien, nga_dien_officer):
    lines = element("internet_lines", "Số đường truyền", area="infrastructure", unit_label="đường truyền")
    indicator("internet_lines", "Số đường truyền Internet", "internet_lines", [lines], area="infrastructure")
    overview = selectors.commune_overview(user=nga_dien_officer, unit=nga_dien, year=2023)
    # the pillars first, then the enablers: not the alphabetical order of the codes (infrastructure < society)
    assert [(s.area, s.label) for s in overview.sections] == [
        ("government", "Chính quyền số"),
        ("society", "Xã hội số"),
        ("infrastructure", "Hạ tầng số"),
    ]
    assert [r.indicator.code for r in overview.sections[1].rows] == [
        "adults_smartphone_population_rate",
        "adults_smartphone_rate",
        "camera_points",
        "households_fibre_rate",
        "lan_completed",
    ]
    assert (overview.sections[0].with_data, overview.sections[0].gaps) == (0, 1)


def test_trend_shows_the_four_previous_years_and_leaves_missing_years_empty(seed_003, nga_dien, nga_dien_officer):
    write(nga_dien_officer, nga_dien, "2021", households_total=1900, households_fibre=1102)  # 58.0%
    overview = selectors.commune_overview(user=nga_dien_officer, unit=nga_dien, year=2023)
    fibre = rows_by_code(overview)["households_fibre_rate"]
    assert [p.year for p in fibre.trend] == [2019, 2020, 2021, 2022, 2023]
    assert [None if p.value is None else round(p.value, 1) for p in fibre.trend] == [None, None, 58.0, None, 70.6]
    assert overview.trends()["households_fibre_rate"]["labels"] == ["2019", "2020", "2021", "2022", "2023"]
    assert "dossiers_online_rate" not in overview.trends()  # nothing to draw


def test_a_year_without_any_figure_is_all_gaps(seed_003, nga_dien, nga_dien_officer):
    overview = selectors.commune_overview(user=nga_dien_officer, unit=nga_dien, year=2024)
    assert (overview.with_data, overview.gaps) == (0, 6)
    assert rows_by_code(overview)["households_fibre_rate"].trend[-2].value == pytest.approx(1384 / 1961 * 100)


def test_commune_overview_reads_every_indicator_and_year_in_one_pass(seed_003, nga_dien, nga_dien_officer):
    write(nga_dien_officer, nga_dien, "2021", households_total=1900)
    with mock.patch.object(selectors, "indicator_values", wraps=indicator_selectors.indicator_values) as spy:
        selectors.commune_overview(user=nga_dien_officer, unit=nga_dien, year=2023)
    assert spy.call_count == 1
    kwargs = spy.call_args.kwargs
    assert len(kwargs["indicators"]) == 6
    assert sorted(p.code for p in kwargs["periods"]) == ["2021", "2023"]


def test_officer_cannot_read_another_commune_overview(seed_003, nga_dien, an_vien_officer):
    with pytest.raises(PermissionDenied):
        selectors.commune_overview(user=an_vien_officer, unit=nga_dien, year=2023)


def test_village_breakdown_sums_numerators_and_denominators_for_the_commune(
    catalog, nga_dien, nga_dien_villages, nga_dien_officer
):
    v1, v2, v3 = nga_dien_villages
    write(nga_dien_officer, v1, "2024", households_total=100, households_fibre=90)
    write(nga_dien_officer, v2, "2024", households_total=300, households_fibre=150)
    write(nga_dien_officer, v3, "2024", households_total=600, households_fibre=360)
    breakdown = selectors.village_breakdown(
        user=nga_dien_officer, commune=nga_dien, indicator=catalog["fibre"], year=2024
    )
    assert [(v.village.name, v.value) for v in breakdown.villages] == [
        ("Thôn 1", pytest.approx(90.0)),
        ("Thôn 2", pytest.approx(50.0)),
        ("Thôn 3", pytest.approx(60.0)),
    ]
    # (90 + 150 + 360) / (100 + 300 + 600) = 60.0%, not the mean of the three rates (66.7%)
    assert breakdown.total == pytest.approx(60.0)
    assert breakdown.with_data == 3


def test_a_village_sees_its_own_overview(catalog, nga_dien_villages, nga_dien_officer):
    village = nga_dien_villages[1]
    write(nga_dien_officer, village, "2024", households_total=300, households_fibre=150)
    overview = selectors.commune_overview(user=nga_dien_officer, unit=village, year=2024)
    assert rows_by_code(overview)["households_fibre_rate"].value == pytest.approx(50.0)


def test_province_table_puts_communes_side_by_side_with_the_province_total(
    dong_nai_figures, dong_nai, an_vien, tri_an, province_analyst
):
    fibre, cameras = dong_nai_figures["fibre"], dong_nai_figures["cameras"]
    table = selectors.province_table(user=province_analyst, province=dong_nai, indicators=[fibre, cameras], year=2025)
    assert [(r.unit.name, r.values) for r in table.rows] == [
        ("Xã An Viễn", [pytest.approx(75.0), 64]),  # 6,420 / 8,560
        ("Xã Trị An", [pytest.approx(1384 / 1961 * 100), None]),
    ]
    # the province sums households, it does not average the two rates: (6,420 + 1,384) / (8,560 + 1,961) = 74.2%
    assert round(table.total.values[0], 1) == 74.2
    assert table.total.values[1] == 64
    assert table.with_data == [2, 1]


@pytest.mark.parametrize(
    ("sort", "direction", "expected"),
    [
        ("name", "asc", ["Xã An Viễn", "Xã Đông Hòa", "Xã Trị An", "Xã An Bình"]),  # Vietnamese order: d, đ, ..., t
        ("name", "desc", ["Xã Trị An", "Xã Đông Hòa", "Xã An Viễn", "Xã An Bình"]),
        ("households_fibre_rate", "asc", ["Xã Trị An", "Xã An Viễn", "Xã Đông Hòa", "Xã An Bình"]),
        ("households_fibre_rate", "desc", ["Xã An Viễn", "Xã Trị An", "Xã Đông Hòa", "Xã An Bình"]),  # no figure: last
        ("camera_points", "desc", ["Xã An Viễn", "Xã Đông Hòa", "Xã Trị An", "Xã An Bình"]),
        ("camera_points", "asc", ["Xã Đông Hòa", "Xã An Viễn", "Xã Trị An", "Xã An Bình"]),
        ("no_such_code", "desc", ["Xã Trị An", "Xã Đông Hòa", "Xã An Viễn", "Xã An Bình"]),  # unknown column: by name
    ],
)
def test_province_table_sorts_by_any_column_with_missing_figures_last(
    dong_nai_figures, dong_nai, province_analyst, sort, direction, expected
):
    """Xã An Bình has no figure at all: whatever the order, it comes after every commune with data (issue 10)."""
    dong_hoa = make_unit("26005", "Xã Đông Hòa", Level.COMMUNE, dong_nai)
    make_unit("26006", "Xã An Bình", Level.COMMUNE, dong_nai)
    write(make_user("dong_hoa_officer", Role.COMMUNE_OFFICER, dong_hoa), dong_hoa, "2025", camera_points=10)
    table = selectors.province_table(
        user=province_analyst,
        province=dong_nai,
        indicators=[dong_nai_figures["fibre"], dong_nai_figures["cameras"]],
        year=2025,
        sort=sort,
        direction=direction,
    )
    assert [r.unit.name for r in table.rows] == expected
    assert [r.has_data for r in table.rows] == [True, True, True, False]
    assert table.sort == (sort if sort != "no_such_code" else "name")


def test_province_table_lists_current_communes_or_pre_2025_ones_for_a_pre_2025_province(
    catalog, dong_nai, an_vien, thanh_hoa_old, nga_dien, administrator
):
    make_unit("legacy:26001", "Xã Cũ", Level.COMMUNE, dong_nai, legacy=True)
    current = selectors.province_table(user=administrator, province=dong_nai, indicators=[catalog["fibre"]], year=2025)
    legacy = selectors.province_table(
        user=administrator, province=thanh_hoa_old, indicators=[catalog["fibre"]], year=2023
    )
    assert [r.unit.code for r in current.rows] == ["26296"]
    assert [r.unit.code for r in legacy.rows] == ["legacy:16150"]


def test_province_table_can_leave_out_communes_without_figures(dong_nai_figures, dong_nai, province_analyst):
    make_unit("26005", "Xã Đông Hòa", Level.COMMUNE, dong_nai)
    cameras = dong_nai_figures["cameras"]
    table = selectors.province_table(
        user=province_analyst, province=dong_nai, indicators=[cameras], year=2025, only_with_data=True
    )
    assert [r.unit.name for r in table.rows] == ["Xã An Viễn"]
    assert (table.commune_count, table.with_data) == (3, [1])


def test_province_table_reads_all_communes_in_one_pass(dong_nai_figures, dong_nai, province_analyst):
    for n in range(5):
        make_unit(f"2600{n}", f"Xã Mẫu {n}", Level.COMMUNE, dong_nai)
    with mock.patch.object(selectors, "indicator_values", wraps=indicator_selectors.indicator_values) as spy:
        table = selectors.province_table(
            user=province_analyst, province=dong_nai, indicators=list(dong_nai_figures.values()), year=2025
        )
    assert spy.call_count == 1
    assert len(table.rows) == 7


def test_analyst_cannot_read_a_province_outside_their_own(catalog, thanh_hoa_old, province_analyst):
    with pytest.raises(PermissionDenied):
        selectors.province_table(
            user=province_analyst, province=thanh_hoa_old, indicators=[catalog["fibre"]], year=2023
        )


def test_default_columns_are_the_first_indicators_with_data_then_the_catalog(
    dong_nai_figures, dong_nai, province_analyst
):
    two = selectors.province_default_indicators(user=province_analyst, province=dong_nai, year=2025, count=2)
    assert [i.code for i in two] == ["camera_points", "households_fibre_rate"]
    six = selectors.province_default_indicators(user=province_analyst, province=dong_nai, year=2025)
    assert len(six) == 6  # the whole catalog, in catalog order
    assert [i.code for i in six][:2] == ["dossiers_online_rate", "adults_smartphone_population_rate"]


def test_indicators_pick_keeps_catalog_order_and_reports_unknown_codes(catalog):
    everything = list(indicator_selectors.indicators_active())
    picked, unknown = selectors.indicators_pick(everything, ["households_fibre_rate", "nope", " camera_points "])
    assert [i.code for i in picked] == ["camera_points", "households_fibre_rate"]
    assert unknown == ["nope"]


def test_vietnamese_names_sort_without_tone_marks_and_d_before_dd():
    names = ["Xã Đông Hòa", "Xã Bình Minh", "Xã Ấp Bắc", "Xã Dương Minh", "Xã An Viễn"]
    assert sorted(names, key=selectors.name_sort_key) == [
        "Xã An Viễn",
        "Xã Ấp Bắc",
        "Xã Bình Minh",
        "Xã Dương Minh",
        "Xã Đông Hòa",
    ]


def test_default_year_is_the_latest_year_with_data(seed_003, nga_dien, an_vien):
    assert selectors.default_year(nga_dien) == 2023
    from django.utils import timezone

    assert selectors.default_year(an_vien) == timezone.localdate().year


def test_unit_search_stays_in_scope(catalog, an_vien, nga_dien, province_analyst, administrator):
    assert [u.code for u in selectors.units_search(user=province_analyst, query="An")] == ["26296"]
    assert {u.code for u in selectors.units_search(user=administrator, query="Xã")} >= {"26296", "legacy:16150"}
    assert [u.code for u in selectors.units_search(user=administrator, query="16150")] == ["legacy:16150"]
