"""Citizens' feedback (phản ánh, kiến nghị) with public tracking.

- `Category`: what feedback is about (Open311's "service"), with its answer deadline in days.
- `CategoryOfficer`: who in a commune receives a category's feedback (assigned on confirmation).
- `Feedback`: one item; the sender's contact (phone or e-mail) is personal data: never public, shown to officers
  masked until they open it (logged), erased `XASO_FEEDBACK["contact_days"]` days after the item closes.
- `FeedbackPhoto`: up to 3 photos, re-encoded on upload (no EXIF: location, device), public only when an officer
  publishes them after checking them (faces).
- `FeedbackEvent`: each change of state, with the note the citizen reads on the tracking page.

docs/decisions/0038-feedback.md.
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.files.fields import PrivateFileField

#: a phone number written in a text ("0912 345 678", "+84 912.345.678") and an e-mail address: refused in a public
#: text (services.feedback_publish), hidden in the public copy of an answer (`Feedback.answer_public`)
PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){9}(?!\d)")
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


class Category(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120)
    description = models.CharField(_("mô tả"), max_length=300, blank=True)
    deadline_days = models.PositiveSmallIntegerField(_("hạn trả lời (ngày)"), default=10)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("đang nhận"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("lĩnh vực phản ánh")
        verbose_name_plural = pgettext_lazy("plural", "lĩnh vực phản ánh")

    def __str__(self) -> str:
        return self.name


class CategoryOfficer(models.Model):
    unit = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+", verbose_name=_("xã"))
    category = models.ForeignKey(Category, models.CASCADE, related_name="+", verbose_name=_("lĩnh vực"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("công chức"))

    class Meta:
        verbose_name = _("người nhận phản ánh theo lĩnh vực")
        verbose_name_plural = pgettext_lazy("plural", "người nhận phản ánh theo lĩnh vực")
        constraints = [models.UniqueConstraint(fields=["unit", "category"], name="feedback_category_officer_unique")]

    def __str__(self) -> str:
        return f"{self.category_id} → {self.officer_id}"


class Status(models.TextChoices):
    RECEIVED = "received", _("Đã nhận, chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã xác nhận")
    ASSIGNED = "assigned", _("Đã giao xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")
    REFUSED = "refused", _("Không tiếp nhận")


#: states in which the commune still owes an answer
OPEN_STATUSES = (Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS)
#: states after which the answer is given (Open311 "closed")
DONE_STATUSES = (Status.ANSWERED, Status.CLOSED, Status.REFUSED)


class RefusalReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Trùng với phản ánh đã có")
    NOT_COMPETENT = "not_competent", _("Không thuộc thẩm quyền của xã")
    SPAM = "spam", _("Nội dung quảng cáo, không phải phản ánh")


class Source(models.TextChoices):
    WEB = "web", _("Trang công khai")
    OPEN311 = "open311", _("Ứng dụng (Open311)")


class Feedback(models.Model):
    unit = models.ForeignKey("geo.AdminUnit", models.CASCADE, related_name="+", verbose_name=_("xã"))
    village = models.ForeignKey(
        "geo.AdminUnit", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("thôn")
    )
    category = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name=_("lĩnh vực"))
    text = models.TextField(_("nội dung"), max_length=2000)
    #: a point on the map (WGS 84), when the citizen placed one
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    #: the citizen's code to follow it ("PA-7K3Q9X"), and Open311's token before it is confirmed
    tracking_code = models.CharField(_("mã theo dõi"), max_length=12, unique=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.WEB)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    refusal_reason = models.CharField(
        _("lý do không tiếp nhận"), max_length=16, choices=RefusalReason.choices, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xử lý"),
    )
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("hạn trả lời"), null=True, blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    answer = models.TextField(_("trả lời"), max_length=3000, blank=True)
    rating = models.PositiveSmallIntegerField(_("đánh giá (1–5)"), null=True, blank=True)
    rating_comment = models.CharField(_("ý kiến về câu trả lời"), max_length=500, blank=True)
    #: moderation: shown on the public list only once an officer publishes it, with the text they checked
    is_published = models.BooleanField(_("công khai"), default=False)
    public_text = models.TextField(_("nội dung công khai"), max_length=2000, blank=True)
    # personal data of the sender (never public; erased after the retention period)
    contact_channel = models.CharField(_("nhận mã qua"), max_length=8, blank=True)
    contact = models.CharField(_("liên hệ"), max_length=254, blank=True)
    contact_erased_at = models.DateTimeField(null=True, blank=True)
    #: keyed digests for the rate limits (they outlive the contact, reveal nothing)
    contact_digest = models.CharField(max_length=64, blank=True, db_index=True)
    ip_digest = models.CharField(max_length=64, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("phản ánh")
        verbose_name_plural = pgettext_lazy("plural", "phản ánh")
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["unit", "is_published"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="feedback_refused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < (now or timezone.now())

    @property
    def answered_on_time(self) -> bool | None:
        if self.answered_at is None or self.due_at is None:
            return None
        return self.answered_at <= self.due_at

    @property
    def answer_public(self) -> str:
        """The answer (or the refusal's explanation) as the public list and Open311 show it: any phone number or
        e-mail address an officer wrote in it (the sender's, a neighbour's) replaced by "•••". The citizen's
        tracking page shows the answer as written."""
        return EMAIL_IN_TEXT.sub("•••", PHONE_IN_TEXT.sub("•••", self.answer or ""))

    @property
    def contact_masked(self) -> str:
        """ "09•••••123", "n•••@gmail.com": enough to recognise, not to call."""
        value = self.contact
        if not value:
            return ""
        if "@" in value:
            name, domain = value.split("@", 1)
            return f"{name[:1]}•••@{domain}"
        return f"{value[:2]}{'•' * max(0, len(value) - 5)}{value[-3:]}"


class FeedbackPhoto(models.Model):
    feedback = models.ForeignKey(Feedback, models.CASCADE, related_name="photos")
    image = PrivateFileField(_("ảnh"), folder="feedback")
    name = models.CharField(max_length=200, blank=True)
    is_public = models.BooleanField(_("công khai ảnh"), default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.feedback_id}/{self.pk}"


class FeedbackEvent(models.Model):
    feedback = models.ForeignKey(Feedback, models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices)
    #: what the citizen reads on the tracking page (never the officer's name)
    note = models.CharField(max_length=3000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.status}"
