from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CocConfig(AppConfig):
    name = "xaso.coc"
    verbose_name = _("Trung tâm điều hành")
