from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "xaso.correspondence"
    verbose_name = _("Văn bản đi, đến")

    def ready(self) -> None:
        from xaso.registers.spec import register_add

        from .register import DOCUMENTS

        register_add(DOCUMENTS)
