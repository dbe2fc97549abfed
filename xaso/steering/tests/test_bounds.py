"""Every bound of the steering committee's services, each on both sides: the value just inside is taken, the one
just outside is refused with its Vietnamese message and nothing is saved (so each condition of the rule is needed)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from xaso.accounts.models import Role
from xaso.conftest import make_user
from xaso.steering import services
from xaso.steering.models import FollowUp, Member, Review

from .conftest import FOLLOW_UP_LAN

pytestmark = pytest.mark.django_db
TODAY = date(2026, 10, 10)
MEMBER = {"full_name": "Phan Thị Lan", "position": "Công chức", "role": "member"}


def test_member_dates_inside_the_years_plans_take(an_vien_committee, an_vien_officer):
    last = services.member_add(user=an_vien_officer, committee=an_vien_committee, valid_from=date(2100, 12, 31),
                               **MEMBER)  # fmt: skip
    assert last.valid_from == date(2100, 12, 31)
    for outside in (date(2101, 1, 1), date(1999, 12, 31)):
        with pytest.raises(ValidationError, match="Ngày phải từ 01/01/2000 đến 31/12/2100"):
            services.member_add(user=an_vien_officer, committee=an_vien_committee, valid_from=outside,
                                **{**MEMBER, "full_name": "Ngoài hạn"})  # fmt: skip
    assert not Member.objects.filter(full_name="Ngoài hạn").exists()


def test_only_an_active_account_of_the_commune_is_linked(an_vien_committee, an_vien, an_vien_officer):
    left = make_user("an_vien_left", Role.COMMUNE_OFFICER, an_vien, full_name="Phan Thị Lan")
    left.is_active = False
    left.save(update_fields=["is_active"])
    with pytest.raises(ValidationError, match="Chỉ liên kết tài khoản của Xã An Viễn"):
        services.member_add(user=an_vien_officer, committee=an_vien_committee, account=left,
                            valid_from=date(2026, 1, 1), **MEMBER)  # fmt: skip
    assert not Member.objects.filter(full_name=MEMBER["full_name"]).exists()
    left.is_active = True
    left.save(update_fields=["is_active"])
    member = services.member_add(user=an_vien_officer, committee=an_vien_committee, account=left,
                                 valid_from=date(2026, 1, 1), **MEMBER)  # fmt: skip
    assert member.user == left


def test_a_committee_holds_at_most_sixty_serving_members(an_vien_committee, an_vien_officer):
    serving = an_vien_committee.members.filter(valid_to__isnull=True).count()
    assert serving == 3
    Member.objects.bulk_create(
        Member(committee=an_vien_committee, full_name=f"Thành viên {n}", position="Trưởng thôn", role="member",
               valid_from=date(2026, 1, 1))
        for n in range(services.MAX_MEMBERS - serving - 1)
    )  # fmt: skip
    services.member_add(user=an_vien_officer, committee=an_vien_committee, valid_from=date(2026, 1, 1), **MEMBER)
    assert an_vien_committee.members.filter(valid_to__isnull=True).count() == services.MAX_MEMBERS == 60
    with pytest.raises(ValidationError, match="Ban đã có 60 thành viên"):
        services.member_add(user=an_vien_officer, committee=an_vien_committee, valid_from=date(2026, 1, 1),
                            **{**MEMBER, "full_name": "Người thứ 61"})  # fmt: skip
    assert not Member.objects.filter(full_name="Người thứ 61").exists()
    # a member who left frees a seat
    services.member_end(user=an_vien_officer, member=Member.objects.get(full_name="Thành viên 0"),
                        valid_to=date(2026, 6, 30))  # fmt: skip
    services.member_add(user=an_vien_officer, committee=an_vien_committee, valid_from=date(2026, 7, 1),
                        **{**MEMBER, "full_name": "Người thứ 61"})  # fmt: skip


def test_a_review_needs_the_committee_first(an_vien, an_vien_officer, catalog):  # noqa: F811 (fixture)
    with pytest.raises(ValidationError, match="Xã An Viễn chưa có Ban Chỉ đạo"):
        services.review_create(user=an_vien_officer, commune=an_vien, kind="quarter", year=2026, part=3,
                               meeting_date=date(2026, 10, 5), today=TODAY)  # fmt: skip
    assert not Review.objects.exists()


@pytest.mark.parametrize(("year", "taken"), [(1999, False), (2000, True), (2100, True), (2101, False)])
def test_review_years_inside_the_years_plans_take(year, taken, an_vien_committee, an_vien, an_vien_officer):
    def create():
        return services.review_create(user=an_vien_officer, commune=an_vien, kind="year", year=year, part=0,
                                      meeting_date=date(2100, 12, 31), today=TODAY)  # fmt: skip

    if taken:
        assert create().year == year
    else:
        with pytest.raises(ValidationError, match="Năm phải từ 2000 đến 2100"):
            create()
        assert not Review.objects.exists()


def _review(user, commune) -> Review:
    return services.review_create(user=user, commune=commune, kind="quarter", year=2026, part=3,
                                  meeting_date=date(2026, 10, 5), today=TODAY)  # fmt: skip


def test_a_review_assigns_at_most_thirty_tasks(an_vien_figures, an_vien_committee, an_vien, an_vien_officer):
    review = _review(an_vien_officer, an_vien)
    for n in range(services.MAX_FOLLOW_UPS):
        services.follow_up_add(user=an_vien_officer, review=review, **{**FOLLOW_UP_LAN, "title": f"Nhiệm vụ {n + 1}"})
    assert review.follow_ups.count() == 30
    with pytest.raises(ValidationError, match="Một phiên giao tối đa 30 nhiệm vụ"):
        services.follow_up_add(user=an_vien_officer, review=review, **{**FOLLOW_UP_LAN, "title": "Nhiệm vụ 31"})
    assert not FollowUp.objects.filter(title="Nhiệm vụ 31").exists()


@pytest.mark.parametrize("field", ["title", "deliverable"])
def test_a_task_and_its_product_hold_two_thousand_characters(field, an_vien_figures, an_vien_committee, an_vien,
                                                             an_vien_officer):  # fmt: skip
    review = _review(an_vien_officer, an_vien)
    services.follow_up_add(user=an_vien_officer, review=review, **{**FOLLOW_UP_LAN, field: "x" * services.MAX_TEXT})
    with pytest.raises(ValidationError, match="dài quá 2000 ký tự"):
        services.follow_up_add(user=an_vien_officer, review=review, **{**FOLLOW_UP_LAN, field: "y" * 2001})
    assert review.follow_ups.count() == 1
