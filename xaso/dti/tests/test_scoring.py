"""Scores and ranks of four communes under a three-level index with proportional groups, ties and unanswered
criteria, every figure computed by hand (docs/decisions/0041: a group earns its points in proportion to what its
children earn).

The index (100 points, completed at 50 points with every mandatory criterion met):
- P1 "Hạ tầng và nền tảng số" 40 = M1 (30) + M2 (10, by hand): the children add up, factor 1.
  M1 "Nền tảng dùng chung" 30 = L1 (10) + L2 (10), both by hand: each L point counts 30 / 20 = 1,5.
- P2 "Chính quyền số" 60 = L3 (20, a stated fact: full 1, half 0,5, none 0; mandatory, met from half: pass share
  0,5) + L4 (20, by hand): each point counts 60 / 40 = 1,5.

Xã An Viễn: L1 8 → 12; L2 6 → 9; M2 10 → P1 31. L3 half → 10 × 1,5 = 15; L4 self 12, the province adjusts it to
8 → 12: P2 27. Total 58; L3 10 ≥ 0,5 × 20: met; completed.
Xã Trị An: L1 10 → 15, L2 10 → 15, M2 not answered → 0: P1 30. L3 half → 15 (exactly the pass share: met), L4 10 →
15: P2 30. Total 60, completed.
Xã Phú Lý: L1 4 → 6, L2 not answered, M2 9: P1 15. L3 full → 30, L4 10 → 15: P2 45. Total 60, completed.
Xã Mã Đà: answers nothing: 0, L3 unmet, not completed.
Ranks: Phú Lý and Trị An tie first (60; the tie listed by name), An Viễn third (58), Mã Đà fourth (0).
"""

import pytest

from xaso.accounts.models import Role
from xaso.conftest import make_unit, make_user
from xaso.dti.loader import index_load
from xaso.dti.selectors import assessment_tree, ranking
from xaso.dti.services import (
    assessment_publish,
    assessment_start,
    assessment_submit,
    score_review,
    score_self_assess,
)
from xaso.dti.tests.test_assessment import evidence
from xaso.geo.models import Level

pytestmark = pytest.mark.django_db


def three_level_index() -> dict:
    manual = {"kind": "manual"}
    return {
        "index": {"code": "ba-cap", "title": "Bộ chỉ số ba cấp", "total_points": 100,
                  "decision": {"number": "7/QĐ-UBND", "date": "2025-02-10", "issuer": "UBND tỉnh Đồng Nai"},
                  "completion": {"min_points": 50}},
        "criteria": [
            {"code": "P1", "name": "Hạ tầng và nền tảng số", "points": 40, "children": [
                {"code": "M1", "name": "Nền tảng dùng chung", "points": 30, "children": [
                    {"code": "L1", "name": "Kho dữ liệu của xã", "points": 10, "rule": manual},
                    {"code": "L2", "name": "Hộp thư công vụ", "points": 10, "rule": manual},
                ]},
                {"code": "M2", "name": "Trang thông tin điện tử", "points": 10, "rule": manual},
            ]},
            {"code": "P2", "name": "Chính quyền số", "points": 60, "children": [
                {"code": "L3", "name": "Quy chế số hóa hồ sơ", "points": 20, "mandatory": True, "pass_share": 0.5,
                 "rule": {"kind": "fact", "options": [
                     {"code": "full", "label": "Ban hành và áp dụng", "share": 1},
                     {"code": "half", "label": "Đã ban hành", "share": 0.5},
                     {"code": "none", "label": "Chưa có", "share": 0}]}},
                {"code": "L4", "name": "Họp không giấy", "points": 20, "rule": manual},
            ]},
        ],
    }  # fmt: skip


def assess(index, commune, officer, answers: dict) -> object:
    a = assessment_start(user=officer, index=index, commune=commune, year=2025)
    for code, answer in answers.items():
        score = a.scores.get(criterion__code=code)
        if isinstance(answer, str):
            score_self_assess(user=officer, score=score, fact=answer)
        else:
            score_self_assess(user=officer, score=score, points=answer, explanation="Có", evidence=evidence())
    assessment_submit(user=officer, assessment=a)
    return a


@pytest.fixture
def four_communes(catalog, dong_nai, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst):
    index = index_load(user=province_analyst, data=three_level_index(), province=dong_nai)
    phu_ly = make_unit("26200", "Xã Phú Lý", Level.COMMUNE, dong_nai)
    ma_da = make_unit("26180", "Xã Mã Đà", Level.COMMUNE, dong_nai)
    phu_ly_officer = make_user("phu_ly_officer", Role.COMMUNE_OFFICER, phu_ly)
    ma_da_officer = make_user("ma_da_officer", Role.COMMUNE_OFFICER, ma_da)
    av = assess(index, an_vien, an_vien_officer, {"L1": 8, "L2": 6, "M2": 10, "L3": "half", "L4": 12})
    ta = assess(index, tri_an, tri_an_officer, {"L1": 10, "L2": 10, "L3": "half", "L4": 10})
    pl = assess(index, phu_ly, phu_ly_officer, {"L1": 4, "M2": 9, "L3": "full", "L4": 10})
    md = assess(index, ma_da, ma_da_officer, {})
    score_review(user=province_analyst, score=av.scores.get(criterion__code="L4"), points=8,
                 reason="Chỉ 8 cuộc họp không giấy có biên bản")  # fmt: skip
    for a in (av, ta, pl, md):
        assessment_publish(user=province_analyst, assessment=a)
    return index, av


def test_ranks_ties_unanswered_criteria_and_groups_within_groups(four_communes, dong_nai, province_analyst):
    index, _av = four_communes
    rows = ranking(user=province_analyst, index=index, year=2025, province=dong_nai)
    assert [(r.rank, r.commune_name, r.total, r.pillars, r.completed) for r in rows] == [
        (1, "Xã Phú Lý", 60.0, {"P1": 15.0, "P2": 45.0}, True),
        (1, "Xã Trị An", 60.0, {"P1": 30.0, "P2": 30.0}, True),
        (3, "Xã An Viễn", 58.0, {"P1": 31.0, "P2": 27.0}, True),
        (4, "Xã Mã Đà", 0.0, {"P1": 0.0, "P2": 0.0}, False),
    ]


def test_the_commune_page_shows_each_group_in_its_own_points(four_communes):
    _index, av = four_communes
    earned = {r.criterion.code: r.earned for r in assessment_tree(av)}
    # M1 earns (8 + 6) of its children's 20 points, in its own 30 points: 21; P2 (10 + 8) of 40 in 60: 27
    assert earned == {"P1": 31.0, "M1": 21.0, "L1": 8.0, "L2": 6.0, "M2": 10.0, "P2": 27.0, "L3": 10.0, "L4": 8.0}
