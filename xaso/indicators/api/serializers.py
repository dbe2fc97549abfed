from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xaso.core.api import VietnameseMessages
from xaso.indicators.errors import RowError
from xaso.indicators.models import DataElement, DataValue, DataValueChange, Indicator
from xaso.indicators.services import ValueInput

# catalog


class DataElementSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataElement
        fields = [
            "code", "name", "name_en", "description", "unit_label", "value_type", "aggregation", "period_type",
            "area", "source",
        ]  # fmt: skip


class IndicatorSerializer(serializers.ModelSerializer):
    elements = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="Mã các chỉ tiêu dữ liệu trong công thức."
    )
    stated_rate_element = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Chỉ tiêu dữ liệu lưu tỷ lệ do văn bản nêu (để đối chiếu); null: không có.",
    )

    class Meta:
        model = Indicator
        fields = [
            "code", "name", "name_en", "description", "formula", "unit_label", "decimals", "direction", "area",
            "period_type", "elements", "stated_rate_element", "source",
        ]  # fmt: skip


# data values


class DataValueSerializer(serializers.ModelSerializer):
    element = serializers.CharField(source="data_element.code", help_text="Mã chỉ tiêu dữ liệu.")
    unit = serializers.CharField(source="unit.code", help_text="Mã đơn vị.")
    unit_name = serializers.CharField(source="unit.name")
    period = serializers.CharField(source="period.code", help_text="Kỳ: 2023, 2023Q4 hoặc 2023-11.")

    class Meta:
        model = DataValue
        fields = ["element", "unit", "unit_name", "period", "value", "comment", "created_at", "updated_at"]


class DataValueQuerySerializer(VietnameseMessages, serializers.Serializer):
    allow_unknown_fields = True  # the paginator's limit and offset
    unit = serializers.CharField(required=False, help_text="Mã đơn vị; mặc định: mọi đơn vị trong phạm vi của bạn.")
    include_descendants = serializers.BooleanField(
        required=False, default=False, help_text="true: cả các đơn vị cấp dưới của `unit` (thôn/ấp, xã…)."
    )
    period = serializers.CharField(
        required=False, help_text="Kỳ 2023, 2023Q4 hoặc 2023-11: số liệu của kỳ đó và các kỳ nằm trong nó."
    )
    element = serializers.CharField(required=False, help_text="Mã chỉ tiêu dữ liệu.")


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string"}, {"type": "boolean"}],
        "nullable": True,
        "description": (
            "Số (1384, 70.6), chuỗi như người nhập (“1.384”, “70,6%”, “có”), true/false chỉ cho chỉ tiêu Có/Không; "
            "null để xóa."
        ),
    }
)
class RawValueField(serializers.Field):
    """The value as sent: parsed by the same rules as an import (`parsing.parse_value`), or null to delete."""

    default_error_messages = {
        "invalid": gettext_lazy("Giá trị phải là số, chuỗi, true/false, hoặc null để xóa số liệu."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, bool | int | float | str):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class DataValueItemSerializer(serializers.Serializer):
    """One item of a bulk write, for the docs; `value_input` checks items (a serializer per item is too slow)."""

    element = serializers.CharField(max_length=64, help_text="Mã chỉ tiêu dữ liệu, ví dụ households_fibre.")
    unit = serializers.CharField(max_length=40, help_text="Mã xã hoặc thôn/ấp, ví dụ 26296, legacy:16150-001.")
    period = serializers.CharField(max_length=10, help_text="Kỳ: 2023, 2023Q4 hoặc 2023-11.")
    value = RawValueField()
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


#: the item fields, as row errors name them
API_COLUMNS = {"element": "element", "unit": "unit", "period": "period", "value": "value"}
_CODE_LENGTHS = {"element": 64, "unit": 40, "period": 10}


def value_input(number: int, item: object) -> tuple[ValueInput | None, list[RowError]]:
    """Item `number` (from 1) of a bulk write as a ValueInput, or the errors in its shape.

    The same rules as DataValueItemSerializer, in plain Python: 23,040 items take milliseconds, not seconds.
    Codes may come as numbers (`"period": 2023`); what they mean is checked by `values_write`.
    """
    if not isinstance(item, dict):
        return None, [RowError(number, "values", _("Mỗi mục phải là một đối tượng {element, unit, period, value}."),
                               "invalid")]  # fmt: skip
    errors = []
    for key, longest in _CODE_LENGTHS.items():
        code = item.get(key)
        if code is None or code == "":
            errors.append(RowError(number, key, _("Trường này là bắt buộc."), "required"))
        elif isinstance(code, bool) or not isinstance(code, str | int):
            errors.append(RowError(number, key, _("Cần một chuỗi ký tự."), "invalid"))
        elif "\x00" in str(code):  # PostgreSQL refuses it in any text it compares: a 500, not a 400
            errors.append(RowError(number, key, _("Không được chứa ký tự NUL."), "null_characters_not_allowed"))
        elif len(str(code)) > longest:
            errors.append(RowError(number, key, _("Tối đa %(n)s ký tự.") % {"n": longest}, "max_length"))
    if "value" not in item:
        errors.append(RowError(number, "value", _("Trường này là bắt buộc (null để xóa số liệu)."), "required"))
    elif item["value"] is not None and not isinstance(item["value"], bool | int | float | str):
        errors.append(RowError(number, "value", str(RawValueField.default_error_messages["invalid"]), "invalid"))
    comment = item.get("comment")
    if comment is not None and not isinstance(comment, str):
        errors.append(RowError(number, "comment", _("Cần một chuỗi ký tự."), "invalid"))
    elif comment and "\x00" in comment:
        errors.append(RowError(number, "comment", _("Không được chứa ký tự NUL."), "null_characters_not_allowed"))
    elif comment and len(comment) > 500:
        errors.append(RowError(number, "comment", _("Tối đa %(n)s ký tự.") % {"n": 500}, "max_length"))
    if errors:
        return None, errors
    row = ValueInput(
        element=str(item["element"]), unit=str(item["unit"]), period=str(item["period"]), value=item["value"],
        comment=comment or "", row=number, columns=API_COLUMNS,
    )  # fmt: skip
    return row, []


class DataValueBulkSerializer(serializers.Serializer):
    values = DataValueItemSerializer(many=True, help_text="Các số liệu; lưu tất cả hoặc không lưu gì.")


class WriteResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Số liệu mới.")
    updated = serializers.IntegerField(help_text="Số liệu đã đổi giá trị hoặc ghi chú.")
    deleted = serializers.IntegerField(help_text="Số liệu đã xóa (value null).")
    unchanged = serializers.IntegerField(help_text="Số liệu gửi lại đúng như đã lưu.")


class DataValueChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Tên đăng nhập; null: nạp bởi hệ thống."
    )
    changed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = DataValueChange
        fields = ["old_value", "new_value", "comment", "source", "changed_by", "changed_by_name", "changed_at"]

    def get_changed_by_name(self, change: DataValueChange) -> str:
        return str(change.changed_by) if change.changed_by else ""


class DataValueHistoryQuerySerializer(VietnameseMessages, serializers.Serializer):
    allow_unknown_fields = True  # the paginator's limit and offset
    element = serializers.CharField(help_text="Mã chỉ tiêu dữ liệu.")
    unit = serializers.CharField(help_text="Mã đơn vị.")
    period = serializers.CharField(help_text="Kỳ: 2023, 2023Q4 hoặc 2023-11.")


# validation


class ValidationQuerySerializer(VietnameseMessages, serializers.Serializer):
    allow_unknown_fields = True  # the paginator's limit and offset
    unit = serializers.CharField(help_text="Mã đơn vị; kiểm tra đơn vị này và mọi đơn vị cấp dưới.")
    period = serializers.CharField(help_text="Kỳ 2023, 2023Q4 hoặc 2023-11: kỳ đó và các kỳ nằm trong nó.")


class ViolationSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="Mã quy tắc kiểm tra.")
    rule_name = serializers.CharField()
    message = serializers.CharField()
    unit = serializers.CharField(help_text="Mã đơn vị.")
    unit_name = serializers.CharField()
    period = serializers.CharField()
    left = serializers.FloatField(help_text="Giá trị vế trái của quy tắc.")
    right = serializers.FloatField(help_text="Giá trị vế phải của quy tắc.")


# indicator values


class IndicatorValueQuerySerializer(VietnameseMessages, serializers.Serializer):
    allow_unknown_fields = True  # the paginator's limit and offset
    units = serializers.CharField(required=False, help_text="Mã đơn vị, cách nhau bằng dấu phẩy: 26296,26170.")
    children_of = serializers.CharField(
        required=False,
        help_text="Mã một đơn vị: thêm các đơn vị ngay dưới nó (tỉnh → các xã hiện hành; xã → các thôn/ấp).",
    )
    indicators = serializers.CharField(
        required=False, help_text="Mã chỉ số, cách nhau bằng dấu phẩy; mặc định: mọi chỉ số."
    )
    periods = serializers.CharField(help_text="Kỳ, cách nhau bằng dấu phẩy: 2025,2025Q1,2025-01.")

    def validate(self, attrs):
        if not attrs.get("units") and not attrs.get("children_of"):
            raise serializers.ValidationError(
                {"units": [_("Chọn đơn vị: tham số units (mã, cách nhau bằng dấu phẩy) hoặc children_of.")]}
            )
        return attrs


class IndicatorValueSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text="Mã đơn vị.")
    unit_name = serializers.CharField()
    indicator = serializers.CharField(help_text="Mã chỉ số.")
    period = serializers.CharField()
    value = serializers.FloatField(
        allow_null=True,
        help_text="Giá trị tính từ số liệu, làm tròn theo số chữ số thập phân của chỉ số; null: chưa có.",
    )
    stated = serializers.FloatField(allow_null=True, help_text="Tỷ lệ văn bản nêu (nếu có).")
    stated_mismatch = serializers.BooleanField(
        help_text="true khi tỷ lệ văn bản nêu lệch quá 0,5 điểm so với tính toán."
    )
    inputs = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text="Tổng của từng chỉ tiêu dữ liệu trong công thức."
    )
