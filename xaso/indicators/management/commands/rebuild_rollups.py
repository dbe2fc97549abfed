from django.core.management.base import BaseCommand

from xaso.indicators.rollup import BATCH_COMMUNES, rollup_rebuild_batches


class Command(BaseCommand):
    help = (
        "Tính lại số liệu tổng hợp (rollup) từ số liệu gốc theo từng tỉnh × năm, mỗi đợt một giao dịch ngắn, "
        "trong khi hệ thống vẫn phục vụ; chạy lại nhiều lần cho cùng kết quả."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", help="mã tỉnh (mặc định: mọi tỉnh)")
        parser.add_argument("--year", type=int, help="năm (mặc định: mọi năm)")
        parser.add_argument("--communes-per-batch", type=int, default=BATCH_COMMUNES, help="số xã tối đa mỗi đợt")

    def handle(self, *args, province, year, communes_per_batch, **options):
        def report(batch):
            if options["verbosity"] > 1:
                self.stdout.write(
                    f"tỉnh {batch.province}, năm {batch.year}: {batch.communes} xã, {batch.seconds * 1000:.0f} ms"
                    + (f" ({batch.attempts} lần)" if batch.attempts > 1 else "")
                )

        batches = rollup_rebuild_batches(province=province, year=year, size=max(1, communes_per_batch), report=report)
        total = sum(b.seconds for b in batches)
        longest = max((b.seconds for b in batches), default=0.0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại {len(batches)} đợt trong {total:.1f} s (đợt lâu nhất {longest * 1000:.0f} ms)."
            )
        )
