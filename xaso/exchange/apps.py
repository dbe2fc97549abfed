from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "xaso.exchange"
    verbose_name = _("Trao đổi số liệu với trung tâm điều hành")

    def ready(self) -> None:
        from xaso.indicators.signals import values_changed

        from . import push

        values_changed.connect(push.queue_changed, dispatch_uid="exchange_queue_changed")
