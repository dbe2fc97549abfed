"""Demo data of the citizens' services (issue 15), all of it sample data, dated relative to the day it is loaded:

- An Viễn (26296): six feedback items in every state an officer meets — new with a point on the map, assigned,
  overdue, answered and published, closed with a rating, refused as a duplicate — and one still waiting for its
  code; their monthly figures written once at the end.
- Nga Điền (legacy:16150, seed 003): the loudspeaker inventory of the document, 21 points with 36 clusters, spread
  over the five sample villages as their 2024 sample figures have them (5/8, 4/7, 5/9, 4/6, 3/6); three subscribers
  (two SMS, one Zalo follower); one priority announcement sent to the public page, SMS, Zalo and the loudspeakers
  (tomorrow's morning and evening slots: 72 plays), its personal messages sent through the local provider so each
  has its delivery record, and its bulletin read by espeak-ng (skipped with a warning when espeak-ng is absent).

Idempotent: each part is skipped when its first row exists. docs/decisions/0051-citizen-demo-data.md.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from xaso.accounts.models import User
from xaso.feedback.categories import categories_ensure
from xaso.feedback.figures import feedback_figures_refresh
from xaso.feedback.models import Category, Feedback, FeedbackEvent, RefusalReason, Status
from xaso.feedback.services import _digest
from xaso.geo.models import AdminUnit, Level
from xaso.notify.announcements import announcement_send, loudspeaker_inventory
from xaso.notify.deliveries import deliveries_run
from xaso.notify.models import (
    Announcement,
    AnnouncementLevel,
    Channel,
    LoudspeakerCluster,
    LoudspeakerPoint,
    Subscriber,
)

FEEDBACK_COMMUNE = "26296"
LOUDSPEAKER_COMMUNE = "legacy:16150"
#: seed 003's loudspeakers (21 points, 36 clusters) over the five sample villages: (points, clusters) per village,
#: the villages' 2024 sample figures in demo.yaml
LOUDSPEAKERS_PER_VILLAGE = ((5, 8), (4, 7), (5, 9), (4, 6), (3, 6))
POINT_NAMES = ("Nhà văn hóa", "Ngã ba chợ", "Trường tiểu học", "Cầu đội", "Trạm bơm")
ANNOUNCEMENT_TITLE = "Lịch tiêm chủng mở rộng tháng này"
ANNOUNCEMENT_BODY = (
    "Trạm y tế xã tổ chức tiêm chủng mở rộng cho trẻ dưới năm tuổi vào sáng thứ Hai và thứ Ba tuần tới, từ bảy giờ "
    "đến mười một giờ. Phụ huynh mang theo sổ tiêm chủng."
)


@dataclass(frozen=True)
class Item:
    code: str
    category: str
    text: str
    status: str
    days_ago: int  # confirmed this many days ago (received a few minutes before)
    contact: str
    lat: str = ""
    lon: str = ""
    answer: str = ""
    answered_days_ago: int | None = None
    published: str = ""
    rating: int | None = None
    refusal: str = ""


FEEDBACK = (
    Item("PA-AVMPX3", "ha-tang", "Đèn chiếu sáng trên đường liên ấp gần cầu bị hỏng từ ba hôm nay, tối rất tối.",
         Status.ASSIGNED, 0, "0912000101", lat="10.88512", lon="107.04127"),
    Item("PA-AVKT7Q", "an-ninh-trat-tu", "Xe tải chở đất đi quá tốc độ qua trường tiểu học vào giờ tan học.",
         Status.IN_PROGRESS, 2, "0912000102"),
    Item("PA-AVRW4C", "moi-truong", "Bãi rác tự phát ven kênh đầu ấp bốc mùi, đã hơn một tuần chưa ai dọn.",
         Status.IN_PROGRESS, 10, "0912000103", lat="10.87964", lon="107.03381"),  # 7 days: 3 days overdue
    Item("PA-AVHN9D", "ha-tang", "Ổ gà lớn giữa đường liên ấp, xe máy đi đêm dễ ngã.",
         Status.ANSWERED, 12, "0912000104", lat="10.88127", lon="107.04590",
         answer="UBND xã đã cho vá ổ gà bằng bê tông nhựa; đường đã đi lại bình thường. Cảm ơn bạn đã phản ánh.",
         answered_days_ago=5, published="Ổ gà lớn giữa đường liên ấp, xe máy đi đêm dễ ngã."),
    Item("PA-AVCY6E", "chuyen-doi-so", "Sóng di động yếu ở cuối ấp, không làm được thủ tục trực tuyến.",
         Status.CLOSED, 25, "0912000105",
         answer="Xã đã đề nghị nhà mạng lắp thêm trạm phát sóng; trạm mới hoạt động từ tuần trước.",
         answered_days_ago=18, published="Sóng di động yếu ở cuối ấp.", rating=4),
    Item("PA-AVTL3G", "moi-truong", "Rác ven kênh đầu ấp chưa được dọn.", Status.REFUSED, 9, "0912000106",
         answer="Trùng với phản ánh PA-AVRW4C đang được xử lý.", answered_days_ago=8,
         refusal=RefusalReason.DUPLICATE),
    Item("PA-AVQU4J", "khac", "Đề nghị xã bố trí thêm ghế chờ tại bộ phận một cửa.", Status.RECEIVED, 0,
         "0912000107"),
)  # fmt: skip

#: the events an item went through to reach its state (after "received")
PATH = {
    Status.RECEIVED: [],
    Status.CONFIRMED: [Status.CONFIRMED],
    Status.ASSIGNED: [Status.CONFIRMED, Status.ASSIGNED],
    Status.IN_PROGRESS: [Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS],
    Status.ANSWERED: [Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ANSWERED],
    Status.CLOSED: [Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED],
    Status.REFUSED: [Status.CONFIRMED, Status.REFUSED],
}


@dataclass
class CitizensResult:
    feedback: int = 0
    points: int = 0
    clusters: int = 0
    announcements: int = 0
    warnings: list[str] = field(default_factory=list)


def _feedback_load(officer: User, now) -> int:
    unit = AdminUnit.objects.filter(code=FEEDBACK_COMMUNE, level=Level.COMMUNE).first()
    if unit is None or Feedback.objects.filter(tracking_code=FEEDBACK[0].code).exists():
        return 0
    categories_ensure()  # reference data of migration 0002, gone from a database a test server flushed
    categories = {c.code: c for c in Category.objects.filter(code__in={i.category for i in FEEDBACK})}
    events: list[FeedbackEvent] = []
    moments = []
    for item in FEEDBACK:
        category = categories[item.category]
        confirmed = now - timedelta(days=item.days_ago, hours=2)
        done = now - timedelta(days=item.answered_days_ago, hours=1) if item.answered_days_ago is not None else None
        refused = item.status == Status.REFUSED  # refused: closed with the reason, never "answered" (as the service)
        answered = None if refused else done
        waiting = item.status == Status.RECEIVED
        feedback = Feedback.objects.create(
            unit=unit, category=category, text=item.text, tracking_code=item.code, status=item.status,
            latitude=Decimal(item.lat) if item.lat else None, longitude=Decimal(item.lon) if item.lon else None,
            received_at=confirmed - timedelta(minutes=4),
            confirmed_at=None if waiting else confirmed,
            due_at=None if waiting else confirmed + timedelta(days=category.deadline_days),
            assigned_to=None if waiting or item.status == Status.REFUSED else officer,
            answered_at=answered,
            closed_at=done if refused else (answered + timedelta(days=2) if item.status == Status.CLOSED else None),
            answer=item.answer, rating=item.rating,
            rating_comment="Trả lời rõ ràng, có kết quả." if item.rating else "",
            refusal_reason=item.refusal, is_published=bool(item.published), public_text=item.published,
            contact_channel=Channel.SMS, contact=item.contact, contact_digest=_digest(f"contact:{item.contact}"),
        )  # fmt: skip
        moments += [feedback.confirmed_at, feedback.answered_at]
        events.append(FeedbackEvent(feedback=feedback, status=Status.RECEIVED, at=feedback.received_at))
        for step, status in enumerate(PATH[item.status]):
            at = confirmed + timedelta(minutes=step)
            note = ""
            if status == Status.IN_PROGRESS:
                at, note = confirmed + timedelta(days=1), "Cán bộ xã đã xuống kiểm tra tại chỗ."
            elif status == Status.ANSWERED:
                at, note = answered, item.answer
            elif status == Status.REFUSED:
                at, note = done, f"{RefusalReason(item.refusal).label}: {item.answer}"
            elif status == Status.CLOSED:
                at, note = feedback.closed_at, f"Người dân đánh giá {item.rating}/5."
            by = officer if status not in (Status.CONFIRMED, Status.CLOSED) else None
            events.append(FeedbackEvent(feedback=feedback, status=status, at=at, note=note, by=by))
    FeedbackEvent.objects.bulk_create(events)
    feedback_figures_refresh(unit=unit, moments=moments)
    return len(FEEDBACK)


def _loudspeakers_load() -> tuple[int, int]:
    unit = AdminUnit.objects.filter(code=LOUDSPEAKER_COMMUNE, level=Level.COMMUNE).first()
    if unit is None or LoudspeakerPoint.objects.filter(unit=unit).exists():
        return 0, 0
    villages = list(AdminUnit.objects.filter(parent=unit, level=Level.VILLAGE, is_sample=True).order_by("code"))
    if len(villages) != len(LOUDSPEAKERS_PER_VILLAGE):
        return 0, 0
    points, clusters = [], []
    for number, (village, (n_points, n_clusters)) in enumerate(zip(villages, LOUDSPEAKERS_PER_VILLAGE, strict=True), 1):
        mine = [
            LoudspeakerPoint(unit=unit, village=village, name=f"{POINT_NAMES[i]} thôn {number}")
            for i in range(n_points)
        ]
        points += mine
        # every point has one cluster; the village's other clusters go to its first points in turn
        owners = [mine[i % n_points] for i in range(n_clusters)]
        clusters += [(owner, f"T{number}-{c:02d}") for c, owner in enumerate(owners, 1)]
    LoudspeakerPoint.objects.bulk_create(points)
    LoudspeakerCluster.objects.bulk_create([LoudspeakerCluster(point=p, unit=unit, code=c) for p, c in clusters])
    return len(points), len(clusters)


def _announcement_load(officer: User | None, now, warnings: list[str]) -> int:
    unit = AdminUnit.objects.filter(code=LOUDSPEAKER_COMMUNE, level=Level.COMMUNE).first()
    if unit is None or officer is None or Announcement.objects.filter(unit=unit, title=ANNOUNCEMENT_TITLE).exists():
        return 0
    villages = {v.code: v for v in AdminUnit.objects.filter(parent=unit, level=Level.VILLAGE)}
    for channel, address, village in (
        (Channel.SMS, "0912000201", f"{unit.code}-001"),
        (Channel.SMS, "0912000202", None),
        (Channel.ZALO, "8475639201837465", None),
    ):
        Subscriber.objects.get_or_create(
            unit=unit, channel=channel, address=address,
            defaults={"village": villages.get(village or ""), "confirmed_at": now - timedelta(days=20)},
        )  # fmt: skip
    channels = [Channel.WEB, Channel.SMS, Channel.ZALO, Channel.LOUDSPEAKER]
    if not (shutil.which("espeak-ng") and shutil.which("soxi")):
        channels.remove(Channel.LOUDSPEAKER)
        warnings.append("espeak-ng/sox chưa cài: thông báo mẫu không gửi ra loa (apt-get install espeak-ng sox).")
    announcement_send(
        user=officer, unit=unit, title=ANNOUNCEMENT_TITLE, body=ANNOUNCEMENT_BODY, channels=channels,
        level=AnnouncementLevel.PRIORITY, day=timezone.localdate(now) + timedelta(days=1),
        slots=["morning", "evening"],
    )  # fmt: skip
    for channel in (Channel.WEB, Channel.SMS, Channel.ZALO):  # the local provider: each gets its delivery record
        deliveries_run(channel, now=timezone.now())
    return 1


def demo_citizens_load(*, users: dict[str, User]) -> CitizensResult:
    now = timezone.now()
    result = CitizensResult()
    officer = users.get("anvien")
    if officer is not None:
        result.feedback = _feedback_load(officer, now)
    result.points, result.clusters = _loudspeakers_load()
    result.announcements = _announcement_load(users.get("ngadien"), now, result.warnings)
    return result


def demo_citizens_counts() -> dict[str, int]:
    """What the demo's citizen services hold now (for the loader's summary and its test)."""
    unit = AdminUnit.objects.filter(code=LOUDSPEAKER_COMMUNE).first()
    inventory = loudspeaker_inventory(unit=unit) if unit else None
    return {
        "feedback": Feedback.objects.filter(unit__code=FEEDBACK_COMMUNE).count(),
        "points": inventory.points if inventory else 0,
        "clusters": inventory.clusters if inventory else 0,
    }
