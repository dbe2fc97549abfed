"""A review of An Viễn's third quarter of 2026, generated from the operations centre and concluded with two
follow-up tasks that enter the issued plan; hand-computed from seed 004's plan and the figures of conftest.

As of 30/09/2026 (the quarter's end; the review is opened on 10/10/2026), a 2026 target without a baseline has
elapsed (30/09 − 01/01) / (31/12 − 01/01) = 272 / 364 = 0,747 of its time; on track needs progress ≥ 0,747,
at risk ≥ 0,597:
- 5G coverage ≥ 60% at 30%: progress 0,50 → off track (the 2030 target ≥ 85%: 0,353 ≥ 272/1825 = 0,149, on track);
- cashless transactions ≥ 80% at 20%: 0,25 → off track (2030: on track);
- adults with a digital signature ≥ 10% at 6,5%: 0,65 → at risk (2030, 2045: on track);
- VNeID ≥ 80% at 70%: 0,875 → on track.
The three dated tasks of seed 004 are not started: due 15/03 (199 days late), 31/03 (183), 30/06 (92); the recurring
one is not overdue.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xaso.plans.models import Task
from xaso.plans.six import task_missing_six
from xaso.steering import selectors, services
from xaso.steering.models import FollowUp, Member, Review, ReviewStatus

from .conftest import FOLLOW_UP_CASHLESS, FOLLOW_UP_LAN

pytestmark = pytest.mark.django_db
TODAY = date(2026, 10, 10)


def q3_review(user, commune) -> Review:
    return services.review_create(user=user, commune=commune, kind="quarter", year=2026, part=3,
                                  meeting_date=date(2026, 10, 5), today=TODAY)  # fmt: skip


def test_review_lists_exactly_the_off_track_targets_and_overdue_tasks(an_vien_figures, an_vien_committee, an_vien,
                                                                      an_vien_officer):  # fmt: skip
    review = q3_review(an_vien_officer, an_vien)
    content = review.content
    assert review.as_of == date(2026, 9, 30)
    assert [(t["indicator"], t["horizon"], t["target"], t["latest"], t["status"]) for t in content["targets"]] == [
        ("Tỷ lệ giao dịch không dùng tiền mặt", 2026, "≥ 80%", "20,0%", "off_track"),
        ("Tỷ lệ phủ sóng 5G trên địa bàn xã", 2026, "≥ 60%", "30,0%", "off_track"),
        ("Tỷ lệ người dân trưởng thành có chữ ký số", 2026, "≥ 10%", "6,5%", "at_risk"),
    ]
    assert [(t["title"], t["due"], t["days_late"]) for t in content["overdue"]] == [
        ("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "15/03/2026", 199),
        ("Tuyên truyền, phổ biến chủ trương về chuyển đổi số", "31/03/2026", 183),
        ("Cấu hình hệ thống mạng LAN của UBND xã", "30/06/2026", 92),
    ]
    # 34 targets of 14 indicators: 4 indicators have figures, the other 10 are the data gaps
    gaps = {g["indicator"] for g in content["gaps"]}
    assert len(gaps) == 10 and "Tỷ lệ phủ sóng 5G trên địa bàn xã" not in gaps
    assert "Tỷ lệ phủ sóng 6G trên địa bàn xã" in gaps
    assert content["counts"]["off_track"] == 2 and content["counts"]["at_risk"] == 1
    assert content["dti"] is None  # no published index assessment: the section is left out


def test_review_as_of_today_while_the_quarter_runs(an_vien_figures, an_vien_committee, an_vien, an_vien_officer):
    """Opened on 10/10/2026 for the fourth quarter: figures as of that day, not 31/12."""
    review = services.review_create(user=an_vien_officer, commune=an_vien, kind="quarter", year=2026, part=4,
                                    meeting_date=date(2026, 10, 10), today=TODAY)  # fmt: skip
    assert review.as_of == TODAY
    assert [t["days_late"] for t in review.content["overdue"]] == [209, 193, 102]


def test_conclusions_and_two_follow_ups_become_plan_tasks_with_their_six(an_vien_figures, an_vien_committee, an_vien,
                                                                          an_vien_officer):  # fmt: skip
    review = q3_review(an_vien_officer, an_vien)
    services.review_conclusions_save(user=an_vien_officer, review=review, number="12/BC-BCĐ",
                                     conclusions="Tập trung đẩy mạnh thanh toán không dùng tiền mặt.\n"
                                     "Hoàn thành mạng LAN trước 30/11/2026.")  # fmt: skip
    services.follow_up_add(user=an_vien_officer, review=review, **FOLLOW_UP_LAN)
    services.follow_up_add(user=an_vien_officer, review=review, **FOLLOW_UP_CASHLESS)
    plan = an_vien_figures
    before = plan.tasks.count()
    services.review_conclude(user=an_vien_officer, review=review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.CONCLUDED and review.plan == plan
    assert (review.signer_name, review.signer_role) == ("Hoàng Minh Tuấn", "head")
    assert plan.tasks.count() == before + 2
    lan, cashless = (f.task for f in review.follow_ups.order_by("id"))
    assert lan.plan == plan and cashless.plan == plan
    assert (lan.title, lan.person, lan.lead_unit, lan.due_date, lan.deliverable, lan.approver) == (
        "Hoàn thành cấu hình mạng LAN của UBND xã", "Phạm Văn Dũng", "Văn phòng HĐND & UBND xã", date(2026, 11, 30),
        "Mạng LAN quản lý truy cập ra/vào", "Chủ tịch UBND xã",
    )  # fmt: skip
    assert cashless.timeframe_kind == "quarter" and cashless.coordinating_units == "Đoàn Thanh niên xã"
    assert task_missing_six(lan) == [] and task_missing_six(cashless) == []
    assert [e.action for e in review.events.all()] == ["create", "conclusions", "follow_up_add", "follow_up_add",
                                                       "conclude"]  # fmt: skip
    # concluded: locked
    with pytest.raises(ValidationError, match="đã kết luận"):
        services.review_conclusions_save(user=an_vien_officer, review=review, conclusions="Sửa")
    with pytest.raises(ValidationError, match="đã kết luận"):
        services.follow_up_add(user=an_vien_officer, review=review, **FOLLOW_UP_LAN)


@pytest.mark.parametrize("field", ["person", "lead_unit", "deliverable", "approver", "due_date"])
def test_a_follow_up_missing_a_ro_is_refused_and_nothing_saved(field, an_vien_figures, an_vien_committee, an_vien,
                                                               an_vien_officer):  # fmt: skip
    review = q3_review(an_vien_officer, an_vien)
    incomplete = {**FOLLOW_UP_LAN, field: None if field == "due_date" else ""}
    with pytest.raises(ValidationError, match="còn thiếu: rõ"):
        services.follow_up_add(user=an_vien_officer, review=review, **incomplete)
    assert not FollowUp.objects.exists()
    services.follow_up_add(user=an_vien_officer, review=review, **FOLLOW_UP_LAN)  # the flip: complete, accepted
    assert FollowUp.objects.count() == 1


def test_conclusion_is_all_or_nothing(an_vien_figures, an_vien_committee, an_vien, an_vien_officer):
    """The second follow-up lost its deliverable (a row stored before the rule): nothing enters the plan, the
    review stays a draft; restored, the conclusion goes through."""
    review = q3_review(an_vien_officer, an_vien)
    services.review_conclusions_save(user=an_vien_officer, review=review, conclusions="Kết luận.")
    services.follow_up_add(user=an_vien_officer, review=review, **FOLLOW_UP_LAN)
    second = services.follow_up_add(user=an_vien_officer, review=review, **FOLLOW_UP_CASHLESS)
    FollowUp.objects.filter(pk=second.pk).update(deliverable="")
    tasks = Task.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.review_conclude(user=an_vien_officer, review=review)
    assert "Nhiệm vụ 2 “Vận động tiểu thương" in exc.value.messages[0]
    assert "rõ sản phẩm (kết quả)" in exc.value.messages[0]
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT and Task.objects.count() == tasks
    assert not FollowUp.objects.filter(task__isnull=False).exists()
    FollowUp.objects.filter(pk=second.pk).update(deliverable="Danh sách tiểu thương")
    services.review_conclude(user=an_vien_officer, review=review)
    assert Task.objects.count() == tasks + 2


def test_conclusion_needs_conclusions_a_head_and_a_plan(an_vien_committee, an_vien, an_vien_officer, catalog):  # noqa: F811
    review = q3_review(an_vien_officer, an_vien)
    with pytest.raises(ValidationError, match="Nhập kết luận"):
        services.review_conclude(user=an_vien_officer, review=review)
    services.review_conclusions_save(user=an_vien_officer, review=review, conclusions="Kết luận.")
    services.follow_up_add(user=an_vien_officer, review=review, **FOLLOW_UP_LAN)
    with pytest.raises(ValidationError, match="chưa có kế hoạch chuyển đổi số năm 2026"):
        services.review_conclude(user=an_vien_officer, review=review)
    head = Member.objects.get(role="head")
    services.member_end(user=an_vien_officer, member=head, valid_to=date(2026, 9, 1), reason="Nghỉ hưu")
    with pytest.raises(ValidationError, match="chưa có Trưởng ban vào ngày họp 05/10/2026"):
        services.review_conclude(user=an_vien_officer, review=review)


def test_a_plan_closed_takes_no_follow_up(an_vien_figures, an_vien_committee, an_vien, an_vien_officer):
    from xaso.plans.services import task_add_directed

    plan = an_vien_figures
    plan.status = "closed"
    plan.save()
    with pytest.raises(ValidationError, match="đã tổng kết"):
        task_add_directed(user=an_vien_officer, plan=plan, **FOLLOW_UP_LAN)


def test_one_review_per_period(an_vien_figures, an_vien_committee, an_vien, an_vien_officer):
    q3_review(an_vien_officer, an_vien)
    with pytest.raises(ValidationError, match="Đã có phiên “Sơ kết quý III năm 2026”"):
        q3_review(an_vien_officer, an_vien)
    with pytest.raises(ValidationError, match="Ngày họp phải từ 01/07/2026"):
        services.review_create(user=an_vien_officer, commune=an_vien, kind="half", year=2026, part=2,
                               meeting_date=date(2026, 6, 30), today=TODAY)  # fmt: skip
    with pytest.raises(ValidationError, match="Chọn quý"):
        services.review_create(user=an_vien_officer, commune=an_vien, kind="quarter", year=2026, part=5,
                               meeting_date=date(2026, 10, 1), today=TODAY)  # fmt: skip


# --- the committee -------------------------------------------------------------------------------------------------


def test_one_head_at_a_time_and_history_kept(an_vien_committee, an_vien, an_vien_officer):
    with pytest.raises(ValidationError, match="Ban đã có Trưởng ban \\(Hoàng Minh Tuấn\\)"):
        services.member_add(user=an_vien_officer, committee=an_vien_committee, full_name="Trần Văn Mới",
                            position="Chủ tịch UBND xã", role="head", leadership="chairman",
                            valid_from=date(2026, 9, 2))  # fmt: skip
    head = Member.objects.get(role="head")
    services.member_end(user=an_vien_officer, member=head, valid_to=date(2026, 9, 1), reason="Nghỉ hưu")
    services.member_add(user=an_vien_officer, committee=an_vien_committee, full_name="Trần Văn Mới",
                        position="Phó Chủ tịch UBND xã", role="head", leadership="vice_chairman",
                        valid_from=date(2026, 9, 2))  # fmt: skip
    assert Member.objects.count() == 4  # the former head kept
    assert selectors.head_on(an_vien, date(2026, 8, 31)).full_name == "Hoàng Minh Tuấn"
    assert selectors.head_on(an_vien, date(2026, 9, 2)).full_name == "Trần Văn Mới"
    assert selectors.head_fact(an_vien, date(2026, 8, 31)) == "chairman"
    assert selectors.head_fact(an_vien, date(2026, 12, 31)) == "deputy"
    assert selectors.head_fact(an_vien, date(2025, 1, 1)) == "none"  # before the committee
    assert [m.full_name for m in selectors.members_on(an_vien_committee, date(2026, 12, 31))] == [
        "Trần Văn Mới", "Dương Quốc Hùng", "Lê Văn Cường",
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="đã thôi nhiệm vụ từ 01/09/2026"):
        services.member_end(user=an_vien_officer, member=head, valid_to=date(2026, 9, 5))
    deputy = Member.objects.get(role="deputy")
    with pytest.raises(ValidationError, match="từ 10/07/2025 trở đi"):
        services.member_end(user=an_vien_officer, member=deputy, valid_to=date(2025, 7, 9))


def test_member_input_is_checked(an_vien_committee, an_vien_officer, tri_an_officer):
    base = {"full_name": "Phan Thị Lan", "position": "Công chức", "role": "member", "valid_from": date(2026, 1, 1)}
    with pytest.raises(ValidationError, match="Chỉ liên kết tài khoản của Xã An Viễn"):
        services.member_add(user=an_vien_officer, committee=an_vien_committee, account=tri_an_officer, **base)
    with pytest.raises(ValidationError, match="Số điện thoại chỉ gồm chữ số"):
        services.member_add(user=an_vien_officer, committee=an_vien_committee, phone="goi-toi", **base)
    with pytest.raises(ValidationError, match="Nhập họ và tên"):
        services.member_add(user=an_vien_officer, committee=an_vien_committee, **{**base, "full_name": "  "})
    with pytest.raises(ValidationError, match="Ngày phải từ 01/01/2000"):
        services.member_add(
            user=an_vien_officer, committee=an_vien_committee, **{**base, "valid_from": date(1999, 1, 1)}
        )
    assert Member.objects.filter(full_name="Phan Thị Lan").count() == 0


# --- permissions ---------------------------------------------------------------------------------------------------


def test_another_commune_and_the_province_cannot_write(an_vien_figures, an_vien_committee, an_vien, an_vien_officer,
                                                       tri_an_officer, province_analyst):  # fmt: skip
    review = q3_review(an_vien_officer, an_vien)
    member = Member.objects.get(role="deputy")
    for intruder in (tri_an_officer, province_analyst):
        with pytest.raises(PermissionDenied):
            services.committee_save(user=intruder, commune=an_vien, decision_number="99/QĐ-UBND")
        with pytest.raises(PermissionDenied):
            services.member_add(user=intruder, committee=an_vien_committee, full_name="X", position="Y", role="member",
                                valid_from=date(2026, 1, 1))  # fmt: skip
        with pytest.raises(PermissionDenied):
            services.member_end(user=intruder, member=member, valid_to=date(2026, 1, 1))
        with pytest.raises(PermissionDenied):
            q3_review(intruder, an_vien)
        with pytest.raises(PermissionDenied):
            services.review_conclusions_save(user=intruder, review=review, conclusions="X")
        with pytest.raises(PermissionDenied):
            services.follow_up_add(user=intruder, review=review, **FOLLOW_UP_LAN)
        with pytest.raises(PermissionDenied):
            services.review_conclude(user=intruder, review=review)
    member.refresh_from_db()
    assert member.valid_to is None and an_vien_committee.members.count() == 3
    assert not FollowUp.objects.exists()


def test_demo_commune_gets_a_committee_and_one_concluded_review(an_vien, administrator):
    from xaso.steering.demo import demo_steering_load

    assert demo_steering_load(user=administrator) is True
    review = Review.objects.get()
    assert review.status == ReviewStatus.CONCLUDED and review.signer_name == "Hoàng Minh Tuấn"
    assert selectors.head_fact(an_vien, date(2026, 12, 31)) == "chairman"
    assert demo_steering_load(user=administrator) is False  # loading again changes nothing
    assert Review.objects.count() == 1 and Member.objects.count() == 5
