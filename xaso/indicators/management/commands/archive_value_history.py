from django.core.management.base import BaseCommand, CommandError

from xaso.indicators.history import HistoryArchiveError, value_history_archive


class Command(BaseCommand):
    help = (
        "Chuyển lịch sử thay đổi số liệu ghi trước ngày 1/1 của năm --before ra một tệp CSV nén (gzip) rồi xóa khỏi "
        "cơ sở dữ liệu, từng đợt (docs/decisions/0016-import-pipeline.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", type=int, required=True, help="năm: lưu trữ các thay đổi trước 1/1 năm này")
        parser.add_argument("--directory", help="thư mục ghi tệp (mặc định: XASO_HISTORY_ARCHIVE_ROOT)")
        parser.add_argument("--batch-size", type=int, default=5000, help="số dòng mỗi đợt xóa (mặc định 5.000)")

    def handle(self, *args, before, directory, batch_size, **options):
        try:
            result = value_history_archive(before_year=before, directory=directory, batch_size=batch_size)
        except HistoryArchiveError as exc:
            raise CommandError(str(exc)) from exc
        if result.path is None:
            self.stdout.write(f"Không có thay đổi nào trước năm {before}: không tạo tệp.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Đã lưu trữ {result.rows} dòng lịch sử ({result.batches} đợt) vào {result.path}.")
        )
