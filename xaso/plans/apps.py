from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "xaso.plans"
    verbose_name = _("Kế hoạch chuyển đổi số")
