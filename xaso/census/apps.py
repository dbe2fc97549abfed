from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CensusConfig(AppConfig):
    name = "xaso.census"
    verbose_name = _("Điều tra số hộ gia đình")
