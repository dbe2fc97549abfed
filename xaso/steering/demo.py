"""The demo commune's steering committee and one concluded review (`load_demo`). The members' names are
illustrative, like the demo's other people; the review assigns no task, so the demo plan's figures stay as counted
by the other apps' tests. Loading again changes nothing."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from xaso.geo.models import AdminUnit, Level

from . import services
from .models import Committee

DEMO_COMMUNE = "26296"  # Xã An Viễn
MEMBERS = [
    ("Hoàng Minh Tuấn", "Chủ tịch UBND xã", "head", "chairman", "Phụ trách chung"),
    ("Dương Quốc Hùng", "Phó Chủ tịch UBND xã", "deputy", "vice_chairman", "Phụ trách chính quyền số"),
    ("Lê Văn Cường", "Công chức Văn hóa - Xã hội", "standing", "", "Thường trực, tham mưu kế hoạch"),
    ("Trần Thị Bình", "Giám đốc Trung tâm Phục vụ Hành chính công xã", "member", "", "Dịch vụ công trực tuyến"),
    ("Phạm Văn Dũng", "Chánh Văn phòng HĐND & UBND xã", "secretary", "", "Tổ giúp việc"),
]
CONCLUSIONS = (
    "Các thành viên Ban Chỉ đạo theo dõi sát các chỉ tiêu chậm tiến độ thuộc lĩnh vực được phân công, báo cáo "
    "Trưởng ban trước ngày 25 của tháng cuối quý.\n\n"
    "Công chức Văn hóa - Xã hội phối hợp các thôn, ấp cập nhật số liệu còn thiếu vào xaso trước kỳ sơ kết tiếp theo."
)


def demo_steering_load(*, user) -> bool:
    commune = AdminUnit.objects.filter(code=DEMO_COMMUNE, level=Level.COMMUNE).first()
    if commune is None or Committee.objects.filter(commune=commune).exists():
        return False
    committee = services.committee_save(
        user=user, commune=commune, decision_number="15/QĐ-UBND", decision_date=date(2025, 7, 10),
        decision_signer="Chủ tịch UBND xã",
    )  # fmt: skip
    for name, position, role, leadership, duties in MEMBERS:
        services.member_add(user=user, committee=committee, full_name=name, position=position, role=role,
                            leadership=leadership, duties=duties, valid_from=date(2025, 7, 10))  # fmt: skip
    today = timezone.localdate()
    year = today.year if today.month > 3 else today.year - 1
    part = (today.month - 1) // 3 if today.month > 3 else 4  # the last quarter ended
    review = services.review_create(user=user, commune=commune, kind="quarter", year=year, part=part,
                                    meeting_date=today, today=today)  # fmt: skip
    services.review_conclusions_save(user=user, review=review, conclusions=CONCLUSIONS)
    services.review_conclude(user=user, review=review)
    return True
