from django.core.management.base import BaseCommand, CommandError

from xaso.demo.services import DEMO_LOGINS, DEMO_PASSWORD, demo_load
from xaso.indicators.errors import BulkValueError


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu từ các văn bản nguồn (Nga Điền 2023, An Viễn) và tạo tài khoản dùng thử."

    def handle(self, *args, **options):
        try:
            result = demo_load()
        except BulkValueError as exc:
            raise CommandError("\n".join(str(e) for e in exc.errors)) from exc
        summary = (
            f"{result.values} số liệu, {result.villages} thôn mới, {result.plans} kế hoạch mới, "
            f"{result.feedback} phản ánh mới, {result.loudspeaker_points} vị trí loa mới, "
            f"{result.announcements} thông báo mới"
        )
        self.stdout.write(self.style.SUCCESS(f"Dữ liệu mẫu: {summary}."))
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"Cảnh báo: {warning}"))
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<10} {login.full_name}")
