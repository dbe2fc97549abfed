from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xaso.core"
    verbose_name = _("Lõi hệ thống")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the replica settings check)
        from .versions import connect_signals

        connect_signals()
