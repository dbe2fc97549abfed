"""The per-pillar charts under the national example (four top-level groups: a real radar) on a phone and a desktop:
the commune's page (its pillars against the province's average) and the province's ranking, each chart drawn by the
vendored Chart.js from json_script data, with its table of the same figures.

Hand-computed: every leaf of An Viễn earns 1 point, of Trị An 2, of Phú Lý 3 (or its maximum when smaller), so each
pillar's average is the mean of the three communes' pillar totals; the table shows An Viễn's points and the average
(of two other communes besides An Viễn: a commune never sees an average that gives one other commune away)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from xaso.conftest import make_unit
from xaso.core.browser import PHONE
from xaso.dti.loader import EXAMPLE_PATH, index_load, parse_text
from xaso.dti.models import Assessment, CriterionScore, RuleKind
from xaso.dti.selectors import province_pillar_average
from xaso.geo.models import Level

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_pillar_charts_on_the_commune_page_and_the_ranking(
    open_session, dong_nai, an_vien, tri_an, an_vien_officer, province_analyst, administrator
):
    from xaso.indicators.catalog import catalog_load

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    catalog_load()
    index = index_load(user=administrator, data=parse_text(EXAMPLE_PATH.read_text()), province=None)
    leaves = list(index.criteria.exclude(rule_kind=RuleKind.GROUP))
    mine = None
    # three published communes: An Viễn's page shows an average of two other communes (never one commune's points)
    phu_ly = make_unit("26200", "Xã Phú Lý", Level.COMMUNE, dong_nai)
    for each, commune in ((1, an_vien), (2, tri_an), (3, phu_ly)):
        a = Assessment.objects.create(index=index, commune=commune, year=2025, status="published")
        CriterionScore.objects.bulk_create(
            CriterionScore(assessment=a, criterion=leaf, points=min(leaf.points, each)) for leaf in leaves
        )
        mine = mine or a
    average, count = province_pillar_average(index, 2025, dong_nai)
    assert count == 3 and set(average) == {"I", "II", "III", "IV"}

    officer = open_session(PHONE)
    officer.login("an_vien_officer")
    page = officer.page
    page.goto(f"/dti/assessment/{mine.pk}/")
    page.wait_for_selector("canvas[data-kind=radar][data-drawn]")
    assert page.locator("canvas[data-dti-chart][data-drawn]").count() == 2
    rows = page.locator('[data-testid="pillars-table"] tbody tr')
    assert rows.count() == 4
    # group I: 15 leaves → An Viễn 15 of 500 (3%); Trị An 30, Phú Lý 45 → the average 30 (6%)
    cells = [c.inner_text() for c in rows.first.locator("th, td").all()]
    assert cells == ["I. Nhóm chỉ số nền tảng chung\ntối đa 500 điểm", "15 (3%)", "30 (6%)"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator('[data-testid="pillar-charts"]').screenshot(path=str(SCREENSHOTS / "dti-pillars-phone.png"))
    assert officer.errors == [] and officer.foreign_requests() == []

    for viewport, name in ((PHONE, "phone"), (None, "desktop")):
        analyst = open_session(viewport) if viewport else open_session()
        analyst.login("province_analyst")
        ranking = analyst.page
        ranking.goto(f"/dti/index/{index.pk}/ranking/2025/")
        ranking.wait_for_selector("canvas[data-kind=stacked][data-drawn]")
        assert ranking.locator("canvas[data-dti-chart][data-drawn]").count() == 2
        assert ranking.locator('[data-testid="ranking"] tbody tr').count() == 3
        if viewport:
            assert ranking.evaluate("document.documentElement.scrollWidth") <= 390
        ranking.screenshot(path=str(SCREENSHOTS / f"dti-ranking-charts-{name}.png"), full_page=True)
        assert analyst.errors == []
