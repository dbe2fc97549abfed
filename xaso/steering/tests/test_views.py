"""The screens through real requests: who reads, who writes, phones kept inside the commune, bounded queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from xaso.files.tests.samples import pdf
from xaso.privacy.models import AccessLog
from xaso.steering import services
from xaso.steering.models import FollowUp, Member, Review

from .conftest import FOLLOW_UP_LAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(an_vien_figures, an_vien_committee, an_vien, an_vien_officer):
    return services.review_create(user=an_vien_officer, commune=an_vien, kind="quarter", year=2026, part=3,
                                  meeting_date=date(2026, 10, 5), today=date(2026, 10, 10))  # fmt: skip


def test_officer_adds_a_member_and_creates_a_review(client, an_vien_committee, an_vien, an_vien_officer, catalog):
    client.force_login(an_vien_officer)
    url = reverse("steering:committee", args=[an_vien.pk])
    response = client.post(url, {"form": "member", "full_name": "Phan Thị Lan", "position": "Công chức Tư pháp",
                                 "role": "member", "valid_from": "01/10/2026"})  # fmt: skip
    assert response.status_code == 302
    assert Member.objects.get(full_name="Phan Thị Lan").valid_from == date(2026, 10, 1)
    page = client.get(url).content.decode()
    assert "Phan Thị Lan" in page and "0912345678" in page  # the commune sees its members' phones
    log = AccessLog.objects.get(subject_type="steering_member")  # and reading them is logged
    assert (log.user, log.unit, log.count, log.action) == (an_vien_officer, an_vien, 1, "list")
    response = client.post(reverse("steering:reviews", args=[an_vien.pk]),
                           {"kind": "half", "year": "2026", "part": "1", "meeting_date": "05/07/2026"})  # fmt: skip
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("steering:review", args=[review.pk])
    assert review.title == "Sơ kết 6 tháng đầu năm 2026"


def test_a_follow_up_missing_a_ro_shows_the_vietnamese_error(client, review, an_vien_officer):
    client.force_login(an_vien_officer)
    data = {"form": "follow_up", **{k: v for k, v in FOLLOW_UP_LAN.items() if k != "due_date"},
            "due_date": "30/11/2026", "approver": ""}  # fmt: skip
    response = client.post(reverse("steering:review", args=[review.pk]), data)
    assert response.status_code == 200
    assert "còn thiếu: rõ thẩm quyền (người phê duyệt)" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_province_analyst_reads_but_cannot_write_and_sees_no_phone(client, review, an_vien, province_analyst):
    client.force_login(province_analyst)
    page = client.get(reverse("steering:committee", args=[an_vien.pk])).content.decode()
    assert "Hoàng Minh Tuấn" in page and "0912345678" not in page
    assert not AccessLog.objects.exists()  # no phone shown, nothing to log
    assert 'data-testid="member-form"' not in page
    page = client.get(reverse("steering:review", args=[review.pk])).content.decode()
    assert "Tỷ lệ phủ sóng 5G trên địa bàn xã" in page and 'data-testid="conclude"' not in page
    assert client.get(reverse("steering:home")).status_code == 200
    for url, data in (
        (reverse("steering:committee", args=[an_vien.pk]), {"form": "committee", "name": "X"}),
        (
            reverse("steering:reviews", args=[an_vien.pk]),
            {"kind": "year", "year": "2026", "meeting_date": "01/12/2026"},
        ),
        (reverse("steering:review", args=[review.pk]), {"form": "conclusions", "conclusions": "X"}),
        (reverse("steering:review_action", args=[review.pk, "conclude"]), {}),
        (reverse("steering:member_end", args=[Member.objects.get(role="deputy").pk]), {"valid_to": "01/11/2026"}),
    ):
        client.post(url, data)
    review.refresh_from_db()
    assert review.is_draft and review.conclusions == "" and Review.objects.count() == 1
    assert not Member.objects.filter(valid_to__isnull=False).exists()


def test_other_commune_officer_cannot_write(client, review, an_vien, tri_an_officer):
    client.force_login(tri_an_officer)
    assert client.post(reverse("steering:review", args=[review.pk]), {"form": "conclusions", "conclusions": "X"}
                       ).status_code == 404  # fmt: skip
    assert client.post(reverse("steering:review_action", args=[review.pk, "conclude"])).status_code == 404
    assert client.get(reverse("steering:committee", args=[an_vien.pk])).status_code == 404


def test_other_province_cannot_read(client, review, an_vien, nga_an_officer, thanh_hoa):
    from xaso.conftest import make_user

    analyst = make_user("thanh_hoa_analyst", "analyst", thanh_hoa)
    for user in (nga_an_officer, analyst):
        client.force_login(user)
        assert client.get(reverse("steering:committee", args=[an_vien.pk])).status_code == 404
        assert client.get(reverse("steering:reviews", args=[an_vien.pk])).status_code == 404
        assert client.get(reverse("steering:review", args=[review.pk])).status_code == 404
        assert client.get(reverse("steering:review_document", args=[review.pk, "docx"])).status_code == 404
        assert "Xã An Viễn" not in client.get(reverse("steering:home")).content.decode()


def test_review_page_downloads_the_docx(client, review, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.get(reverse("steering:review_document", args=[review.pk, "docx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-so-ket-quy-iii-nam-2026')


def test_pages_query_counts_do_not_grow(client, review, an_vien, an_vien_officer, an_vien_committee,
                                        django_assert_max_num_queries):  # fmt: skip
    client.force_login(an_vien_officer)
    pages = [reverse("steering:committee", args=[an_vien.pk]), reverse("steering:reviews", args=[an_vien.pk]),
             reverse("steering:review", args=[review.pk])]  # fmt: skip
    counts = []
    for url in pages:
        with django_assert_max_num_queries(20) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    for n in range(8):  # more members, more follow-ups
        services.member_add(
            user=an_vien_officer, committee=an_vien_committee, full_name=f"Ủy viên {n}", position="Công chức",
            role="member", valid_from=date(2026, 1, 1), phone="0900000000",
        )  # fmt: skip
        services.follow_up_add(user=an_vien_officer, review=review, **{**FOLLOW_UP_LAN, "title": f"Việc {n}"})
    for url, before in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(before) as ctx:
            assert client.get(url).status_code == 200


def test_establishing_decision_file_is_read_by_the_commune_and_its_province_only(
    client, an_vien_committee, an_vien, an_vien_officer, province_analyst, nga_an_officer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(an_vien_officer)
    upload = SimpleUploadedFile("qd-thanh-lap.pdf", pdf(), content_type="application/pdf")
    response = client.post(reverse("steering:committee", args=[an_vien.pk]), {
        "form": "committee", "name": "Ban Chỉ đạo chuyển đổi số", "decision_number": "15/QĐ-UBND",
        "decision_date": "10/07/2025", "decision_signer": "Chủ tịch UBND xã", "decision_file": upload,
    })  # fmt: skip
    assert response.status_code == 302
    an_vien_committee.refresh_from_db()
    assert an_vien_committee.decision_file_name == "qd-thanh-lap.pdf"
    url = reverse("files:download", args=["steering-decision", an_vien_committee.pk])
    assert client.get(url).status_code == 200
    client.force_login(province_analyst)
    assert client.get(url).status_code == 200
    client.force_login(nga_an_officer)
    assert client.get(url).status_code == 404


def test_regenerate_reads_the_new_figures_until_concluded(client, review, an_vien_officer):
    from xaso.indicators.services import ValueInput, values_write

    values_write(user=an_vien_officer, rows=[ValueInput("coverage_5g_stated", "26296", "2026", 55)])
    services.review_regenerate(user=an_vien_officer, review=review, today=date(2026, 10, 10))
    review.refresh_from_db()
    assert "Tỷ lệ phủ sóng 5G trên địa bàn xã" not in [t["indicator"] for t in review.content["targets"]]
    assert [e.action for e in review.events.all()] == ["create", "regenerate"]
    services.review_conclusions_save(user=an_vien_officer, review=review, conclusions="Kết luận.")
    services.review_conclude(user=an_vien_officer, review=review)
    with pytest.raises(ValidationError, match="đã kết luận"):
        services.review_regenerate(user=an_vien_officer, review=review)


def test_committee_page_has_no_repeated_id(client, an_vien_committee, an_vien, an_vien_officer):
    import re
    from collections import Counter

    client.force_login(an_vien_officer)
    page = client.get(reverse("steering:committee", args=[an_vien.pk])).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    assert 'id="end-' in page  # each member's own leaving form
