from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "xaso.reports"
    verbose_name = _("Văn bản và báo cáo")
    default_auto_field = "django.db.models.BigAutoField"
