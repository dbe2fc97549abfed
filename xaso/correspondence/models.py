"""The commune's register of official documents (sổ văn bản đi, đến), as the document management system
("Quản lý văn bản và Điều hành") keeps it: one row per document, with what the seeds' targets count —
handled on the system or on paper, digitally signed (with which certificate), handled as required.

The figures `documents_*` of a commune and a month are counted from these rows (`figures.py`), never typed.
A signer's personal name is not stored: the targets need only whether a document was signed, and with a
personal or an organisation certificate (docs/decisions/0028-document-register.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.models import TimeStampedModel
from xaso.geo.models import AdminUnit


class Direction(models.TextChoices):
    INCOMING = "in", _("Văn bản đến")
    OUTGOING = "out", _("Văn bản đi")


class DocumentType(models.TextChoices):
    """Decree 30/2020/NĐ-CP, Article 7 (the kinds of administrative documents) and Appendix III (their
    abbreviations in the number and symbol, "30/KH-UBND"). A công văn has no abbreviation of its own."""

    NQ = "NQ", _("Nghị quyết (cá biệt)")
    QD = "QĐ", _("Quyết định")
    CT = "CT", _("Chỉ thị")
    QC = "QC", _("Quy chế")
    QYD = "QyĐ", _("Quy định")
    TC = "TC", _("Thông cáo")
    TB = "TB", _("Thông báo")
    HD = "HD", _("Hướng dẫn")
    CTR = "CTr", _("Chương trình")
    KH = "KH", _("Kế hoạch")
    PA = "PA", _("Phương án")
    DA_PLAN = "ĐA", _("Đề án")
    DA_PROJECT = "DA", _("Dự án")
    BC = "BC", _("Báo cáo")
    BB = "BB", _("Biên bản")
    TTR = "TTr", _("Tờ trình")
    HDONG = "HĐ", _("Hợp đồng")
    CD = "CĐ", _("Công điện")
    BGN = "BGN", _("Bản ghi nhớ")
    BTT = "BTT", _("Bản thỏa thuận")
    GUQ = "GUQ", _("Giấy ủy quyền")
    GM = "GM", _("Giấy mời")
    GGT = "GGT", _("Giấy giới thiệu")
    GNP = "GNP", _("Giấy nghỉ phép")
    PG = "PG", _("Phiếu gửi")
    PC = "PC", _("Phiếu chuyển")
    PB = "PB", _("Phiếu báo")
    CV = "CV", _("Công văn")
    OTHER = "KHAC", _("Loại khác")


class Signature(models.TextChoices):
    """Whether a document carries a digital signature, and with which kind of certificate (seed 000, II.1.2:
    "chữ ký số của tổ chức, cá nhân")."""

    NONE = "none", _("Không ký số")
    SIGNED = "signed", _("Có ký số (không rõ loại chứng thư)")
    PERSONAL = "personal", _("Ký số cá nhân")
    ORGANISATION = "organisation", _("Ký số của cơ quan")
    BOTH = "both", _("Ký số cá nhân và cơ quan")


class Origin(models.TextChoices):
    IMPORT = "import", _("Nhập từ hệ thống quản lý văn bản")
    XASO = "xaso", _("Ban hành trên xaso")


class Document(TimeStampedModel):
    unit = models.ForeignKey(AdminUnit, models.PROTECT, related_name="+", verbose_name=_("xã"))
    direction = models.CharField(_("loại sổ"), max_length=3, choices=Direction.choices)
    number = models.CharField(_("số, ký hiệu"), max_length=80)
    doc_type = models.CharField(_("loại văn bản"), max_length=4, choices=DocumentType.choices)
    registered_on = models.DateField(
        _("ngày đến / ngày đi"), help_text=_("Ngày văn bản đến hoặc được phát hành: xác định tháng được tính.")
    )
    issued_on = models.DateField(_("ngày văn bản"), null=True, blank=True)
    counterpart = models.CharField(
        _("cơ quan ban hành / nơi nhận"), max_length=500, blank=True,
        help_text=_("Văn bản đến: cơ quan ban hành; văn bản đi: nơi nhận."),
    )  # fmt: skip
    summary = models.TextField(_("trích yếu"), max_length=1000, blank=True)
    is_electronic = models.BooleanField(
        _("trên hệ thống (điện tử)"),
        help_text=_("Văn bản đến được tiếp nhận, xử lý trên hệ thống; văn bản đi được phát hành dạng điện tử."),
    )
    is_handled = models.BooleanField(_("đã xử lý theo quy định"), default=False)
    signature = models.CharField(_("ký số"), max_length=12, choices=Signature.choices, default=Signature.NONE)
    is_secret = models.BooleanField(
        _("văn bản mật"),
        default=False,
        help_text=_("Văn bản mật không tính vào các tỷ lệ (các văn bản nguồn loại trừ)."),
    )
    origin = models.CharField(_("nguồn"), max_length=8, choices=Origin.choices, default=Origin.IMPORT)
    plan = models.ForeignKey(
        "plans.Plan", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("kế hoạch")
    )
    key = models.CharField(max_length=600, editable=False)  # number (and issuer, incoming): one row per document
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("văn bản")
        verbose_name_plural = pgettext_lazy("plural", "văn bản")
        constraints = [
            models.UniqueConstraint(fields=["unit", "direction", "registered_on", "key"], name="unique_document"),
            models.CheckConstraint(condition=models.Q(direction__in=["in", "out"]), name="document_direction"),
        ]
        # the month counts and the drill-down list read a commune's documents by date
        indexes = [models.Index(fields=["unit", "registered_on"], name="document_unit_date")]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_direction_display()})"

    @property
    def is_signed(self) -> bool:
        return self.signature != Signature.NONE
