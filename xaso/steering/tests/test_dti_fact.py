"""The index's fact "who heads the steering committee" answered from the register when an assessment starts (the
small index of xaso/dti/tests/test_index: leaf A4, 10 points, options chairman 1, deputy 0,5, none 0)."""

from __future__ import annotations

from datetime import date

import pytest

from xaso.dti.loader import index_load
from xaso.dti.services import assessment_start
from xaso.dti.tests.test_index import small_index_data
from xaso.steering import services
from xaso.steering.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(catalog, dong_nai, province_analyst):
    return index_load(user=province_analyst, data=small_index_data(), province=dong_nai)


def a4(index, commune, user, year=2026):
    return assessment_start(user=user, index=index, commune=commune, year=year).scores.get(criterion__code="A4")


def test_chairman_heading_the_committee_earns_the_full_points(index, an_vien_committee, an_vien, an_vien_officer):
    score = a4(index, an_vien, an_vien_officer)
    assert (score.fact, score.points) == ("chairman", 10.0)


def test_a_vice_chairman_head_earns_half(index, an_vien_committee, an_vien, an_vien_officer):
    services.member_end(user=an_vien_officer, member=Member.objects.get(role="head"), valid_to=date(2026, 6, 30))
    services.member_add(user=an_vien_officer, committee=an_vien_committee, full_name="Dương Quốc Hùng",
                        position="Phó Chủ tịch UBND xã", role="head", leadership="vice_chairman",
                        valid_from=date(2026, 7, 1))  # fmt: skip
    score = a4(index, an_vien, an_vien_officer)
    assert (score.fact, score.points) == ("deputy", 5.0)
    # 2025 is read on 31/12/2025: the chairman was head then
    assert a4(index, an_vien, an_vien_officer, 2025).fact == "chairman"


def test_no_head_that_day_earns_nothing_and_no_committee_leaves_the_fact_to_the_commune(
    index, an_vien_committee, an_vien, an_vien_officer, tri_an, tri_an_officer
):
    before = a4(index, an_vien, an_vien_officer, 2024)  # the committee was established on 10/07/2025
    assert (before.fact, before.points) == ("none", 0.0)
    score = a4(index, tri_an, tri_an_officer)  # Trị An has not entered its committee
    assert (score.fact, score.points) == ("", 0.0)
