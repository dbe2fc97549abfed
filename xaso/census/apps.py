from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CensusConfig(AppConfig):
    name = "xaso.census"
    verbose_name = _("Điều tra số hộ gia đình")

    def ready(self) -> None:
        from xaso.registers.spec import register_add

        from .register import HOUSEHOLDS

        register_add(HOUSEHOLDS)
