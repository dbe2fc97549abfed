from django.core.management.base import BaseCommand

from xaso.indicators.importjobs import import_jobs_cleanup


class Command(BaseCommand):
    help = "Đánh dấu lỗi các lượt nhập tệp nền bị treo (tiến trình nền dừng giữa chừng) và xóa tệp tải lên của chúng."

    def handle(self, *args, **options):
        count = import_jobs_cleanup()
        self.stdout.write(self.style.SUCCESS(f"Đã đánh dấu lỗi {count} lượt nhập bị treo."))
