"""Exchange API shapes: the pull query, a figure as exchanged, the import body and its receipt."""

from __future__ import annotations

from rest_framework import serializers

from xaso.core.api import VietnameseMessages
from xaso.indicators.api.serializers import RawValueField


class PullQuerySerializer(VietnameseMessages, serializers.Serializer):
    allow_unknown_fields = True  # the page's limit and cursor
    elements = serializers.CharField(
        required=False, max_length=4000, help_text="Mã chỉ tiêu dữ liệu, cách nhau bởi dấu phẩy; mặc định: tất cả."
    )
    units = serializers.CharField(
        required=False, max_length=4000,
        help_text="Mã chính thức của đơn vị (75, 26296…), cách nhau bởi dấu phẩy; mặc định: mọi đơn vị trong phạm vi.",
    )  # fmt: skip
    subtree = serializers.BooleanField(
        required=False, default=False, help_text="true: cả các đơn vị cấp dưới của `units` (tỉnh → các xã, thôn)."
    )
    periods = serializers.CharField(
        required=False, max_length=2000,
        help_text="Kỳ, cách nhau bởi dấu phẩy: 2026, 2026Q1, 2026-03 hoặc ISO 8601 2026-01-01/P1Y, 2026-01-01/P3M, "
        "2026-03-01/P1M; lấy số liệu của kỳ và các kỳ nằm trong nó.",
    )  # fmt: skip


class ImportQuerySerializer(VietnameseMessages, serializers.Serializer):
    allow_unknown_fields = True
    dry_run = serializers.BooleanField(required=False, default=False, help_text="true: chỉ kiểm tra, không lưu.")


class FigureSerializer(serializers.Serializer):
    element = serializers.CharField(help_text="Mã chỉ tiêu dữ liệu.")
    unit = serializers.CharField(help_text="Mã chính thức của đơn vị.")
    period = serializers.CharField(help_text="Kỳ: 2026, 2026Q1, 2026-03.")
    period_iso = serializers.CharField(help_text="Kỳ dạng ISO 8601 (như ADX): 2026-01-01/P1Y.")
    value = serializers.FloatField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    updated_at = serializers.DateTimeField(help_text="Lúc số liệu được ghi lần cuối (dùng cho quy tắc xung đột).")


class FigurePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="Địa chỉ trang sau (có con trỏ); null: trang cuối.")
    results = FigureSerializer(many=True)


class IncomingFigureSerializer(serializers.Serializer):
    element = serializers.CharField(max_length=64)
    unit = serializers.CharField(max_length=40)
    period = serializers.CharField(max_length=40, help_text="2026, 2026Q1, 2026-03 hoặc 2026-01-01/P1Y…")
    value = RawValueField()
    updated_at = serializers.DateTimeField(
        required=False, help_text="Lúc số liệu được ghi ở nơi gửi; cũ hơn số liệu ở đây thì không ghi (xung đột)."
    )
    comment = serializers.CharField(required=False, max_length=500, allow_blank=True)


class ImportBodySerializer(serializers.Serializer):
    batch_id = serializers.CharField(
        required=False, max_length=64, help_text="Mã lô của nơi gửi: gửi lại cùng mã thì không ghi lần hai."
    )
    dry_run = serializers.BooleanField(required=False, default=False)
    exported = serializers.DateTimeField(required=False)
    values = IncomingFigureSerializer(many=True)


class ConflictSerializer(serializers.Serializer):
    position = serializers.CharField(help_text="values[3] (JSON) hoặc group[2]/dataValue[5] (ADX).")
    element = serializers.CharField()
    unit = serializers.CharField()
    period = serializers.CharField()
    code = serializers.CharField(help_text="newer_at_receiver: số liệu ở đây mới hơn, được giữ.")
    message = serializers.CharField()


class ReceiptSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="success")
    batch_id = serializers.CharField(allow_blank=True)
    dry_run = serializers.BooleanField()
    duplicate = serializers.BooleanField(help_text="true: lô này đã nhận trước đó; không ghi lần hai.")
    imported = serializers.IntegerField(help_text="Số liệu mới.")
    updated = serializers.IntegerField(help_text="Số liệu đã đổi.")
    deleted = serializers.IntegerField(help_text="Số liệu đã xóa (value null).")
    ignored = serializers.IntegerField(help_text="Số liệu gửi đến giống hệt số liệu đã lưu.")
    conflicts = ConflictSerializer(many=True, help_text="Số liệu không ghi vì số liệu ở đây mới hơn.")
