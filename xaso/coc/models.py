from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.geo.models import AdminUnit
from xaso.indicators.models import Indicator


class Publication(models.Model):
    """The aggregate figures a commune chooses to show on its public page (no login): never personal data."""

    unit = models.OneToOneField(AdminUnit, models.CASCADE, related_name="publication", verbose_name=_("đơn vị"))
    is_published = models.BooleanField(_("công khai"), default=False)
    indicators = models.ManyToManyField(Indicator, blank=True, verbose_name=_("chỉ số công khai"))
    show_targets = models.BooleanField(
        _("công khai chỉ tiêu kế hoạch"),
        default=True,
        help_text=_(
            "Mỗi chỉ tiêu của kế hoạch đang thực hiện được công khai kèm số liệu hiện tại (giá trị, kỳ và đánh giá), "
            "kể cả khi chỉ số của chỉ tiêu đó không được chọn trong “Chỉ số công khai”."
        ),
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trang công khai")
        verbose_name_plural = pgettext_lazy("plural", "trang công khai")

    def __str__(self) -> str:
        return str(self.unit)
