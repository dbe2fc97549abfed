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
