from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running xaso in production: health, metrics, structured logs, the job worker's heartbeat, backups."""

    name = "xaso.ops"
    verbose_name = _("Vận hành")

    def ready(self) -> None:
        from django.core.signals import request_finished

        from . import checks  # noqa: F401  (system checks)
        from .logs import request_id_var

        def forget_request_id(**kwargs) -> None:
            request_id_var.set("-")

        request_finished.connect(forget_request_id, dispatch_uid="xaso.ops.forget_request_id", weak=False)
