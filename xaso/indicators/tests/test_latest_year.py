"""The latest year with data (the default year of the operations centre, the public page and data entry)
is read from the year rollups, never from the raw values, so a page opened without a year costs the same at
11 million values as at ten (issue 12)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xaso.coc.models import Publication
from xaso.geo.models import Level
from xaso.indicators import selectors
from xaso.indicators.models import DataValue, Indicator

from .conftest import write

RAW_TABLE = DataValue._meta.db_table


def queries_of(fn):
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return result, [q["sql"] for q in captured.captured_queries]


def raw_reads(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if RAW_TABLE in sql]


@pytest.fixture
def nga_dien_data(catalog, nga_dien, nga_dien_villages, nga_dien_officer):
    """Nga Điền: a commune figure for 2021 and 2023, a village's March 2024 dossiers (its 2024 is only a month)."""
    write(nga_dien_officer, nga_dien, "2021", households_total=1900)
    write(nga_dien_officer, nga_dien, "2023", households_total=1961, households_fibre=1384)
    write(nga_dien_officer, nga_dien_villages[0], "2024-03", dossiers_received=12, dossiers_online=9)
    return catalog


def test_latest_year_is_the_newest_year_any_unit_below_has_a_figure_in(
    nga_dien_data, nga_dien, nga_son, thanh_hoa_old, nga_dien_villages, dong_nai, an_vien
):
    # a month of 2024 in one village makes 2024 the commune's, its old district's and its old province's year
    assert selectors.latest_year_with_data(nga_dien) == 2024
    assert selectors.latest_year_with_data(nga_son) == 2024
    assert selectors.latest_year_with_data(thanh_hoa_old) == 2024
    # a village answers with its commune's year (its commune's rollups hold its figures)
    assert selectors.latest_year_with_data(nga_dien_villages[1]) == 2024
    # nothing written under Đồng Nai
    assert selectors.latest_year_with_data(dong_nai) is None
    assert selectors.latest_year_with_data(an_vien) is None


def test_latest_year_follows_a_deleted_figure(nga_dien_data, nga_dien, nga_dien_villages, nga_dien_officer):
    from xaso.indicators.services import ValueInput, values_write

    values_write(
        user=nga_dien_officer,
        rows=[
            ValueInput(element=code, unit=nga_dien_villages[0].code, period="2024-03", value=None)
            for code in ("dossiers_received", "dossiers_online")
        ],
        allow_delete=True,
    )
    assert not DataValue.objects.filter(period__start__year=2024).exists()
    assert selectors.latest_year_with_data(nga_dien) == 2023


@pytest.mark.parametrize("which", ["commune", "village", "district", "province"])
def test_latest_year_is_one_query_that_never_reads_the_raw_values(
    which, nga_dien_data, nga_dien, nga_son, thanh_hoa_old, nga_dien_villages
):
    unit = {"commune": nga_dien, "village": nga_dien_villages[0], "district": nga_son, "province": thanh_hoa_old}
    year, sqls = queries_of(lambda: selectors.latest_year_with_data(unit[which]))
    assert year == 2024
    assert len(sqls) == 1
    assert raw_reads(sqls) == [], sqls


def _grow(officer, commune, villages, years=("2019", "2020", "2022")):
    """More figures under the commune: years of village months, the second data size of the guards below."""
    for y in years:
        for village in villages:
            for m in range(1, 13):
                write(officer, village, f"{y}-{m:02d}", dossiers_received=20 + m, dossiers_online=10 + m)
        write(officer, commune, y, households_total=1800, households_fibre=900)


def test_pages_opened_without_a_year_never_read_the_raw_values_and_cost_the_same_at_two_sizes(
    client, settings, nga_dien_data, nga_dien, nga_dien_villages, nga_dien_officer, administrator, thanh_hoa_old
):
    """The commune page, the old province's page and the public page, as a user opens them (no year): the same
    queries at two data sizes, none of them on the raw value table. Rendered each time (no fragments cache): what
    the rendering reads is the subject, not the cache."""
    settings.CACHES = {**settings.CACHES, "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    publication = Publication.objects.create(unit=nga_dien, is_published=True, show_targets=True)
    publication.indicators.set(Indicator.objects.all())
    urls = {
        "commune": (nga_dien_officer, reverse("coc:unit", args=[nga_dien.code])),
        "province": (administrator, reverse("coc:province", args=[thanh_hoa_old.code])),
        "public": (None, reverse("coc:public", args=[nga_dien.code])),
    }

    def measure():
        counts = {}
        for name, (user, url) in urls.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            client.get(url)  # warm: the session and the translation catalogs
            response, sqls = queries_of(lambda url=url: client.get(url))
            assert response.status_code == 200, (name, response.status_code)
            assert response.context["year"] == 2024, name
            assert raw_reads(sqls) == [], (name, raw_reads(sqls))
            counts[name] = len(sqls)
        return counts

    small = measure()
    _grow(nga_dien_officer, nga_dien, nga_dien_villages)
    assert DataValue.objects.count() > 100
    assert measure() == small


def test_data_entry_opened_without_a_period_reads_only_the_grid_and_costs_the_same_at_two_sizes(
    client, nga_dien_data, nga_dien, nga_dien_villages, nga_dien_officer
):
    """Data entry opens on the latest year with data; its only raw-value read is the grid's own unit and period."""
    client.force_login(nga_dien_officer)
    url = reverse("indicators:entry")

    def measure():
        client.get(url)
        response, sqls = queries_of(lambda: client.get(url))
        assert response.status_code == 200
        reads = raw_reads(sqls)
        assert len(reads) == 1, reads
        assert "MAX(" not in reads[0].upper() and "COUNT(" not in reads[0].upper()
        return len(sqls), response.content.decode()

    small, page = measure()
    assert "2024" in page
    _grow(nga_dien_officer, nga_dien, nga_dien_villages, years=("2019", "2020"))
    large, _page = measure()
    assert small == large


def test_the_village_of_a_commune_without_rollups_has_no_year(catalog, nga_dien_villages):
    village = nga_dien_villages[0]
    assert village.level == Level.VILLAGE
    assert selectors.latest_year_with_data(village) is None
