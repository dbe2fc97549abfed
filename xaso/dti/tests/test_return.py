"""The province returns a submitted assessment to the commune to complete (trả lại để bổ sung): the state machine
draft → submitted → (returned: draft) → submitted → published, each condition flipped, and the history kept.

Figures of test_assessment: An Viễn 2025 self-assessed B1 24, B2 15 → total 66,2."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from xaso.dti.models import ScoreChange
from xaso.dti.services import (
    assessment_publish,
    assessment_return,
    assessment_submit,
    score_review,
    score_self_assess,
)
from xaso.dti.tests.test_assessment import an_vien_2025, evidence, score

pytestmark = pytest.mark.django_db
REASON = "Biên bản mô hình điểm B1 chưa có chữ ký; bổ sung biên bản có chữ ký."


@pytest.fixture
def submitted(index, an_vien, an_vien_officer):
    a = an_vien_2025(index, an_vien, an_vien_officer)
    assessment_submit(user=an_vien_officer, assessment=a)
    return a


def test_the_province_returns_with_a_reason_the_commune_corrects_and_resubmits(
    submitted, an_vien_officer, province_analyst
):
    score_review(user=province_analyst, score=score(submitted, "B1"), points=18, reason="Chỉ một mô hình")
    score_review(user=province_analyst, score=score(submitted, "B2"), points=None)
    assessment_return(user=province_analyst, assessment=submitted, reason=REASON)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.return_reason, submitted.returned_by) == ("draft", REASON, province_analyst)
    # the commune corrects B1: its new answer is reviewed again; B2, untouched, keeps the province's acceptance
    score_self_assess(user=an_vien_officer, score=score(submitted, "B1"), points=20, explanation="Biên bản đã ký",
                      evidence=evidence())  # fmt: skip
    b1, b2 = score(submitted, "B1"), score(submitted, "B2")
    assert (b1.points, b1.self_points, b1.review_status, b1.review_reason) == (20, 20, "pending", "")
    assert b2.review_status == "accepted"
    assessment_submit(user=an_vien_officer, assessment=submitted)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assessment_publish(user=province_analyst, assessment=submitted)
    actions = list(ScoreChange.objects.filter(assessment=submitted).values_list("action", flat=True))
    assert actions[-6:] == ["adjusted", "accepted", "return", "self", "submit", "publish"]
    assert ScoreChange.objects.get(assessment=submitted, action="return").note == REASON


def test_returning_needs_a_reason(submitted, province_analyst):
    with pytest.raises(ValidationError) as caught:
        assessment_return(user=province_analyst, assessment=submitted, reason="   ")
    assert caught.value.messages == ["Nhập lý do trả lại để xã bổ sung (tối đa 4000 ký tự)."]
    with pytest.raises(ValidationError):
        assessment_return(user=province_analyst, assessment=submitted, reason="x" * 4001)
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.return_reason == ""


def test_only_the_provinces_reviewer_returns(submitted, an_vien_officer, thanh_hoa):
    from xaso.conftest import make_user

    for user in (an_vien_officer, make_user("thanh_hoa_analyst", "analyst", thanh_hoa)):
        with pytest.raises(PermissionDenied):
            assessment_return(user=user, assessment=submitted, reason=REASON)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_only_a_submitted_assessment_is_returned(index, an_vien, an_vien_officer, province_analyst):
    a = an_vien_2025(index, an_vien, an_vien_officer)
    with pytest.raises(ValidationError):  # still a draft
        assessment_return(user=province_analyst, assessment=a, reason=REASON)
    assessment_submit(user=an_vien_officer, assessment=a)
    assessment_publish(user=province_analyst, assessment=a)
    with pytest.raises(ValidationError):  # published: final
        assessment_return(user=province_analyst, assessment=a, reason=REASON)
    a.refresh_from_db()
    assert a.status == "published"


def test_the_commune_cannot_change_a_submitted_assessment_until_it_is_returned(
    submitted, an_vien_officer, province_analyst
):
    with pytest.raises(ValidationError):
        score_self_assess(user=an_vien_officer, score=score(submitted, "B1"), points=30, explanation="x")
    assessment_return(user=province_analyst, assessment=submitted, reason=REASON)
    score_self_assess(user=an_vien_officer, score=score(submitted, "B1"), points=30, explanation="x",
                      evidence=evidence())  # fmt: skip
    assert score(submitted, "B1").points == 30


def test_the_commune_reads_the_reason_on_its_page_and_the_province_has_the_button(
    client, submitted, an_vien_officer, province_analyst
):
    client.force_login(province_analyst)
    page = client.get(reverse("dti:assessment", args=[submitted.pk])).content.decode()
    assert 'data-testid="return"' in page
    client.post(reverse("dti:return", args=[submitted.pk]), {"reason": REASON})
    client.force_login(an_vien_officer)
    assert client.post(reverse("dti:return", args=[submitted.pk]), {"reason": "x"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "draft" and submitted.return_reason == REASON  # the officer's try changed nothing
    page = client.get(reverse("dti:assessment", args=[submitted.pk])).content.decode()
    assert REASON in page and 'data-testid="returned"' in page and 'data-testid="submit"' in page


def test_a_score_recomputed_from_new_figures_after_a_return_is_reviewed_again(
    submitted, an_vien_officer, province_analyst
):
    from xaso.dti.services import assessment_refresh
    from xaso.indicators.services import ValueInput, values_write

    score_review(user=province_analyst, score=score(submitted, "A1"), points=None)  # accepted at 10
    score_review(user=province_analyst, score=score(submitted, "A2"), points=None)  # accepted, figures unchanged
    assessment_return(user=province_analyst, assessment=submitted, reason=REASON)
    # fibre 1.700 / 1.961 = 86,7% ≥ 80 → A1 20 points
    values_write(user=an_vien_officer, rows=[ValueInput("households_fibre", "26296", "2025", 1700)])
    assert assessment_refresh(user=an_vien_officer, assessment=submitted) == 1
    a1, a2 = score(submitted, "A1"), score(submitted, "A2")
    assert (a1.points, a1.review_status, a1.reviewed_by) == (20, "pending", None)
    assert (a2.points, a2.review_status) == (10, "accepted")
