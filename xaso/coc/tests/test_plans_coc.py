"""The operations centre from plans: targets in execution on the commune page, the province scorecard,
and the public page that shows only what the commune chose to publish."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from xaso.coc import services
from xaso.indicators.services import ValueInput, values_write
from xaso.plans import services as plans_services
from xaso.plans.tests.factories import plan_in_execution

pytestmark = pytest.mark.django_db


@pytest.fixture
def an_vien_figures(an_vien_officer):
    values_write(
        user=an_vien_officer,
        rows=[
            ValueInput("dossiers_received", "26296", "2026-03", 200),
            ValueInput("dossiers_online", "26296", "2026-03", 180),
            ValueInput("households_total", "26296", "2025", 8000),
            ValueInput("households_fibre", "26296", "2025", 6000),
        ],
    )


def test_commune_page_shows_targets_in_execution_with_status(
    client, an_vien, an_vien_officer, catalog, an_vien_figures
):
    plan_in_execution(an_vien, an_vien_officer, [(catalog["online"], 85), (catalog["smartphone"], 80)])
    client.force_login(an_vien_officer)
    page = client.get(reverse("coc:unit", args=["26296"])).content.decode()
    assert "Chỉ tiêu kế hoạch đang thực hiện" in page
    assert "90,0%" in page and "Đã đạt" in page  # 180 / 200 online ≥ 85%
    gaps = page[page.index('data-testid="plan-gaps"') :]
    assert "Tỷ lệ dân số trưởng thành có điện thoại thông minh</a>" in gaps and "(2026)" in gaps


def test_province_scorecard_ranks_and_drills_down(client, dong_nai, an_vien, tri_an, administrator, province_analyst,
                                                  catalog, an_vien_figures):  # fmt: skip
    plan_in_execution(dong_nai, administrator, [(catalog["online"], 85), (catalog["fibre"], 80)])
    client.force_login(province_analyst)
    page = client.get(reverse("coc:scorecard", args=["75"])).content.decode()
    assert page.index("Xã An Viễn") < page.index("Xã Trị An")
    assert "96,9" in page  # (1.0 + 75/80) / 2
    assert reverse("coc:unit", args=["26296"]) in page


def test_scorecard_is_scoped(client, dong_nai, an_vien_officer):
    client.force_login(an_vien_officer)
    assert client.get(reverse("coc:scorecard", args=["75"])).status_code == 404


def test_public_page_shows_only_published_aggregates(client, an_vien, an_vien_officer, tri_an_officer, catalog,
                                                     an_vien_figures):  # fmt: skip
    assert client.get(reverse("coc:public", args=["26296"])).status_code == 404
    with pytest.raises(Exception, match="không có quyền"):
        services.publication_save(
            user=tri_an_officer, unit=an_vien, is_published=True, indicators=[], show_targets=False
        )
    services.publication_save(
        user=an_vien_officer, unit=an_vien, is_published=True, indicators=[catalog["online"]], show_targets=False
    )
    page = client.get(reverse("coc:public", args=["26296"])).content.decode()  # no login
    assert "Tỷ lệ hồ sơ trực tuyến" in page and "90,0%" in page
    assert "Tỷ lệ hộ có cáp quang" not in page  # not published
    assert "Nguyễn Văn An" not in page  # no names of officials


def test_public_page_shows_the_targets_of_the_old_commune_it_absorbed(
    client, nga_dien, nga_dien_officer, nga_an, nga_an_officer, catalog
):
    last_year = timezone.localdate().year - 1  # the public page rates targets on this year's, else last year's data
    period = str(last_year)
    values_write(
        user=nga_dien_officer,
        rows=[ValueInput("households_total", "legacy:16150", period, 1961),
              ValueInput("households_fibre", "legacy:16150", period, 1384)],
    )  # fmt: skip
    plan_in_execution(nga_dien, nga_dien_officer, [(catalog["fibre"], 80)], year=last_year)
    draft = plans_services.plan_create_from_template(user=nga_dien_officer, unit=nga_dien, year=last_year + 1)
    plans_services.target_save(user=nga_dien_officer, plan=draft, indicator=catalog["smartphone"], value=90,
                               horizon_year=last_year + 1)  # fmt: skip
    services.publication_save(user=nga_an_officer, unit=nga_an, is_published=True, indicators=[], show_targets=True)

    page = client.get(reverse("coc:public", args=["16144"])).content.decode()  # no login
    assert f'<th scope="col" class="num">Đến {last_year}</th>' in page  # the target's horizon, as a column
    assert '<th scope="row">Tỷ lệ hộ có cáp quang</th>' in page and "70,6%" in page  # 1.384 / 1.961, old Nga Điền
    assert "Chậm tiến độ" in page  # below 80% and the year is over
    assert "Tỷ lệ dân số trưởng thành có điện thoại thông minh" not in page  # a draft is not in execution
    assert "Mai Văn Điền" not in page and "Lê Thị Nga" not in page  # no names of officials

    services.publication_save(user=nga_an_officer, unit=nga_an, is_published=True, indicators=[], show_targets=False)
    page = client.get(reverse("coc:public", args=["16144"])).content.decode()
    assert "Tỷ lệ hộ có cáp quang" not in page  # the commune chose not to publish its targets


def test_commune_page_shows_the_targets_and_figures_of_the_old_commune_it_absorbed(
    client, nga_dien, nga_dien_officer, nga_an, nga_an_officer, catalog
):
    last_year = timezone.localdate().year - 1  # targets are rated on this year's, else last year's data
    values_write(
        user=nga_dien_officer,
        rows=[ValueInput("households_total", "legacy:16150", str(last_year), 1961),
              ValueInput("households_fibre", "legacy:16150", str(last_year), 1384)],
    )  # fmt: skip
    plan = plan_in_execution(nga_dien, nga_dien_officer, [(catalog["fibre"], 80)], year=last_year)
    client.force_login(nga_an_officer)

    response = client.get(reverse("coc:unit", args=["16144"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert plan.title in page  # "... của Xã Nga Điền"
    assert f'Tỷ lệ hộ có cáp quang</a> <span class="muted small">({last_year})</span>' in page
    assert "mục tiêu ≥ 80,0%" in page and "<strong>70,6%</strong>" in page  # 1.384 / 1.961, seed 003
    assert "Chậm tiến độ" in page  # below 80% and the year is over

    old = client.get(reverse("coc:unit", args=["legacy:16150"]), {"year": last_year})
    assert old.status_code == 200  # the old commune's own page, read only
    assert "70,6%" in old.content.decode()
    assert not old.context["can_publish"]


def test_a_passed_horizon_is_shown_with_the_figure_of_its_own_year_else_the_year_before(
    client, nga_dien, nga_dien_officer, nga_an, nga_an_officer, catalog
):
    horizon = timezone.localdate().year - 2  # seed 003's 2024 plan seen in 2026: neither this year nor last year
    values_write(
        user=nga_dien_officer,
        rows=[ValueInput("households_total", "legacy:16150", str(horizon - 1), 1961),
              ValueInput("households_fibre", "legacy:16150", str(horizon - 1), 1384)],
    )  # fmt: skip
    plan_in_execution(nga_dien, nga_dien_officer, [(catalog["fibre"], 80)], year=horizon)
    services.publication_save(user=nga_an_officer, unit=nga_an, is_published=True, indicators=[], show_targets=True)
    client.force_login(nga_an_officer)
    # no figure for the horizon year: the year before's 1.384 / 1.961, below 80% with the horizon passed
    public = client.get(reverse("coc:public", args=["16144"])).content.decode()
    assert f'<strong>70,6%</strong> <span class="muted small">({horizon - 1})</span>' in public
    assert "Chậm tiến độ" in public and "Chưa có số liệu" not in public
    response = client.get(reverse("coc:unit", args=["16144"]))
    page = response.content.decode()
    assert f'<strong>70,6%</strong> <span class="muted">({horizon - 1})</span>' in page
    summary = response.context["plan"]
    assert summary.totals == {"achieved": 0, "on_track": 0, "at_risk": 0, "off_track": 1, "no_data": 0}
    assert summary.gaps == []

    values_write(
        user=nga_dien_officer,
        rows=[ValueInput("households_total", "legacy:16150", str(horizon), 1961),
              ValueInput("households_fibre", "legacy:16150", str(horizon), 1600)],
    )  # fmt: skip
    response = client.get(reverse("coc:unit", args=["16144"]))
    assert f'<strong>81,6%</strong> <span class="muted">({horizon})</span>' in response.content.decode()  # 1.600/1.961
    assert response.context["plan"].totals["achieved"] == 1


def test_an_unrelated_commune_sees_neither_the_commune_nor_the_old_commune_it_absorbed(
    client, nga_dien, nga_dien_officer, nga_an, an_vien_officer, catalog
):
    plan_in_execution(nga_dien, nga_dien_officer, [(catalog["fibre"], 80)], year=timezone.localdate().year - 1)
    client.force_login(an_vien_officer)
    assert client.get(reverse("coc:unit", args=["16144"])).status_code == 404
    assert client.get(reverse("coc:unit", args=["legacy:16150"])).status_code == 404


def test_publication_form_saves_after_confirming(client, an_vien, an_vien_officer, catalog):
    client.force_login(an_vien_officer)
    response = client.post(
        reverse("coc:publication", args=["26296"]),
        {"is_published": "on", "show_targets": "on", "indicators": [catalog["fibre"].pk], "action": "confirm"},
    )
    assert response.status_code == 302
    assert an_vien.publication.indicators.get() == catalog["fibre"]
    assert client.get(reverse("coc:public", args=["26296"])).status_code == 200


SHOW_TARGETS_HELP = (
    "Mỗi chỉ tiêu của kế hoạch đang thực hiện được công khai kèm số liệu hiện tại (giá trị, kỳ và đánh giá), kể cả "
    "khi chỉ số của chỉ tiêu đó không được chọn trong “Chỉ số công khai”."
)


def test_the_publication_form_says_that_published_targets_show_their_figures(client, an_vien, an_vien_officer, catalog):
    """The public page shows each target's current figure even when its indicator is not among the published ones
    (test_public_page_shows_the_targets_of_the_old_commune_it_absorbed): the form says so under the option."""
    client.force_login(an_vien_officer)
    page = client.get(reverse("coc:publication", args=["26296"])).content.decode()
    assert f'id="id_show_targets_helptext">{SHOW_TARGETS_HELP}</span>' in page
    assert '<legend class="usa-legend">Chỉ số công khai</legend>' in page  # the list the help text names, by that name

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("coc:publication", args=["26296"])).content.decode()
    assert (
        "Each target of the plans in execution is published with its current figure (value, period and status), "
        "even when its indicator is not ticked under “Published indicators”."
    ) in page


def test_scorecard_sorts_by_a_target_and_colours_statuses(
    client, dong_nai, an_vien, tri_an, administrator, province_analyst, tri_an_officer, catalog, an_vien_figures
):
    plan = plan_in_execution(dong_nai, administrator, [(catalog["online"], 85), (catalog["fibre"], 80)])
    fibre = plan.targets.get(indicator=catalog["fibre"])
    values_write(user=tri_an_officer, rows=[ValueInput("dossiers_received", "26170", "2026-03", 100),
                                            ValueInput("dossiers_online", "26170", "2026-03", 40)])  # fmt: skip
    client.force_login(province_analyst)
    page = client.get(reverse("coc:scorecard", args=["75"]), {"sort": f"t{fibre.pk}", "dir": "asc"}).content.decode()
    # An Viễn has 75% fibre, Trị An none: communes without a value stay last
    assert page.index('data-unit="26296"') < page.index('data-unit="26170"')
    assert 'class="num cell-achieved" title="Đã đạt"' in page
    assert 'class="num cell-no_data" title="Chưa có số liệu"' in page
    by_name = client.get(reverse("coc:scorecard", args=["75"]), {"sort": "name", "dir": "desc"}).content.decode()
    assert by_name.index('data-unit="26170"') < by_name.index('data-unit="26296"')  # Trị An before An Viễn


def test_scorecard_can_hide_communes_without_data(
    client, dong_nai, an_vien, tri_an, administrator, province_analyst, catalog, an_vien_figures
):
    plan_in_execution(dong_nai, administrator, [(catalog["fibre"], 80)])
    client.force_login(province_analyst)
    page = client.get(reverse("coc:scorecard", args=["75"]), {"with_data": "1"}).content.decode()
    assert 'data-unit="26296"' in page and 'data-unit="26170"' not in page


def test_a_reader_cannot_open_the_publication_form(client, an_vien, province_analyst):
    client.force_login(province_analyst)
    response = client.get(reverse("coc:publication", args=["26296"]))
    assert response.status_code == 403


def test_scorecard_lists_a_commune_without_data_last_unranked_and_says_why(
    client, dong_nai, an_vien, tri_an, administrator, province_analyst, catalog, an_vien_figures
):
    import re

    plan_in_execution(dong_nai, administrator, [(catalog["online"], 85), (catalog["fibre"], 80)])
    client.force_login(province_analyst)
    for query in ({}, {"sort": "name", "dir": "asc"}, {"sort": "score", "dir": "asc"}):
        page = client.get(reverse("coc:scorecard", args=["75"]), query).content.decode()
        rows = re.findall(r'<tr data-unit="(\d+)"[^>]*>(.*?)</tr>', page, re.S)
        assert [code for code, _ in rows] == ["26296", "26170"], query  # Trị An has no figure: last
        an_vien_cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0][1], re.S)
        assert an_vien_cells[:2] == ["1", "<strong>96,9</strong>"]  # rank 1, (1.0 + 75 / 80) / 2
        tri_an = re.sub(r"\s+", " ", rows[1][1])
        assert '<td colspan="4" class="coc-nodata">Chưa có số liệu</td>' in tri_an  # rank, score, 2 targets
        assert "<strong>0</strong>" not in tri_an and ">2<" not in tri_an
    assert "1 xã, phường được xếp hạng · 1 xã, phường chưa có số liệu" in re.sub(r"\s+", " ", page)
    assert "không tính điểm (không phải 0), không xếp hạng" in page  # the rule, on the page


def test_scorecard_headers_carry_whole_names_and_the_goal(
    client, dong_nai, an_vien, administrator, province_analyst, catalog, an_vien_figures
):
    plan_in_execution(dong_nai, administrator, [(catalog["online"], 85)])
    client.force_login(province_analyst)
    page = client.get(reverse("coc:scorecard", args=["75"])).content.decode()
    name = catalog["online"].name
    assert f'{name}<span class="coc-goal">≥ 85,0% (2026)</span>' in page  # never cut to "…"
    assert "…" not in page.split("<thead>")[1].split("</thead>")[0]
