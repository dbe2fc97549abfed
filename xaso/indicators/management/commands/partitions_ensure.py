from django.core.management.base import BaseCommand

from xaso.indicators.partitions import partitions_ensure


class Command(BaseCommand):
    help = (
        "Tạo các phân vùng theo năm còn thiếu của bảng số liệu và lịch sử (PostgreSQL), chuyển vào đó các dòng "
        "đang nằm ở phân vùng mặc định (docs/decisions/0025-partitioned-values.md). Chạy lại bao nhiêu lần cũng được."
    )

    def handle(self, *args, **options):
        created = partitions_ensure()
        if not created:
            self.stdout.write("Không thiếu phân vùng nào.")
            return
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {len(created)} phân vùng: {', '.join(created)}."))
