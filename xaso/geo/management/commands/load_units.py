import time

from django.core.management.base import BaseCommand

from xaso.geo.loader import units_load_official


class Command(BaseCommand):
    help = "Nạp hoặc cập nhật danh mục đơn vị hành chính chính thức (34 tỉnh, 3.321 xã; và đơn vị trước 2025)."

    def add_arguments(self, parser):
        parser.add_argument("--no-legacy", action="store_true", help="Bỏ qua đơn vị hành chính trước 1/7/2025.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = units_load_official(include_legacy=not options["no_legacy"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp {result.units:,} đơn vị và {result.successions:,} quan hệ sắp xếp "
                f"({result.data_version}) trong {time.perf_counter() - started:.1f} giây."
            )
        )
