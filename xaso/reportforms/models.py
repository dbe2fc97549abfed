"""A periodic report a commune already sends as a spreadsheet (a monthly socio-economic or digital-transformation
report), mapped once from its cells to data elements, so each later issue of the same report is imported as
figures instead of typed a second time (docs/decisions/0028-document-register.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.models import TimeStampedModel
from xaso.geo.models import AdminUnit
from xaso.indicators.models import PERIOD_TYPE_CHOICES, DataElement


class ReportForm(TimeStampedModel):
    unit = models.ForeignKey(AdminUnit, models.PROTECT, related_name="+", verbose_name=_("xã"))
    name = models.CharField(_("tên mẫu báo cáo"), max_length=200)
    period_type = models.CharField(_("kỳ báo cáo"), max_length=8, choices=PERIOD_TYPE_CHOICES, default="month")
    period_sheet = models.CharField(_("trang ghi kỳ báo cáo"), max_length=31, blank=True)
    period_cell = models.CharField(
        _("ô ghi kỳ báo cáo"), max_length=10, blank=True,
        help_text=_("Để trống: chọn kỳ báo cáo mỗi lần tải lên."),
    )  # fmt: skip
    sample_name = models.CharField(_("tệp mẫu"), max_length=255, blank=True)
    # the sample's cells the officer picks from (sheet, cell, label, value): kept until the mapping is saved
    candidates = models.JSONField(default=list, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("mẫu báo cáo định kỳ")
        verbose_name_plural = pgettext_lazy("plural", "mẫu báo cáo định kỳ")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="unique_report_form_name")]

    def __str__(self) -> str:
        return self.name


class ReportFormCell(models.Model):
    """One cell of the report → one data element. `label` is what the sample wrote beside the cell: a later
    upload whose label differs is refused (the layout moved), rather than filing a figure under the wrong name."""

    form = models.ForeignKey(ReportForm, models.CASCADE, related_name="cells")
    sheet = models.CharField(_("trang tính"), max_length=31)
    cell = models.CharField(_("ô"), max_length=10)
    data_element = models.ForeignKey(DataElement, models.PROTECT, related_name="+", verbose_name=_("chỉ tiêu dữ liệu"))
    label = models.CharField(_("nhãn trong mẫu"), max_length=300, blank=True)

    class Meta:
        ordering = ["form", "id"]
        verbose_name = _("ô của mẫu báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "ô của mẫu báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["form", "sheet", "cell"], name="unique_report_form_cell"),
            models.UniqueConstraint(fields=["form", "data_element"], name="unique_report_form_element"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell} → {self.data_element_id}"
