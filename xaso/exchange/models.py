"""Exchange with a province (or district) operations centre: where figures are pushed, what waits to be sent, the
batches sent and every attempt, and the batches received (so a batch sent twice is applied once).

docs/decisions/0029-exchange.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.models import Period
from xaso.geo.models import AdminUnit
from xaso.indicators.models import DataElement


class PayloadFormat(models.TextChoices):
    JSON = "json", _("JSON")
    ADX = "adx", _("ADX (XML, IHE)")


class PushEndpoint(models.Model):
    """An address where xaso sends the figures of a unit's subtree after each write, signed with a shared secret."""

    unit = models.ForeignKey(
        AdminUnit, models.CASCADE, related_name="+", verbose_name=_("đơn vị gửi"),
        help_text=_("Gửi số liệu của đơn vị này và các đơn vị cấp dưới (tỉnh: các xã, thôn)."),
    )  # fmt: skip
    name = models.CharField(_("tên"), max_length=120)
    url = models.URLField(_("địa chỉ nhận"), max_length=500)
    secret = models.CharField(
        _("khóa ký HMAC"), max_length=128, help_text=_("Bên nhận dùng khóa này để kiểm tra chữ ký X-Xaso-Signature.")
    )
    auth_header = models.CharField(
        _("tiêu đề Authorization"), max_length=300, blank=True,
        help_text=_("Nếu bên nhận cần, ví dụ “Token …” của một xaso khác; để trống nếu không cần."),
    )  # fmt: skip
    format = models.CharField(_("định dạng"), max_length=4, choices=PayloadFormat.choices, default=PayloadFormat.JSON)
    elements = models.ManyToManyField(
        DataElement, blank=True, related_name="+", verbose_name=_("chỉ tiêu gửi"),
        help_text=_("Để trống: gửi mọi chỉ tiêu."),
    )  # fmt: skip
    is_active = models.BooleanField(_("đang gửi"), default=True)
    #: figures not queued because the queue was full (XASO_EXCHANGE_QUEUE_MAX): a full resend is needed
    dropped = models.PositiveIntegerField(_("số liệu bị bỏ do hàng đợi đầy"), default=0)
    #: a worker holds the endpoint until then (one sender at a time keeps the batches in order)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    #: when the one run asked of the worker is due (None: none asked): the writes until it starts ask no other,
    #: it sends what they all queued (`push.push_schedule`)
    run_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["unit__path", "name", "id"]
        verbose_name = _("điểm nhận số liệu")
        verbose_name_plural = pgettext_lazy("plural", "điểm nhận số liệu")

    def __str__(self) -> str:
        return self.name


class PushItem(models.Model):
    """A figure (element × unit × period) changed since it was last put in a batch: at most one per place, so the
    queue of an endpoint never holds more than its scope; the value is read when the batch is made."""

    endpoint = models.ForeignKey(PushEndpoint, models.CASCADE, related_name="items")
    data_element = models.ForeignKey(DataElement, models.CASCADE, related_name="+", db_constraint=False)
    unit = models.ForeignKey(AdminUnit, models.CASCADE, related_name="+", db_constraint=False)
    period = models.ForeignKey(Period, models.CASCADE, related_name="+", db_constraint=False)
    queued_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "unit", "period", "data_element"], name="unique_push_item")
        ]

    def __str__(self) -> str:
        return f"{self.endpoint_id}: {self.data_element_id}@{self.unit_id}/{self.period_id}"


class PushBatch(models.Model):
    """Figures sent together, with an id the receiver uses to apply a batch once; the body is frozen when the
    batch is made, so every retry sends the same bytes under the same id."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không được")

    endpoint = models.ForeignKey(PushEndpoint, models.CASCADE, related_name="batches")
    batch_id = models.UUIDField(_("mã lô"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.PENDING)
    value_count = models.PositiveIntegerField(_("số số liệu"))
    content_type = models.CharField(max_length=60)
    body = models.BinaryField()
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    sent_at = models.DateTimeField(_("gửi xong lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("lô số liệu đã gửi")
        verbose_name_plural = pgettext_lazy("plural", "lô số liệu đã gửi")
        indexes = [models.Index(fields=["endpoint", "status", "id"], name="pushbatch_endpoint_status")]

    def __str__(self) -> str:
        return str(self.batch_id)


class PushAttempt(models.Model):
    """One try to deliver a batch: when, how long, what the receiver answered or what failed."""

    batch = models.ForeignKey(PushBatch, models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField(_("lần"))
    started_at = models.DateTimeField(_("lúc"))
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"))
    status_code = models.PositiveSmallIntegerField(_("mã trả lời HTTP"), null=True, blank=True)
    ok = models.BooleanField(_("thành công"))
    error = models.CharField(_("lỗi"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("lần gửi")
        verbose_name_plural = pgettext_lazy("plural", "lần gửi")

    def __str__(self) -> str:
        return f"{self.batch_id} #{self.number}"


class ReceivedBatch(models.Model):
    """A batch this xaso imported, by the sender's id: the same id again returns the same receipt, applies nothing."""

    batch_id = models.CharField(_("mã lô"), max_length=64)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)
    receipt = models.JSONField(_("biên nhận"))

    class Meta:
        verbose_name = _("lô số liệu đã nhận")
        verbose_name_plural = pgettext_lazy("plural", "lô số liệu đã nhận")
        constraints = [
            models.UniqueConstraint(fields=["received_by", "batch_id"], name="unique_received_batch"),
        ]

    def __str__(self) -> str:
        return self.batch_id
