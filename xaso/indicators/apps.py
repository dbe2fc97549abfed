from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _partitions_ensure(sender, using="default", **kwargs):
    """After `migrate`: the yearly partitions of the figure and history tables exist up to next year."""
    from django.db import connections

    from . import partitions

    if connections[using].vendor == "postgresql" and using == "default":
        partitions.partitions_ensure()


class IndicatorsConfig(AppConfig):
    name = "xaso.indicators"
    verbose_name = _("Chỉ số và số liệu")

    def ready(self):
        post_migrate.connect(_partitions_ensure, sender=self, dispatch_uid="xaso_indicators_partitions_ensure")
