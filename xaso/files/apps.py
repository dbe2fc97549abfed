from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "xaso.files"
    label = "files"
    verbose_name = _("Tệp riêng tư")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the settings check)
