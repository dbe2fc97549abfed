"""Messages to citizens: one delivery record per message and recipient, whatever the channel.

- `Delivery`: one message to one address on one channel, with the states a notification service uses (created,
  sending, delivered, temporary / permanent / technical failure), its attempts and the provider's reference.
- `DeliveryAttempt`: every try, with its outcome (the record an operator reads when a message did not arrive).
- `OutboxMessage`: what the local provider "sent" (development and tests read the codes and texts here).
- `Verification`: a one-time code sent to a phone or an e-mail address (stored as a digest, a few tries).
- `Unsubscription`: an address that asked not to receive a channel's messages any more.

docs/decisions/0039-deliveries.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.files.fields import PrivateFileField


class Channel(models.TextChoices):
    WEB = "web", _("Trang công khai")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo OA")
    EMAIL = "email", _("Thư điện tử")
    LOUDSPEAKER = "loudspeaker", _("Loa truyền thanh")


#: channels whose recipients are people (an address each); the web page and the loudspeakers have none
PERSONAL_CHANNELS = (Channel.SMS, Channel.ZALO, Channel.EMAIL)


class Purpose(models.TextChoices):
    CODE = "code", _("Mã xác nhận")
    FEEDBACK = "feedback", _("Phản ánh")
    ANNOUNCEMENT = "announcement", _("Thông báo")


class DeliveryStatus(models.TextChoices):
    CREATED = "created", _("Đã tạo")
    SENDING = "sending", _("Đang gửi")
    DELIVERED = "delivered", _("Đã tới người nhận")
    TEMPORARY_FAILURE = "temporary_failure", _("Lỗi tạm thời")
    PERMANENT_FAILURE = "permanent_failure", _("Lỗi vĩnh viễn")
    TECHNICAL_FAILURE = "technical_failure", _("Lỗi kỹ thuật")


#: states after which nothing more is tried
FINAL_STATUSES = (DeliveryStatus.DELIVERED, DeliveryStatus.PERMANENT_FAILURE, DeliveryStatus.TECHNICAL_FAILURE)


class Delivery(models.Model):
    key = models.UUIDField(_("mã gửi"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("kênh"), max_length=12, choices=Channel.choices)
    purpose = models.CharField(_("mục đích"), max_length=12, choices=Purpose.choices)
    #: the commune on whose behalf it is sent (daily caps and scoping)
    unit = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    #: a phone number, an e-mail address, a Zalo user id, a loudspeaker cluster's code
    address = models.CharField(_("địa chỉ nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"), max_length=2000)
    announcement = models.ForeignKey(
        "notify.Announcement", models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.CREATED
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("gửi lần cuối lúc"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("tới người nhận lúc"), null=True, blank=True)
    #: the provider's id of the message (a receipt names it)
    reference = models.CharField(_("mã của nhà cung cấp"), max_length=100, blank=True, db_index=True)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("lần gửi tin")
        verbose_name_plural = pgettext_lazy("plural", "lần gửi tin")
        indexes = [models.Index(fields=["channel", "status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.status}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=DeliveryStatus.choices)
    error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="notify_attempt_unique")]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number} {self.outcome}"


class OutboxMessage(models.Model):
    """The local provider's outbox: one row per message it was given (never two for one delivery)."""

    channel = models.CharField(max_length=12, choices=Channel.choices)
    address = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    #: the delivery's key: a second send of the same delivery would break this constraint
    delivery_key = models.UUIDField(unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.sent_at:%Y-%m-%d %H:%M}"


class Verification(models.Model):
    """A one-time code: its digest, where it went, until when it holds, how many wrong tries are left."""

    purpose = models.CharField(max_length=20)
    #: the row the code confirms ("feedback:12", "subscriber:3")
    subject = models.CharField(max_length=64, db_index=True)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.subject} {self.created_at:%Y-%m-%d %H:%M}"


class Unsubscription(models.Model):
    """An address (its digest: nothing to read back) that refused a channel; no message goes to it again."""

    channel = models.CharField(max_length=12, choices=Channel.choices)
    address_digest = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "address_digest"], name="notify_unsub_unique")]

    def __str__(self) -> str:
        return f"{self.channel} {self.at:%Y-%m-%d}"


class AnnouncementLevel(models.TextChoices):
    NORMAL = "normal", _("Thường")
    PRIORITY = "priority", _("Ưu tiên")
    EMERGENCY = "emergency", _("Khẩn cấp")


class Announcement(models.Model):
    """Composed once, sent to the chosen channels and villages of one commune."""

    unit = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+", verbose_name=_("xã"))
    title = models.CharField(_("tiêu đề"), max_length=150)
    body = models.TextField(_("nội dung"), max_length=1500)
    level = models.CharField(
        _("mức độ"), max_length=10, choices=AnnouncementLevel.choices, default=AnnouncementLevel.NORMAL
    )
    channels = models.JSONField(_("kênh"), default=list)
    villages = models.ManyToManyField("geo.AdminUnit", blank=True, related_name="+", verbose_name=_("thôn"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = pgettext_lazy("plural", "thông báo")

    def __str__(self) -> str:
        return self.title


class Subscriber(models.Model):
    """A citizen who asked for the commune's announcements on a channel (their phone, e-mail or Zalo id): personal
    data, never public; confirmed by a code (Zalo: from the OA's followers); removed on unsubscribe."""

    unit = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+", verbose_name=_("xã"))
    #: the village whose announcements they want (empty: the whole commune's only)
    village = models.ForeignKey(
        "geo.AdminUnit", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("thôn")
    )
    channel = models.CharField(_("kênh"), max_length=12, choices=Channel.choices)
    address = models.CharField(_("địa chỉ nhận"), max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("người nhận thông báo")
        verbose_name_plural = pgettext_lazy("plural", "người nhận thông báo")
        constraints = [models.UniqueConstraint(fields=["unit", "channel", "address"], name="notify_subscriber_unique")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk}"


class LoudspeakerPoint(models.Model):
    """A place where loudspeakers are mounted (seed 003: 21 points), in a village."""

    unit = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+", verbose_name=_("xã"))
    village = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("thôn"))
    name = models.CharField(_("vị trí"), max_length=120)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["village__name", "name", "id"]
        verbose_name = _("vị trí loa")
        verbose_name_plural = pgettext_lazy("plural", "vị trí loa")

    def __str__(self) -> str:
        return self.name


class LoudspeakerCluster(models.Model):
    """A cluster of loudspeakers at a point (seed 003: 36 clusters), played as one by the controller."""

    point = models.ForeignKey(LoudspeakerPoint, models.CASCADE, related_name="clusters", verbose_name=_("vị trí"))
    code = models.CharField(_("mã cụm"), max_length=20)
    name = models.CharField(_("tên cụm"), max_length=120, blank=True)
    unit = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+", verbose_name=_("xã"))
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cụm loa")
        verbose_name_plural = pgettext_lazy("plural", "cụm loa")
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="notify_cluster_code_unique")]

    def __str__(self) -> str:
        return self.code


class Bulletin(models.Model):
    """An announcement read out on the loudspeakers: its text, the Vietnamese speech made from it, its level."""

    unit = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+", verbose_name=_("xã"))
    announcement = models.OneToOneField(Announcement, models.CASCADE, related_name="bulletin")
    text = models.TextField(_("lời đọc"), max_length=1500)
    level = models.CharField(_("mức độ"), max_length=10, choices=AnnouncementLevel.choices)
    audio = PrivateFileField(_("âm thanh"), folder="bulletins", blank=True)
    audio_seconds = models.FloatField(_("thời lượng (giây)"), default=0)
    voice = models.CharField(_("giọng đọc"), max_length=40, default="vi")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bản tin loa")
        verbose_name_plural = pgettext_lazy("plural", "bản tin loa")

    def __str__(self) -> str:
        return self.announcement.title


class Slot(models.TextChoices):
    MORNING = "morning", _("Buổi sáng")
    EVENING = "evening", _("Buổi chiều")
    NOW = "now", _("Ngay lập tức")


class BulletinPlay(models.Model):
    """One bulletin on one cluster at one time: what the controller's playlist lists, and its delivery record."""

    bulletin = models.ForeignKey(Bulletin, models.CASCADE, related_name="plays")
    cluster = models.ForeignKey(LoudspeakerCluster, models.CASCADE, related_name="plays")
    slot = models.CharField(_("khung giờ"), max_length=8, choices=Slot.choices)
    play_at = models.DateTimeField(_("phát lúc"), db_index=True)
    interrupts = models.BooleanField(_("ngắt chương trình đang phát"), default=False)
    delivery = models.OneToOneField(Delivery, models.SET_NULL, null=True, blank=True, related_name="play")

    class Meta:
        ordering = ["play_at", "id"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "cluster", "play_at"], name="notify_play_unique")]

    def __str__(self) -> str:
        return f"{self.bulletin_id} {self.cluster_id} {self.play_at:%Y-%m-%d %H:%M}"


class ZaloEvent(models.Model):
    """A Zalo OA webhook event already applied (its signature, i.e. a digest of body and timestamp): the same request
    sent again is refused. Kept for twice the accepted timestamp window, then deleted; holds no address."""

    unit = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+")
    mac = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=40)
    received_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.event} {self.received_at:%Y-%m-%d %H:%M}"
