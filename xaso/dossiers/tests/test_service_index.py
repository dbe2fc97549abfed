"""The national service index (766/QĐ-TTg) scored from the dossier register, hand-computed on a small register.

July 2025 of An Viễn (conftest `JULY`): received 5 (online 2), resolved 3 (A1, A3 on time; A2 late), results
digitised 2 (A1, A3), components digitised 4 (all but A2), reused 0, with a fee 2 (A1 online, A2 cash).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from xaso.conftest import make_unit
from xaso.core import periods
from xaso.dossiers.service_index import GROUPS, SCORED, criterion_points, service_index, service_index_communes
from xaso.geo.models import Level

from .conftest import JULY, PROVINCE_HEADER, csv_bytes, province_row, run_import

pytestmark = pytest.mark.django_db

#: August 2025: one dossier, online, resolved on time, digitised, result digitised, data reused, fee paid online
AUGUST = [
    province_row(1, "AV-0101", "1.001193", "Trực tuyến", "04/08/2025", "08/08/2025", "06/08/2025", "Đã trả kết quả",
                 fee="Có", result_digitised="Có"),
]  # fmt: skip


@pytest.fixture
def july(full_catalog, an_vien, an_vien_officer):
    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, JULY))


def _scores(score) -> dict[str, float | None]:
    return {c.criterion.code: c.points for g in score.groups for c in g.criteria if c.measured}


def test_july_points_per_sub_criterion_group_and_total_by_hand(july, an_vien, an_vien_officer):
    score = service_index(user=an_vien_officer, unit=an_vien, period=periods.month(2025, 7))
    # 2.1 on time 2/3 × 20 = 13,33 · 3.3 online 2/5 = 40 % of the 50 % for full points: 0,8 × 4,4 = 3,52
    # 3.6 paid online 1/2 × 4,4 = 2,2 · 4.1 e-results 2/3 × 4,4 = 2,93 · 4.2 digitised 4/5 = 80 %: full 4,4
    # 4.3 reused 0/5: 0
    assert _scores(score) == {"2.1": 13.33, "3.3": 3.52, "3.6": 2.2, "4.1": 2.93, "4.2": 4.4, "4.3": 0.0}
    rates = {c.criterion.code: (c.numerator, c.denominator) for g in score.groups for c in g.criteria if c.measured}
    assert rates == {"2.1": (2, 3), "3.3": (2, 5), "3.6": (1, 2), "4.1": (2, 3), "4.2": (4, 5), "4.3": (0, 5)}
    groups = {g.group.code: (g.points, g.measured_points) for g in score.groups}
    assert groups == {"public": (None, 0), "progress": (13.33, 20), "online": (5.72, 8.8),
                      "digitisation": (7.33, 13.2), "satisfaction": (None, 0)}  # fmt: skip
    assert (score.points, score.measured_points) == (26.38, 42.0)


def test_the_groups_carry_the_points_of_the_decision_and_only_register_counts_are_scored():
    assert [(g.name, g.points) for g in GROUPS] == [
        ("Công khai, minh bạch", 18), ("Tiến độ, kết quả giải quyết", 20), ("Cung cấp dịch vụ trực tuyến", 22),
        ("Số hóa hồ sơ", 22), ("Mức độ hài lòng", 18),
    ]  # fmt: skip
    assert sum(g.points for g in GROUPS) == 100
    assert sorted(SCORED) == ["2.1", "3.3", "3.6", "4.1", "4.2", "4.3"]
    for group in GROUPS:  # the provisional shares never exceed the group's points
        assert sum(c.points or 0 for c in group.criteria) == pytest.approx(group.points)


@pytest.mark.parametrize(
    ("code", "numerator", "denominator", "points"),
    [
        ("4.2", 9, 10, 4.4),  # above the 80 % for full points: capped, not 4,95
        ("4.2", 8, 10, 4.4),  # exactly at it
        ("4.2", 4, 10, 2.2),  # half of it: half the points
        ("3.3", 3, 10, 2.64),  # 30 % of the 50 %: 0,6 × 4,4
        ("3.3", 6, 10, 4.4),
        ("2.1", 19, 20, 19.0),  # no threshold stated: the rate × the points
        ("3.6", 0, 4, 0.0),
        ("4.1", 0, 0, None),  # no dossier: nothing to rate, not 0 points
    ],
)
def test_points_of_a_rate(code, numerator, denominator, points):
    assert criterion_points(SCORED[code], numerator, denominator) == points


def test_a_quarter_is_sums_over_sums_not_an_average_of_months(july, an_vien, an_vien_officer):
    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, AUGUST))
    august = service_index(user=an_vien_officer, unit=an_vien, period=periods.month(2025, 8))
    assert _scores(august) == {"2.1": 20.0, "3.3": 4.4, "3.6": 4.4, "4.1": 4.4, "4.2": 4.4, "4.3": 0.0}
    quarter = service_index(user=an_vien_officer, unit=an_vien, period=periods.quarter(2025, 3))
    # on time (2 + 1) / (3 + 1) = 75 % → 15 points (the mean of 66,7 % and 100 % would give 16,67)
    # online (2 + 1) / (5 + 1) = 50 % → full · paid online (1 + 1) / (2 + 1) → 2,93 · e-results 3/4 → 3,3
    # digitised 5/6 = 83 % → full · reused 0/6
    assert _scores(quarter) == {"2.1": 15.0, "3.3": 4.4, "3.6": 2.93, "4.1": 3.3, "4.2": 4.4, "4.3": 0.0}
    year = service_index(user=an_vien_officer, unit=an_vien, period=periods.year(2025))
    assert _scores(year) == _scores(quarter)
    assert not service_index(user=an_vien_officer, unit=an_vien, period=periods.quarter(2025, 2)).has_data


def test_another_commune_cannot_read_the_index(july, an_vien, tri_an_officer, client):
    with pytest.raises(PermissionDenied):
        service_index(user=tri_an_officer, unit=an_vien, period=periods.year(2025))
    client.force_login(tri_an_officer)
    assert client.get(reverse("dossiers:service_index", kwargs={"code": an_vien.code})).status_code == 404


def test_index_page_drills_down_to_the_dossiers_behind_each_sub_criterion(client, july, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.get(reverse("dossiers:service_index", kwargs={"code": an_vien.code}), {"period": "2025-07"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="points-2.1">13,33<' in page and 'data-testid="rate-2.1">66,7%<' in page
    assert page.count("xaso không đo") >= 2  # publicity and satisfaction, and the sub-criteria of other sources
    drill = "/dossiers/26296/?year=2025&amp;month=7&amp;criterion=2.1"
    assert drill in page
    listing = client.get(drill.replace("&amp;", "&")).context["listing"]
    assert (listing.numerator, listing.denominator) == (2, 3)
    assert [d.code for d in listing.dossiers] == ["AV-0002", "AV-0001", "AV-0003"]  # the late one first
    reused = client.get(reverse("dossiers:list", kwargs={"code": an_vien.code}),
                        {"year": 2025, "quarter": 3, "criterion": "4.3"}).context["listing"]  # fmt: skip
    assert (reused.numerator, reused.denominator) == (0, 5)  # over every dossier received, as the decision counts


def test_a_bad_period_is_named_and_the_year_shown(client, july, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.get(reverse("dossiers:service_index", kwargs={"code": an_vien.code}), {"period": "2025-13"})
    assert response.status_code == 200
    assert "2025-13" in response.context["period_error"]
    assert response.context["period"].code == "2025"


def test_operations_centre_shows_the_index_of_the_year(client, july, an_vien, an_vien_officer):
    from xaso.coc.tests.conftest import with_areas

    client.force_login(an_vien_officer)
    page = with_areas(client, client.get(reverse("coc:unit", kwargs={"code": an_vien.code}), {"year": 2025}))
    assert 'data-testid="svc-points">26,38<' in page
    assert 'data-testid="svc-group-public">xaso không đo<' in page
    assert 'data-testid="svc-group-satisfaction">xaso không đo<' in page
    assert "/dossiers/26296/service-index/?period=2025" in page


def test_province_table_ranks_its_communes_in_one_query(client, july, an_vien, an_vien_officer, tri_an, dong_nai,
                                                        province_analyst, django_assert_max_num_queries):  # fmt: skip
    communes = [an_vien, tri_an]
    with django_assert_max_num_queries(1):
        scores = service_index_communes(user=province_analyst, province=dong_nai, communes=communes,
                                        period=periods.year(2025))  # fmt: skip
    assert [(s.unit.code, s.points) for s in scores] == [("26296", 26.38), ("26170", None)]
    client.force_login(province_analyst)
    url = reverse("dossiers:service_index_province", kwargs={"code": dong_nai.code})
    with django_assert_max_num_queries(PROVINCE_QUERIES) as small:
        response = client.get(url, {"period": "2025"})
    page = response.content.decode()
    assert response.status_code == 200 and "26,38" in page and "Xã Trị An" in page
    for n in range(3):  # more communes, more dossiers: the same queries
        make_unit(f"2699{n}", f"Xã Thử {n}", Level.COMMUNE, dong_nai)
    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, AUGUST))
    with django_assert_max_num_queries(PROVINCE_QUERIES) as large:
        client.get(url, {"period": "2025"})
    assert len(small.captured_queries) == len(large.captured_queries)


def test_province_page_refuses_another_province(client, july, dong_nai, tri_an_officer):
    client.force_login(tri_an_officer)
    assert client.get(reverse("dossiers:service_index_province", kwargs={"code": dong_nai.code})).status_code == 404


#: session, user, unit, communes, the sums (+ savepoints of the session)
PROVINCE_QUERIES = 8
