"""The province page and the scorecard kept in the fragments cache (xaso/coc/views.py, `province_version`): served
from it with a handful of queries, and never older than the last write that changes them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from xaso.accounts.models import Role
from xaso.conftest import make_unit, make_user
from xaso.core.versions import province_version
from xaso.geo.models import Level
from xaso.indicators.tests.conftest import write
from xaso.plans import services as plan_services
from xaso.plans.tests.factories import plan_in_execution

PROVINCE = reverse("coc:province", args=["75"])
SCORECARD = reverse("coc:scorecard", args=["75"])


@pytest.fixture
def key_targets(dong_nai, administrator, dong_nai_figures):
    catalog = dong_nai_figures
    return plan_in_execution(dong_nai, administrator, [(catalog["fibre"], 80)])


def without_tokens(html: str) -> str:
    """The page less what every response renders anew (the CSRF token, masked differently each time)."""
    return re.sub(r'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_page_from_the_cache_reads_the_session_the_user_and_two_versions(
    client, province_analyst, key_targets, django_assert_num_queries
):
    client.force_login(province_analyst)
    for url in (PROVINCE, PROVINCE + "?year=2025&page=1", SCORECARD):
        client.get(url)  # the first read may store the year periods the targets are judged on (a write)
        first = without_tokens(client.get(url).content.decode())
        # session, the user with their unit, the unit's version (xaso/geo/hot.py), the province's version
        with django_assert_num_queries(4):
            again = without_tokens(client.get(url).content.decode())
        assert again == first


def test_a_figure_written_in_a_commune_shows_at_the_next_read(
    client, province_analyst, key_targets, an_vien, an_vien_officer
):
    client.force_login(province_analyst)
    url = PROVINCE + "?year=2025&indicators=households_fibre_rate"
    assert "75,0" in client.get(url).content.decode()  # 6,420 / 8,560
    assert "75,0" in client.get(SCORECARD).content.decode()
    write(an_vien_officer, an_vien, "2025", households_fibre=7276)  # 7,276 / 8,560 = 85.0%
    page = client.get(url).content.decode()
    assert "85,0" in page and "75,0" not in page
    assert "85,0" in client.get(SCORECARD).content.decode()


def test_a_key_target_changed_shows_on_the_scorecard(client, province_analyst, key_targets, administrator, catalog):
    client.force_login(province_analyst)
    assert "≥ 80" in client.get(SCORECARD).content.decode()
    target = key_targets.targets.get()
    key_targets.__class__.objects.filter(pk=key_targets.pk).update(status="draft")
    key_targets.refresh_from_db()
    plan_services.target_save(user=administrator, plan=key_targets, target=target, indicator=catalog["fibre"], value=90,
                              horizon_year=target.horizon_year)  # fmt: skip
    key_targets.__class__.objects.filter(pk=key_targets.pk).update(status="in_execution")
    assert "≥ 90" in client.get(SCORECARD).content.decode()


def test_a_commune_added_to_the_province_shows(client, province_analyst, dong_nai_figures, dong_nai):
    client.force_login(province_analyst)
    assert "Xã Mới Lập" not in client.get(PROVINCE + "?year=2025").content.decode()
    make_unit("26999", "Xã Mới Lập", Level.COMMUNE, dong_nai)
    assert "Xã Mới Lập" in client.get(PROVINCE + "?year=2025").content.decode()


def test_another_provinces_write_keeps_the_version(dong_nai_figures, dong_nai, nga_an, nga_an_officer):
    before = province_version(dong_nai)
    write(nga_an_officer, nga_an, "2025", households_total=100, households_fibre=50)
    assert province_version(dong_nai) == before
    officer = make_user("officer_dn", Role.COMMUNE_OFFICER, dong_nai)
    commune = make_unit("26998", "Xã Thử", Level.COMMUNE, dong_nai)
    write(officer, commune, "2025", households_total=10, households_fibre=5)
    assert province_version(dong_nai) != before


def test_a_query_is_never_served_to_another(client, province_analyst, dong_nai_figures, dong_nai):
    """The pagination links repeat the query string: a page kept for `?x=…` is never the page of another query."""
    for n in range(60):  # more than one page of communes
        make_unit(f"27{n:03d}", f"Xã Thêm {n:03d}", Level.COMMUNE, dong_nai)
    client.force_login(province_analyst)
    tagged = client.get(PROVINCE, {"year": 2025, "marker": "zz-unique"}).content.decode()
    assert "marker=zz-unique" in tagged  # in its pagination links
    plain = client.get(PROVINCE, {"year": 2025}).content.decode()
    assert "zz-unique" not in plain
    assert client.get(PROVINCE, {"year": 2025, "q": "x" * 3000}).status_code == 200  # too long to keep: rendered


def test_each_reader_scope_has_its_own_page(client, province_analyst, an_vien_officer, dong_nai_figures):
    client.force_login(province_analyst)
    assert client.get(PROVINCE + "?year=2025").status_code == 200
    client.force_login(an_vien_officer)  # a commune officer may not read the province page
    assert client.get(PROVINCE + "?year=2025").status_code == 404
