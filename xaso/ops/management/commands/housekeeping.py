"""`manage.py housekeeping`: the daily clean-up (xaso.ops.housekeeping), run by xaso-housekeeping.timer."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xaso.ops.housekeeping import housekeeping_run


class Command(BaseCommand):
    help = (
        "Dọn dẹp hằng ngày: phiên hết hạn, việc nền bị treo, tệp xuất cũ, nhật ký đăng nhập cũ, khóa API hết hạn; "
        "hộ điều tra quá thời hạn lưu giữ, nhật ký truy cập dữ liệu cá nhân cũ; "
        "tạo trước phân vùng theo năm của bảng số liệu."
    )

    def handle(self, *args, **options):
        done = housekeeping_run()
        self.stdout.write(" ".join(f"{name}={count}" for name, count in done.items()))
