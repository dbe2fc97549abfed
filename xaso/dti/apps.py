from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DtiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xaso.dti"
    verbose_name = _("Bộ chỉ số chuyển đổi số")
