from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportFormsConfig(AppConfig):
    name = "xaso.reportforms"
    verbose_name = _("Mẫu báo cáo định kỳ")
