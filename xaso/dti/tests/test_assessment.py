"""A commune's self-assessment, the province's review and the ranking, on the small index of test_index with
hand-computed figures.

An Viễn 2025: fibre 1.384 / 1.961 = 70,6% → threshold 50 reached, 80 not → 20 × 0,5 = 10; smartphone
5.187 / 7.410 = 70,0% → linear (70 − 50) / (90 − 50) = 0,5 → 10; LAN yes → 10; head of the committee a deputy →
10 × 0,5 = 5 (mandatory, not met); B1 self 24, B2 self 15 → (24 + 15) × 0,8 = 31,2. Total 66,2; the province
adjusts B1 to 18 (“chỉ một mô hình có kết quả”) → (18 + 15) × 0,8 = 26,4 → total 61,4, not completed (A4 unmet).
Trị An 2025: fibre 1.700 / 1.961 = 86,7% → 20; smartphone 950 / 1.000 = 95% → clamped 20; LAN no → 0;
chairman → 10; B1 30, B2 0 → 24. Total 74, completed (A4 met, 74 ≥ 60). Trị An ranks 1, An Viễn 2.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from xaso.dti.loader import index_load
from xaso.dti.models import ScoreChange
from xaso.dti.selectors import lost_points, ranking
from xaso.dti.services import (
    assessment_publish,
    assessment_start,
    assessment_submit,
    score_review,
    score_self_assess,
)
from xaso.dti.tests.test_index import small_index_data
from xaso.files.tests.samples import pdf
from xaso.indicators.services import ValueInput, values_write

pytestmark = pytest.mark.django_db


def evidence():
    return SimpleUploadedFile("bien-ban.pdf", pdf(), content_type="application/pdf")


@pytest.fixture
def index(catalog, dong_nai, province_analyst):
    return index_load(user=province_analyst, data=small_index_data(), province=dong_nai)


def score(assessment, code):
    return assessment.scores.get(criterion__code=code)


def an_vien_2025(index, an_vien, officer):
    values_write(user=officer, rows=[
        ValueInput("households_total", "26296", "2025", 1961), ValueInput("households_fibre", "26296", "2025", 1384),
        ValueInput("adults_total", "26296", "2025", 7410), ValueInput("adults_smartphone", "26296", "2025", 5187),
        ValueInput("lan_completed", "26296", "2025", 1),
    ])  # fmt: skip
    a = assessment_start(user=officer, index=index, commune=an_vien, year=2025)
    score_self_assess(user=officer, score=score(a, "A4"), fact="deputy")
    score_self_assess(user=officer, score=score(a, "B1"), points=24, explanation="Hai mô hình", evidence=evidence())
    score_self_assess(user=officer, score=score(a, "B2"), points=15, explanation="Tổ ở 9 thôn", evidence=evidence())
    return a


def tri_an_2025(index, tri_an, officer):
    values_write(user=officer, rows=[
        ValueInput("households_total", "26170", "2025", 1961), ValueInput("households_fibre", "26170", "2025", 1700),
        ValueInput("adults_total", "26170", "2025", 1000), ValueInput("adults_smartphone", "26170", "2025", 950),
        ValueInput("lan_completed", "26170", "2025", 0),
    ])  # fmt: skip
    a = assessment_start(user=officer, index=index, commune=tri_an, year=2025)
    score_self_assess(user=officer, score=score(a, "A4"), fact="chairman")
    score_self_assess(user=officer, score=score(a, "B1"), points=30, explanation="Ba mô hình", evidence=evidence())
    return a


def test_automatic_scores_come_from_the_commune_figures(index, an_vien, an_vien_officer):
    a = an_vien_2025(index, an_vien, an_vien_officer)
    assert score(a, "A1").value == pytest.approx(70.576, abs=1e-3)
    assert [score(a, c).points for c in ("A1", "A2", "A3", "A4", "B1", "B2")] == [10, 10, 10, 5, 24, 15]


def test_review_publish_rank_and_year_on_year_change(
    index, dong_nai, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst
):
    av = an_vien_2025(index, an_vien, an_vien_officer)
    ta = tri_an_2025(index, tri_an, tri_an_officer)
    previous = assessment_start(user=tri_an_officer, index=index, commune=tri_an, year=2024)  # no figures: 0
    for a, officer in ((av, an_vien_officer), (ta, tri_an_officer), (previous, tri_an_officer)):
        assessment_submit(user=officer, assessment=a)
    score_review(user=province_analyst, score=score(av, "B1"), points=18, reason="Chỉ một mô hình có kết quả")
    score_review(user=province_analyst, score=score(av, "A1"))
    for a in (av, ta, previous):
        assessment_publish(user=province_analyst, assessment=a)
    rows = ranking(user=province_analyst, index=index, year=2025, province=dong_nai)
    assert [(r.commune_name, r.total, r.rank, r.completed, r.change) for r in rows] == [
        ("Xã Trị An", 74.0, 1, True, 74.0),
        ("Xã An Viễn", 61.4, 2, False, None),
    ]
    assert rows[1].pillars == {"A": 35.0, "B": 26.4}
    lost = lost_points(user=an_vien_officer, assessment=av)
    expected = [("A1", 10.0), ("A2", 10.0), ("B1", 9.6), ("A4", 5.0), ("B2", 4.0)]
    assert [(x.criterion.code, x.lost) for x in lost] == expected
    assert lost[2].review_reason == "Chỉ một mô hình có kết quả"
    changes = ScoreChange.objects.filter(assessment=av, criterion__code="B1")
    history = list(changes.values_list("action", "old_points", "new_points"))
    assert history == [("self", 0.0, 24.0), ("adjusted", 24.0, 18.0)]


def test_a_mandatory_criterion_unmet_or_a_total_below_the_minimum_means_not_completed(
    index, dong_nai, tri_an, tri_an_officer, province_analyst
):
    ta = tri_an_2025(index, tri_an, tri_an_officer)
    assessment_submit(user=tri_an_officer, assessment=ta)
    score_review(user=province_analyst, score=score(ta, "A4"), points=9.99, reason="Quyết định thành lập chưa ký")
    assessment_publish(user=province_analyst, assessment=ta)
    [row] = ranking(user=province_analyst, index=index, year=2025, province=dong_nai)
    assert (row.total, row.completed) == (73.99, False)


def test_submitting_a_hand_score_without_evidence_is_refused(index, an_vien, an_vien_officer):
    a = assessment_start(user=an_vien_officer, index=index, commune=an_vien, year=2025)
    score_self_assess(user=an_vien_officer, score=score(a, "B1"), points=10, explanation="Có mô hình")
    with pytest.raises(ValidationError, match="B1"):
        assessment_submit(user=an_vien_officer, assessment=a)
    a.refresh_from_db()
    assert a.status == "draft"


def test_bounds_and_roles_are_enforced(index, an_vien, an_vien_officer, tri_an_officer, province_analyst):
    a = assessment_start(user=an_vien_officer, index=index, commune=an_vien, year=2025)
    with pytest.raises(ValidationError, match="từ 0 đến 30"):
        score_self_assess(user=an_vien_officer, score=score(a, "B1"), points=31)
    with pytest.raises(ValidationError, match="tự động"):
        score_self_assess(user=an_vien_officer, score=score(a, "A1"), points=5)
    with pytest.raises(PermissionDenied):
        score_self_assess(user=tri_an_officer, score=score(a, "B1"), points=5)
    with pytest.raises(ValidationError, match="đã gửi"):
        score_review(user=province_analyst, score=score(a, "B1"), points=5, reason="x")
    assessment_submit(user=an_vien_officer, assessment=a)
    with pytest.raises(PermissionDenied):
        score_review(user=an_vien_officer, score=score(a, "B1"), points=5, reason="x")
    with pytest.raises(ValidationError, match="lý do"):
        score_review(user=province_analyst, score=score(a, "B1"), points=5, reason=" ")
    with pytest.raises(ValidationError, match="không sửa"):
        score_self_assess(user=an_vien_officer, score=score(a, "B1"), points=5)


def test_a_new_index_version_does_not_change_published_scores(
    index, dong_nai, tri_an, tri_an_officer, province_analyst
):
    ta = tri_an_2025(index, tri_an, tri_an_officer)
    assessment_submit(user=tri_an_officer, assessment=ta)
    assessment_publish(user=province_analyst, assessment=ta)
    data = small_index_data()
    data["criteria"][1]["children"][0]["points"] = 20  # B1 now 20 of 40
    index_load(user=province_analyst, data=data, province=dong_nai)
    [row] = ranking(user=province_analyst, index=index, year=2025, province=dong_nai)
    assert row.total == 74.0


def test_a_commune_assesses_a_year_under_one_version_of_the_index_only(
    index, dong_nai, tri_an, tri_an_officer, province_analyst
):
    """The ranking adds up a commune's scores under every version of the code: a second assessment of the same
    year under version 2 would have counted Trị An twice (74 + 40 = 114 of 100 points)."""
    ta = tri_an_2025(index, tri_an, tri_an_officer)
    assessment_submit(user=tri_an_officer, assessment=ta)
    assessment_publish(user=province_analyst, assessment=ta)
    v2 = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    with pytest.raises(ValidationError, match="đã có bản đánh giá năm 2025 theo phiên bản 1"):
        assessment_start(user=tri_an_officer, index=v2, commune=tri_an, year=2025)
    assert tri_an.pk not in set(v2.assessments.values_list("commune_id", flat=True))
    [row] = ranking(user=province_analyst, index=index, year=2025, province=dong_nai)
    assert row.total == 74.0
    assert assessment_start(user=tri_an_officer, index=v2, commune=tri_an, year=2026).index == v2  # the next year
    assert assessment_start(user=tri_an_officer, index=index, commune=tri_an, year=2025) == ta  # reopens its own


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_under_two_versions_leave_one_assessment(
    catalog, dong_nai, tri_an, tri_an_officer, province_analyst
):
    """PostgreSQL: the first start holds the commune's row until it commits; the second, under version 2, waits for
    it, then sees its assessment and is refused (without the lock neither saw the other: two assessments)."""
    from django.db import connection

    from xaso.core.testing import transaction_held
    from xaso.dti.models import Assessment

    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time in: the database serialises them itself")
    v1 = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    v2 = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)

    def first():
        assessment_start(user=tri_an_officer, index=v1, commune=tri_an, year=2025)

    # the first commits a second later, while the second waits for it
    with transaction_held(first) as failures, pytest.raises(ValidationError, match="theo phiên bản 1"):
        assessment_start(user=tri_an_officer, index=v2, commune=tri_an, year=2025)
    assert failures == []
    assert list(Assessment.objects.filter(commune=tri_an, year=2025).values_list("index__version", flat=True)) == [1]
