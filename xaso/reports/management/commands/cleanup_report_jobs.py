from django.core.management.base import BaseCommand

from xaso.reports.services import report_jobs_cleanup


class Command(BaseCommand):
    help = "Đánh dấu lỗi các yêu cầu xuất báo cáo bị treo và xóa tệp kết quả quá hạn (mặc định 30 ngày)."

    def add_arguments(self, parser):
        parser.add_argument("--keep-days", type=int, default=30)

    def handle(self, *args, keep_days, **options):
        failed, deleted = report_jobs_cleanup(keep_days=keep_days)
        self.stdout.write(self.style.SUCCESS(f"Đã đánh dấu lỗi {failed} yêu cầu bị treo, xóa {deleted} tệp cũ."))
