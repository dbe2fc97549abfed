"""`manage.py census_refresh [--commune CODE] [--year YYYY]`: re-aggregate the census into the village figures."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from xaso.census.figures import census_refresh
from xaso.geo.models import AdminUnit, Level


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu điều tra hộ gia đình của mọi thôn (hoặc của một xã) vào số liệu chỉ tiêu."

    def add_arguments(self, parser):
        parser.add_argument("--commune", help="mã xã (mặc định: mọi xã có phiếu hộ)")
        parser.add_argument("--year", type=int, help="năm (mặc định: năm nay)")

    def handle(self, *args, commune=None, year=None, **options):
        unit = None
        if commune:
            unit = AdminUnit.objects.filter(code=commune, level=Level.COMMUNE).first()
            if unit is None:
                raise CommandError(f"Không có xã mã “{commune}”.")
        if year is not None and not 2000 <= year <= 2100:
            raise CommandError("Năm từ 2000 đến 2100.")
        started = time.perf_counter()
        sent = census_refresh(commune=unit, year=year)
        self.stdout.write(f"figures={sent} seconds={time.perf_counter() - started:.3f}")
