"""Indicators API: the catalog, data values (bulk upsert through `values_write`), their history,
validation results and indicator tables — the same services, selectors and scoping as the screens.

Units are named by official code, elements and indicators by their English code, periods as 2023,
2023Q4 or 2023-11. A unit outside the user's subtree is refused (403), never silently left out.
"""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from xaso.accounts.permissions import is_admin
from xaso.core.api import ErrorSerializer
from xaso.core.formatting import round_half_up
from xaso.core.models import Period
from xaso.core.periods import PeriodError, PeriodSpec, parse_period
from xaso.geo.api.lookups import check_units_readable, unit_by_code, units_by_code, units_readable
from xaso.geo.models import AdminUnit, Level
from xaso.indicators import selectors
from xaso.indicators.errors import BulkValueError, RowError
from xaso.indicators.filters import DataElementFilter, IndicatorFilter
from xaso.indicators.models import ChangeSource, DataElement, DataValue, DataValueChange, Indicator
from xaso.indicators.services import ValueInput, WriteResult, values_write

from .serializers import (
    DataElementSerializer,
    DataValueBulkSerializer,
    DataValueChangeSerializer,
    DataValueHistoryQuerySerializer,
    DataValueQuerySerializer,
    DataValueSerializer,
    IndicatorSerializer,
    IndicatorValueQuerySerializer,
    IndicatorValueSerializer,
    ValidationQuerySerializer,
    ViolationSerializer,
    WriteResultSerializer,
    value_input,
)

#: most items one POST /data-values/ takes (a commune-year import is about 23,000 values)
MAX_VALUES = 50_000
#: most cells (units × indicators × periods) one indicator table holds
MAX_CELLS = 50_000


def _query(serializer_class, request) -> dict:
    """Validated query parameters; a repeated parameter (`units=a&units=b`) reads as `units=a,b`."""
    params = {key: ",".join(request.query_params.getlist(key)) for key in request.query_params}
    serializer = serializer_class(data=params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _codes(text: str | None) -> list[str]:
    return list(dict.fromkeys(c.strip() for c in (text or "").split(",") if c.strip()))


def _period_specs(text: str, *, field: str) -> list[PeriodSpec]:
    specs, problems = [], []
    for code in _codes(text):
        try:
            specs.append(parse_period(code))
        except PeriodError as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationError({field: problems}, code="bad_period")
    return list({s.code: s for s in specs}.values())


def _by_code(model, codes: list[str], *, field: str, label: str) -> list:
    found = {obj.code: obj for obj in model.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({field: [label % {"code": c} for c in unknown]}, code="unknown_code")
    return [found[c] for c in codes]


def _element(code: str) -> DataElement:
    return _by_code(DataElement, [code], field="element", label=_("Không có chỉ tiêu dữ liệu mã “%(code)s”."))[0]


def _unit_readable(user, code: str, *, field: str) -> AdminUnit:
    """The unit with this code: 400 if there is none, 403 if it is outside the user's scope."""
    unit = unit_by_code(code, field=field)
    check_units_readable(user, [unit])
    return unit


def _round(value: float | None, decimals: int) -> float | None:
    """Half up, as the screens show it (70.576 → 70.6); None for a value that is no finite number (stored before
    the bounds, or computed from such a figure), so one bad cell does not fail the table."""
    return round_half_up(value, decimals)


# catalog


@extend_schema_view(
    list=extend_schema(summary="Danh mục chỉ tiêu dữ liệu"),
    retrieve=extend_schema(
        summary="Một chỉ tiêu dữ liệu", responses={200: DataElementSerializer, 404: ErrorSerializer}
    ),
)
class DataElementViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = DataElement.objects.order_by("area", "code")
    serializer_class = DataElementSerializer
    filterset_class = DataElementFilter
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary="Danh mục chỉ số (công thức trên các chỉ tiêu dữ liệu)"),
    retrieve=extend_schema(summary="Một chỉ số", responses={200: IndicatorSerializer, 404: ErrorSerializer}),
)
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = selectors.indicators_active().prefetch_related("elements")
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    lookup_field = "code"


# data values


def _write(*, user, items: list) -> WriteResult:
    """Check each item's shape, then `values_write` (all-or-nothing): every problem of every item at once."""
    rows: list[ValueInput] = []
    errors: list[RowError] = []
    for number, item in enumerate(items, start=1):
        row, problems = value_input(number, item)
        if row is not None:
            rows.append(row)
        errors.extend(problems)
    try:
        with transaction.atomic():
            result = values_write(user=user, rows=rows, source=ChangeSource.API, allow_delete=True)
            if errors:
                raise BulkValueError(errors)  # undo the well-formed items: all or nothing
    except BulkValueError as exc:
        found = exc.errors if exc.errors is errors else errors + exc.errors
        raise BulkValueError(sorted(found, key=lambda e: (e.row or 0, e.column))) from None
    return result


class DataValueListApi(GenericAPIView):
    serializer_class = DataValueSerializer
    filter_backends: list = []
    parser_classes = [JSONParser]

    def get_queryset(self):
        return DataValue.objects.select_related("data_element", "unit", "period").order_by(
            "unit__path", "data_element__code", "period__start", "-period__end"
        )

    @extend_schema(
        summary="Số liệu trong phạm vi của bạn",
        parameters=[DataValueQuerySerializer],
        responses={200: DataValueSerializer(many=True), 400: ErrorSerializer, 401: ErrorSerializer,
                   403: ErrorSerializer},
    )  # fmt: skip
    def get(self, request):
        query = _query(DataValueQuerySerializer, request)
        values = self.get_queryset()
        if query.get("unit"):
            unit = _unit_readable(request.user, query["unit"], field="unit")
            values = values.filter(unit__path__startswith=unit.path) if query["include_descendants"] else (
                values.filter(unit=unit))  # fmt: skip
        elif not is_admin(request.user):
            values = values.filter(unit__in=units_readable(request.user))
        if query.get("element"):
            element = _element(query["element"])
            values = values.filter(data_element=element)
        if query.get("period"):
            spec = _period_specs(query["period"], field="period")[0]
            values = values.filter(
                period__start__gte=spec.start,
                period__end__lte=spec.end,
                year__gte=spec.start.year,  # the partition key: only these years' partitions are read
                year__lte=spec.end.year,
            )
        page = self.paginate_queryset(values)
        return self.get_paginated_response(DataValueSerializer(page, many=True).data)

    @extend_schema(
        summary="Ghi nhiều số liệu một lần (thêm, sửa; value null để xóa) — tất cả hoặc không gì",
        description=(
            "Kiểm tra như khi nhập từ tệp: mã chỉ tiêu, mã đơn vị, quyền, kỳ, kiểu giá trị, quy tắc kiểm tra. "
            "Một mục sai thì không lưu mục nào; lỗi trả về theo từng mục (row, từ 1) và trường (column). "
            f"Tối đa {MAX_VALUES} mục mỗi lần."
        ),
        request=DataValueBulkSerializer,
        responses={
            200: OpenApiResponse(WriteResultSerializer, description="Số mục đã thêm, sửa, xóa, giữ nguyên."),
            400: OpenApiResponse(ErrorSerializer, description="code invalid_rows, errors theo từng mục: không lưu gì."),
            401: ErrorSerializer,
        },
    )
    def post(self, request):
        data = request.data
        if not isinstance(data, dict) or not isinstance(data.get("values"), list):
            raise ValidationError(
                {"values": [_('Gửi một đối tượng JSON {"values": [...]} với danh sách các số liệu.')]},
                code="required",
            )
        items = data["values"]
        if len(items) > MAX_VALUES:
            raise ValidationError(
                {"values": [_("Tối đa %(max)s số liệu mỗi lần; chia thành nhiều lần gửi.") % {"max": MAX_VALUES}]},
                code="max_length",
            )
        result = _write(user=request.user, items=items)
        return Response(asdict(result))


# a list computed by a selector, paginated like every other list (limit, offset)
class _SelectorListApi(APIView):
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    def paginated(self, rows, serializer_class) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, self.request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)


class DataValueHistoryApi(_SelectorListApi):
    @extend_schema(
        summary="Lịch sử một số liệu: giá trị cũ → mới, ai, lúc nào, từ đâu",
        parameters=[DataValueHistoryQuerySerializer],
        responses={200: DataValueChangeSerializer(many=True), 400: ErrorSerializer, 401: ErrorSerializer,
                   403: ErrorSerializer},
    )  # fmt: skip
    def get(self, request):
        query = _query(DataValueHistoryQuerySerializer, request)
        element = _element(query["element"])
        unit = _unit_readable(request.user, query["unit"], field="unit")
        spec = _period_specs(query["period"], field="period")[0]
        period = Period.objects.filter(code=spec.code).first()
        if period is None:  # no figure was ever stored for this period
            changes = DataValueChange.objects.none()
        else:
            changes = selectors.value_history(user=request.user, element=element, unit=unit, period=period)
        return self.paginated(changes, DataValueChangeSerializer)


# validation


class ValidationResultApi(_SelectorListApi):
    @extend_schema(
        summary="Số liệu vi phạm quy tắc kiểm tra, cho một đơn vị và các đơn vị cấp dưới",
        description="Cùng danh sách và thứ tự với màn hình Kiểm tra quy tắc: theo đơn vị (xã trước các thôn/ấp), "
        "rồi theo kỳ (năm trước các quý, tháng của nó), rồi theo mã quy tắc. Đơn vị không có số liệu nào trong kỳ "
        "không bị coi là vi phạm.",
        parameters=[ValidationQuerySerializer],
        responses={200: ViolationSerializer(many=True), 400: ErrorSerializer, 401: ErrorSerializer,
                   403: ErrorSerializer},
    )  # fmt: skip
    def get(self, request):
        query = _query(ValidationQuerySerializer, request)
        unit = _unit_readable(request.user, query["unit"], field="unit")
        spec = _period_specs(query["period"], field="period")[0]
        rows = [
            {
                "rule": f.violation.rule.code,
                "rule_name": f.violation.rule.name,
                "message": f.violation.rule.message,
                "unit": f.unit.code,
                "unit_name": f.unit.name,
                "period": f.period.code,
                "left": f.violation.left,
                "right": f.violation.right,
            }
            for f in selectors.violations_in(user=request.user, unit=unit, spec=spec)
        ]
        return self.paginated(rows, ViolationSerializer)


# indicator values


def _table_units(user, query: dict) -> list[AdminUnit]:
    """`units` in the order given, then the units just below `children_of`; 403 if any is out of scope."""
    units = units_by_code(_codes(query.get("units")), field="units")
    if query.get("children_of"):
        parent = _unit_readable(user, query["children_of"], field="children_of")
        level = Level.VILLAGE if parent.level in (Level.COMMUNE, Level.VILLAGE) else Level.COMMUNE
        listed = {u.id for u in units}
        below = AdminUnit.objects.in_subtree(parent).filter(level=level).exclude(pk=parent.pk)
        units += [u for u in below if u.id not in listed]
    check_units_readable(user, units)
    return units


@extend_schema(
    summary="Bảng giá trị chỉ số: đơn vị × chỉ số × kỳ",
    description=(
        "Tỷ lệ tính từ tổng tử số và tổng mẫu số (không lấy trung bình các tỷ lệ). Mỗi dòng kèm tỷ lệ văn bản "
        "nêu (stated) và cờ lệch (stated_mismatch). Đơn vị ngoài phạm vi: 403; mã không có: 400. "
        f"Tối đa {MAX_CELLS} ô mỗi bảng."
    ),
    parameters=[IndicatorValueQuerySerializer],
    responses={200: IndicatorValueSerializer(many=True), 400: ErrorSerializer, 401: ErrorSerializer,
               403: ErrorSerializer},
)  # fmt: skip
class IndicatorValueTableApi(APIView):
    def get(self, request):
        query = _query(IndicatorValueQuerySerializer, request)
        specs = _period_specs(query["periods"], field="periods")
        codes = _codes(query.get("indicators"))
        if codes:
            indicators = _by_code(Indicator, codes, field="indicators", label=_("Không có chỉ số mã “%(code)s”."))
        else:
            indicators = list(selectors.indicators_active())
        units = _table_units(request.user, query)
        cells = len(units) * len(indicators) * len(specs)
        if cells > MAX_CELLS:
            raise ValidationError(
                {"units": [_("Bảng có %(n)s ô, quá giới hạn %(max)s: chọn ít đơn vị, chỉ số hoặc kỳ hơn.")
                           % {"n": cells, "max": MAX_CELLS}]},
                code="too_large",
            )  # fmt: skip
        # a period never stored holds no figure: its cells are empty, and reading creates nothing
        stored = {p.code: p for p in Period.objects.filter(code__in=[s.code for s in specs])}
        table = selectors.indicator_values(
            user=request.user, indicators=indicators, units=units, periods=list(stored.values())
        )
        rows = []
        for unit in units:
            for indicator in indicators:
                for spec in specs:
                    period = stored.get(spec.code)
                    cell = table.get((unit.id, indicator.id, period.id)) if period else None
                    inputs = cell.inputs if cell else dict.fromkeys(selectors.indicator_formula(indicator).elements)
                    rows.append({
                        "unit": unit.code, "unit_name": unit.name, "indicator": indicator.code, "period": spec.code,
                        "value": _round(cell.value, indicator.decimals) if cell else None,
                        "stated": cell.stated if cell else None,
                        "stated_mismatch": bool(cell and cell.is_stated_mismatch),
                        "inputs": dict(sorted(inputs.items())),
                    })  # fmt: skip
        return Response(IndicatorValueSerializer(rows, many=True).data)
