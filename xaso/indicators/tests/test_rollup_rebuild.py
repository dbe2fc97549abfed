"""`rebuild_rollups`: per province × year batches, each its own transaction, giving the full rebuild's rollups
row for row; idempotent; scoped by --province and --year."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from xaso.core.models import Period
from xaso.core.testing import transaction_held
from xaso.geo.services import village_create
from xaso.indicators.models import DataElement, ElementRollup
from xaso.indicators.rollup import rollup_rebuild, rollup_rebuild_batches, rollup_refresh
from xaso.indicators.services import ValueInput, values_write

pytestmark = pytest.mark.django_db


def rollups() -> list[tuple]:
    return sorted(
        ElementRollup.objects.values_list("data_element__code", "unit__code", "period__code", "value", "value_count")
    )


@pytest.fixture
def two_provinces(catalog, an_vien, tri_an, nga_dien, an_vien_officer, tri_an_officer, nga_dien_officer):
    """Figures in three communes of two provinces over 2022 and 2023: flows by month in villages, stocks by year."""
    writes = []
    for commune, officer, base in ((an_vien, an_vien_officer, 100), (tri_an, tri_an_officer, 40),
                                   (nga_dien, nga_dien_officer, 7)):  # fmt: skip
        villages = [village_create(commune=commune, name=f"Thôn {i}", user=officer) for i in (1, 2)]
        rows = []
        for year in (2022, 2023):
            rows.append(ValueInput("households_total", commune.code, str(year), base * 10 + year % 10))
            rows.append(ValueInput("households_fibre", commune.code, str(year), base * 5 + year % 10))
            for index, village in enumerate(villages):
                for month in (1, 5, 11):
                    received = base + 10 * index + month
                    rows.append(ValueInput("dossiers_received", village.code, f"{year}-{month:02d}", received))
                    rows.append(ValueInput("dossiers_online", village.code, f"{year}-{month:02d}", received // 2))
        values_write(user=officer, rows=rows)
        writes.append(len(rows))
    return writes


def test_the_batched_rebuild_gives_the_full_rebuilds_rollups_row_for_row(two_provinces):
    rollup_rebuild()
    full = rollups()
    an_vien_2023 = [r for r in full if r[:3] == ("dossiers_received", "26296", "2023")]
    assert an_vien_2023 == [("dossiers_received", "26296", "2023", (101 + 105 + 111) + (111 + 115 + 121), 6)]
    assert len(full) == 3 * 2 * (2 + 2 * (3 + 3 + 1))  # communes × years × (2 stocks + 2 flows × periods)
    # damaged rollups: one deleted, one wrong, one left for a period outside every year
    ElementRollup.objects.filter(period__code="2022-05").first().delete()
    ElementRollup.objects.filter(period__code="2023").update(value=-1)
    stray = Period.objects.create(code="x-stray", type="month", start="2023-01-01", end="2023-01-31")
    ElementRollup.objects.create(
        data_element=DataElement.objects.get(code="households_total"), unit=ElementRollup.objects.first().unit,
        period=stray, value=5, value_count=1,
    )  # fmt: skip
    out = io.StringIO()
    call_command("rebuild_rollups", "--communes-per-batch", "1", stdout=out)
    assert rollups() == full
    # 3 communes × 2 years, one commune per batch (the stray period's month has no year: no batch of its own)
    assert "Đã tính lại 6 đợt" in out.getvalue()
    call_command("rebuild_rollups", stdout=io.StringIO())
    assert rollups() == full  # idempotent


def test_a_province_year_batch_touches_only_its_rollups(two_provinces):
    rollup_rebuild()
    full = rollups()
    ElementRollup.objects.update(value=-1)
    batches = rollup_rebuild_batches(province="75", year=2023)
    assert [(b.province, b.year, b.communes) for b in batches] == [("75", "2023", 2)]
    after = rollups()
    fixed = [r for r in after if r[3] != -1]
    assert fixed == [r for r in full if r[1] in ("26296", "26170") and r[2].startswith("2023")]
    assert len(after) == len(full)


@pytest.mark.django_db(transaction=True)
def test_an_import_during_a_rebuild_batch_of_its_commune_waits_for_it_and_succeeds(catalog, an_vien, an_vien_officer):
    """PostgreSQL: the batch's transaction holds the commune's rollup lock; the import's refresh waits for it,
    then deletes the batch's rows and writes its own (without the lock it met them: a unique violation)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time in: the database serialises them itself")
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", "26296", "2023", 1961)])
    year_id = Period.objects.get(code="2023").id
    with transaction_held(lambda: rollup_refresh(commune_ids=[an_vien.id], year_ids=[year_id])) as failures:
        # the batch commits a second later, while the import waits for it
        result = values_write(user=an_vien_officer, rows=[ValueInput("households_total", "26296", "2023", 1970)])
    assert failures == [] and result.updated == 1
    assert rollups() == [("households_total", "26296", "2023", 1970.0, 1)]
