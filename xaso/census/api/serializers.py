"""Census API bodies: households with names (for those who may see them) and village aggregates (for everyone who
reads the commune, small cells shown as "<5")."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xaso.core.api import VietnameseMessages


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": ["<5"]}]})
class CountField(serializers.Field):
    """A count, or "<5" for a small cell shown to whoever may not see names."""

    def to_representation(self, value):
        return value


class HouseholdListSerializer(serializers.Serializer):
    uid = serializers.UUIDField()
    village = serializers.CharField(source="village.code", help_text="Mã thôn, ấp.")
    head_name = serializers.CharField(help_text="Họ tên chủ hộ (dữ liệu cá nhân: mỗi lần đọc được ghi nhật ký).")
    address = serializers.CharField()
    version = serializers.IntegerField(help_text="Phiên bản của bản ghi trên máy chủ (base_version khi sửa).")
    form_version = serializers.IntegerField()
    consent_method = serializers.CharField(help_text="Cách hộ đồng ý; pending: chờ tổ xác nhận khi đến hộ.")
    has_conflict = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


class MemberSerializer(serializers.Serializer):
    uid = serializers.UUIDField()
    full_name = serializers.CharField()
    birth_year = serializers.IntegerField()
    answers = serializers.DictField(child=serializers.JSONField(), help_text="Câu trả lời theo mã câu hỏi.")


class HouseholdDetailSerializer(HouseholdListSerializer):
    phone = serializers.CharField()
    answers = serializers.DictField(child=serializers.JSONField(), help_text="Câu trả lời theo mã câu hỏi.")
    consent_at = serializers.DateTimeField(allow_null=True)
    recorded_at = serializers.DateTimeField()
    members = MemberSerializer(many=True, source="members.all")


class HouseholdQuerySerializer(VietnameseMessages, serializers.Serializer):
    allow_unknown_fields = True  # the paginator's limit and offset
    village = serializers.CharField(required=False, max_length=40, help_text="Mã thôn, ấp (mặc định: mọi thôn).")


class VillageFiguresQuerySerializer(VietnameseMessages, serializers.Serializer):
    allow_unknown_fields = True
    commune = serializers.CharField(max_length=40, help_text="Mã xã, ví dụ 26296.")
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Năm (mặc định: năm nay)."
    )


class VillageFiguresSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã thôn, ấp.")
    name = serializers.CharField()
    households = CountField(help_text="Số hộ đã điều tra; dưới 5 hiện “<5” với người không được xem tên.")
    people = CountField(help_text="Số nhân khẩu đã điều tra; dưới 5 hiện “<5” như trên.")
    complete = serializers.BooleanField(help_text="Xã đã đánh dấu điều tra của thôn hoàn thành trong năm.")
    suppressed = serializers.BooleanField(help_text="Các số dưới 5 được ẩn (“<5”) cho người đọc này.")
    figures = serializers.DictField(
        child=CountField(), help_text="Số đếm theo mã chỉ tiêu dữ liệu (households_fibre, adults_smartphone…)."
    )


class SubmissionBatchSerializer(VietnameseMessages, serializers.Serializer):
    records = serializers.ListField(
        child=serializers.JSONField(),  # each record is checked on its own: one bad record never blocks the others
        min_length=1,
        help_text="Các phiếu hộ như ứng dụng ngoại tuyến gửi (client_id, uid, village, form_version, base_version, "
        "fields, members, recorded_at); mỗi phiếu được ghi riêng.",
    )


class SubmissionResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    client_id = serializers.UUIDField(allow_null=True)
    status = serializers.ChoiceField(["created", "updated", "merged", "duplicate", "error", "forbidden"])
    version = serializers.IntegerField(required=False)
    conflicts = serializers.ListField(child=serializers.CharField(), required=False)
    field = serializers.CharField(required=False, allow_null=True)
    message = serializers.CharField(required=False)


class SubmissionBatchResultSerializer(serializers.Serializer):
    results = SubmissionResultSerializer(many=True)
