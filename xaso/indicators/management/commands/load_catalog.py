from django.core.management.base import BaseCommand

from xaso.indicators.catalog import CATALOG_PATH, catalog_load


class Command(BaseCommand):
    help = "Nạp danh mục chỉ tiêu dữ liệu, chỉ số và quy tắc kiểm tra (mặc định: danh mục đi kèm xaso)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(CATALOG_PATH))

    def handle(self, *args, path, **options):
        result = catalog_load(path)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp {result.data_elements} chỉ tiêu dữ liệu, {result.indicators} chỉ số, {result.rules} quy tắc."
            )
        )
