from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "xaso.registers"
    verbose_name = _("Sổ theo dõi")
