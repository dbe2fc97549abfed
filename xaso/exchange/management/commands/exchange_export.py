"""Write a unit's figures as ADX (or JSON) to a file or stdout, as the pull API would for that user (offline
exchange: a file carried to the operations centre)."""

from __future__ import annotations

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xaso.core.periods import PeriodError
from xaso.geo.models import AdminUnit
from xaso.indicators.models import DataElement

from ...adx import adx_stream
from ...periods import period_adx, period_read
from ...selectors import figures_for_pull, figures_grouped


class Command(BaseCommand):
    help = "Export figures as ADX or JSON, scoped to a user (as GET /api/v1/exchange/adx/)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username whose scope applies")
        parser.add_argument("--format", choices=["adx", "json"], default="adx")
        parser.add_argument("--units", default="", help="official codes, comma-separated")
        parser.add_argument("--subtree", action="store_true")
        parser.add_argument("--elements", default="")
        parser.add_argument("--periods", default="")
        parser.add_argument("--output", default="-")

    def handle(self, *args, **options):
        from django.conf import settings

        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}")
        split = lambda text: [c.strip() for c in text.split(",") if c.strip()]  # noqa: E731
        units = list(AdminUnit.objects.filter(code__in=split(options["units"])))
        elements = list(DataElement.objects.filter(code__in=split(options["elements"])))
        try:
            periods = [period_read(p) for p in split(options["periods"])]
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        values = figures_for_pull(user=user, elements=elements, units=units, subtree=options["subtree"],
                                  periods=periods)  # fmt: skip
        out = sys.stdout if options["output"] == "-" else open(options["output"], "w", encoding="utf-8")  # noqa: SIM115
        try:
            if options["format"] == "adx":
                groups = (
                    (u, period_adx(period_read(p)), settings.XASO_EXCHANGE_ADX_DATASET,
                     ((e, v, at) for _u, _p, e, v, _c, at, _i in rows))
                    for (u, p), rows in figures_grouped(values)
                )  # fmt: skip
                for piece in adx_stream(groups, exported=timezone.now()):
                    out.write(piece)
            else:
                rows = [{"element": e, "unit": u, "period": p, "value": v, "updated_at": at.isoformat(),
                         "comment": c} for u, p, e, v, c, at, _i in values.iterator(chunk_size=2000)]  # fmt: skip
                json.dump({"values": rows}, out, ensure_ascii=False)
        finally:
            if out is not sys.stdout:
                out.close()
