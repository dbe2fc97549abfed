from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "xaso.notify"
    verbose_name = _("Thông báo tới người dân")
