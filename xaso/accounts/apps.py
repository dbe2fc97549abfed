from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xaso.accounts"
    verbose_name = _("Người dùng và phân quyền")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the client address settings check)
