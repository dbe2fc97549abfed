from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xaso.core.api import VietnameseMessages
from xaso.geo.models import AdminUnit


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="Mã đơn vị cấp trên; null với tỉnh."
    )

    class Meta:
        model = AdminUnit
        fields = [
            "code", "official_code", "name", "division_type", "level", "parent", "is_legacy", "valid_from",
            "valid_to", "data_version",
        ]  # fmt: skip


class UnitDetailSerializer(UnitSerializer):
    path = serializers.SerializerMethodField(help_text="Mã các đơn vị từ tỉnh xuống đến đơn vị này.")
    successors = serializers.SerializerMethodField(help_text="Đơn vị sau sắp xếp 2025 đã tiếp nhận đơn vị này.")
    predecessors = serializers.SerializerMethodField(help_text="Đơn vị trước sắp xếp 2025 được nhập vào đơn vị này.")

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "path", "successors", "predecessors"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_path(self, unit: AdminUnit) -> list[str]:
        return [code for code in unit.path.split("/") if code]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_successors(self, unit: AdminUnit) -> list[str]:
        return sorted(s.new_unit.code for s in unit.successions.all())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_predecessors(self, unit: AdminUnit) -> list[str]:
        return sorted(s.old_unit.code for s in unit.predecessions.all())


class VillageCreateSerializer(VietnameseMessages, serializers.Serializer):
    name = serializers.CharField(max_length=150, help_text="Tên thôn/ấp, ví dụ “Thôn Trung Điền”.")
    division_type = serializers.CharField(
        max_length=40, required=False, default="thôn", help_text="thôn, ấp, bản, tổ dân phố…"
    )
