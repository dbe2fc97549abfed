"""Exchange API: pull a unit's (or a province's) figures as JSON or ADX; import figures sent as JSON or ADX.

Units by official code, periods as xaso codes or ISO 8601 ranges (ADX), scoped to the caller: a province's
analyst pulls the province, a commune's officer the commune; a unit outside is a 403, never left out silently.
Imports are all-or-nothing with a receipt (docs/decisions/0029-exchange.md).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from xaso.core.api import ErrorSerializer, JSONRenderer
from xaso.core.periods import PeriodError
from xaso.geo.api.lookups import check_units_readable, units_by_code
from xaso.indicators.errors import RowError
from xaso.indicators.models import DataElement

from ..adx import ADX_MEDIA_TYPE, AdxError, adx_parse, adx_stream
from ..periods import period_adx, period_read
from ..selectors import figures_count, figures_for_pull, figures_grouped
from ..services import ExchangeImportError, Incoming, exchange_import
from .paging import KeysetPage, fingerprint, page_rows
from .serializers import (
    FigurePageSerializer,
    FigureSerializer,
    ImportBodySerializer,
    ImportQuerySerializer,
    PullQuerySerializer,
    ReceiptSerializer,
)

XML_TYPES = (ADX_MEDIA_TYPE, "application/xml", "text/xml")


class TooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def _max_bytes() -> int:
    return settings.XASO_EXCHANGE_MAX_IMPORT_BYTES


def _read_bounded(stream, request_meta) -> bytes:
    """The body, refused (413) beyond the limit before it is all read."""
    limit = _max_bytes()
    declared = request_meta.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(_("Nội dung quá lớn: tối đa %(mb)s MB mỗi lần gửi.") % {"mb": limit // (1024 * 1024)})
    data = stream.read(limit + 1) if stream is not None else b""
    if len(data) > limit:
        raise TooLarge(_("Nội dung quá lớn: tối đa %(mb)s MB mỗi lần gửi.") % {"mb": limit // (1024 * 1024)})
    return data


class AdxParser(BaseParser):
    """An ADX body as bytes (parsed safely by `adx.adx_parse`, after the size check)."""

    media_type = ADX_MEDIA_TYPE

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        return _read_bounded(stream, request.META if request is not None else {})


class XmlParser(AdxParser):
    media_type = "application/xml"


class TextXmlParser(AdxParser):
    media_type = "text/xml"


class BoundedJSONParser(JSONParser):
    """JSON within the exchange's size limit (413 beyond it)."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        _read_bounded_check(request)
        return super().parse(stream, media_type, parser_context)


def _read_bounded_check(request) -> None:
    declared = (request.META.get("CONTENT_LENGTH") if request is not None else "") or "0"
    if declared.isdigit() and int(declared) > _max_bytes():
        raise TooLarge(_("Nội dung quá lớn: tối đa %(mb)s MB mỗi lần gửi.") % {"mb": _max_bytes() // (1024 * 1024)})


class AdxRenderer(BaseRenderer):
    media_type = ADX_MEDIA_TYPE
    format = "adx"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else str(data or "").encode()


def _query(serializer_class, request) -> dict:
    params = {key: ",".join(request.query_params.getlist(key)) for key in request.query_params}
    serializer = serializer_class(data=params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _codes(text: str | None, *, most: int = 500) -> list[str]:
    codes = list(dict.fromkeys(c.strip() for c in (text or "").split(",") if c.strip()))
    if len(codes) > most:
        raise ValidationError({"codes": [_("Tối đa %(n)s mã mỗi tham số.") % {"n": most}]})
    return codes


def _pull_arguments(request) -> dict:
    """The pull's elements, units (checked readable) and periods; a 400 naming every unknown code at once."""
    query = _query(PullQuerySerializer, request)
    problems: dict[str, list[str]] = {}
    element_codes = _codes(query.get("elements"))
    elements = list(DataElement.objects.filter(code__in=element_codes))
    unknown = sorted(set(element_codes) - {e.code for e in elements})
    if unknown:
        problems["elements"] = [_("Không có chỉ tiêu dữ liệu mã “%(code)s”.") % {"code": c} for c in unknown]
    try:
        units = units_by_code(_codes(query.get("units")), field="units")
    except ValidationError as exc:
        problems["units"] = [str(m) for m in exc.detail["units"]]
        units = []
    periods = []
    for text in _codes(query.get("periods"), most=120):
        try:
            periods.append(period_read(text))
        except PeriodError as exc:
            problems.setdefault("periods", []).append(str(exc))
    if problems:
        raise ValidationError(problems, code="unknown_code")
    check_units_readable(request.user, units)
    return {"user": request.user, "elements": elements, "units": units, "subtree": query["subtree"],
            "periods": periods}  # fmt: skip


_PULL_PARAMETERS = [PullQuerySerializer]
_PULL_ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer}


def _receipt_response(receipt) -> Response:
    return Response(receipt.as_dict())


class ExchangeValuesApi(GenericAPIView):
    """GET: figures as JSON, a page at a time (keyset: `api/paging.py`). POST: import figures sent as JSON."""

    parser_classes = [BoundedJSONParser]
    serializer_class = FigureSerializer
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        summary="Trao đổi: lấy số liệu (JSON) theo chỉ tiêu, đơn vị, kỳ",
        description="Đơn vị theo mã chính thức (subtree=true: cả các đơn vị cấp dưới, ví dụ các xã của tỉnh); kỳ theo "
        "mã xaso hoặc ISO 8601 như ADX. Phân trang theo khóa: mỗi trang tối đa `limit` dòng (mặc định và tối đa "
        "1.000), theo thứ tự đơn vị, kỳ, chỉ tiêu; trang sau lấy bằng liên kết `next` (con trỏ `cursor` đã ký, "
        "không sửa được; `next` null là trang cuối). Thời gian mỗi trang không tăng theo số trang; số liệu ghi "
        "trong lúc lấy không làm lặp hay sót dòng đã có. Chỉ trong phạm vi của bạn: đơn vị ngoài phạm vi trả 403.",
        parameters=[
            *_PULL_PARAMETERS,
            OpenApiParameter("limit", int, description="Số dòng mỗi trang, 1–1.000 (mặc định 1.000)."),
            OpenApiParameter("cursor", str, description="Con trỏ trang, lấy từ liên kết `next` của trang trước."),
        ],
        responses={200: FigurePageSerializer, **_PULL_ERRORS},
    )
    def get(self, request):
        arguments = _pull_arguments(request)
        query_print = fingerprint({
            "elements": sorted(e.code for e in arguments["elements"]),
            "units": sorted(u.code for u in arguments["units"]),
            "subtree": arguments["subtree"], "periods": sorted(p.code for p in arguments["periods"]),
        })  # fmt: skip
        paging = KeysetPage(request, query_print)
        page, last = page_rows(figures_for_pull(**arguments), after=paging.after, limit=paging.limit)
        rows = [
            {"element": e, "unit": u, "period": p, "period_iso": period_adx(period_read(p)), "value": v,
             "comment": c, "updated_at": at}
            for u, p, e, v, c, at in page
        ]  # fmt: skip
        return Response({"next": paging.next_link(last), "results": FigureSerializer(rows, many=True).data})

    @extend_schema(
        summary="Trao đổi: nhận số liệu (JSON) — tất cả hoặc không gì, kèm biên nhận",
        description="Mỗi số liệu: element, unit, period (mã hoặc ISO 8601), value (null để xóa), updated_at (tùy "
        "chọn: cũ hơn số liệu đang lưu thì không ghi, liệt kê trong conflicts). Một mục sai thì không lưu gì: 400 "
        "với lỗi theo vị trí values[n]. Cùng batch_id gửi lại: trả biên nhận cũ, không ghi lần hai.",
        request=ImportBodySerializer,
        responses={
            200: OpenApiResponse(ReceiptSerializer, description="Biên nhận."),
            400: OpenApiResponse(ErrorSerializer, description="code invalid_rows: lỗi theo vị trí; không lưu gì."),
            401: ErrorSerializer,
        },
    )
    def post(self, request):
        data = request.data
        if not isinstance(data, dict) or not isinstance(data.get("values"), list):
            message = _('Gửi một đối tượng JSON {"values": [...]} với danh sách các số liệu.')
            raise ValidationError({"values": [message]}, code="required")
        unknown = [str(k) for k in data if k not in ("values", "batch_id", "dry_run", "exported")]
        if unknown:
            raise ValidationError({k: [_("Trường không xác định.")] for k in unknown}, code="unknown_field")
        items = data["values"]
        most = settings.XASO_EXCHANGE_MAX_IMPORT_VALUES
        if len(items) > most:
            message = _("Tối đa %(n)s số liệu mỗi lần; chia thành nhiều lần gửi.") % {"n": most}
            raise ValidationError({"values": [message]}, code="max_length")
        batch_id = data.get("batch_id") or request.headers.get("X-Xaso-Batch-Id", "")
        if not isinstance(batch_id, str) or len(batch_id) > 64 or "\x00" in batch_id:
            raise ValidationError({"batch_id": [_("Mã lô là một chuỗi tối đa 64 ký tự.")]})
        dry_run = data.get("dry_run", False)
        if not isinstance(dry_run, bool):
            raise ValidationError({"dry_run": [_("Cần true hoặc false.")]})
        incoming, errors = _json_items(items)
        if errors:
            raise ExchangeImportError(errors)
        return _receipt_response(exchange_import(user=request.user, values=incoming, batch_id=batch_id,
                                                 dry_run=dry_run))  # fmt: skip


_LENGTHS = {"element": 64, "unit": 40, "period": 40}


def _json_items(items: list) -> tuple[list[Incoming], list[RowError]]:
    """The items' shapes checked in plain Python (fast for 50,000), each problem named `values[n]/field`."""
    incoming, errors = [], []
    for number, item in enumerate(items, start=1):
        where = f"values[{number}]"
        if not isinstance(item, dict):
            errors.append(RowError(number, where, _("Mỗi mục phải là một đối tượng {element, unit, period, value}.")))
            continue
        bad = False
        for key in [k for k in item if k not in ("element", "unit", "period", "value", "updated_at", "comment")]:
            errors.append(RowError(number, f"{where}/{key}", _("Trường không xác định."), "unknown_field"))
            bad = True
        for key, longest in _LENGTHS.items():
            code = item.get(key)
            if code is None or code == "" or isinstance(code, bool) or not isinstance(code, str | int):
                errors.append(RowError(number, f"{where}/{key}", _("Cần một mã (chuỗi ký tự)."), "required"))
                bad = True
            elif "\x00" in str(code) or len(str(code)) > longest:
                errors.append(RowError(number, f"{where}/{key}", _("Tối đa %(n)s ký tự, không có ký tự NUL.")
                                       % {"n": longest}, "invalid"))  # fmt: skip
                bad = True
        if "value" not in item:
            errors.append(RowError(number, f"{where}/value", _("Trường này là bắt buộc (null để xóa số liệu)."),
                                   "required"))  # fmt: skip
            bad = True
        elif item["value"] is not None and not isinstance(item["value"], bool | int | float | str):
            errors.append(RowError(number, f"{where}/value", _("Giá trị phải là số, chuỗi hoặc null."), "invalid"))
            bad = True
        updated = None
        if item.get("updated_at") is not None:
            updated = _aware(item["updated_at"])
            if updated is None:
                errors.append(RowError(number, f"{where}/updated_at",
                                       _("Cần ngày giờ ISO 8601 có múi giờ, ví dụ 2026-03-01T08:00:00+07:00."),
                                       "invalid"))  # fmt: skip
                bad = True
        comment = item.get("comment") or ""
        if not isinstance(comment, str) or len(comment) > 500 or "\x00" in comment:
            errors.append(RowError(number, f"{where}/comment", _("Ghi chú là chuỗi tối đa 500 ký tự."), "invalid"))
            bad = True
        if not bad:
            incoming.append(Incoming(str(item["element"]).strip(), str(item["unit"]).strip(), str(item["period"]),
                                     item["value"], where, updated, comment))  # fmt: skip
    return incoming, errors


def _aware(text) -> datetime | None:
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


class ExchangeAdxApi(APIView):
    """GET: figures as an ADX document, streamed. POST: import an ADX document."""

    parser_classes = [AdxParser, XmlParser, TextXmlParser]
    renderer_classes = [JSONRenderer, AdxRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:  # errors: always the JSON error body
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        summary="Trao đổi: lấy số liệu dạng ADX (IHE, XML) theo chỉ tiêu, đơn vị, kỳ",
        description="Một group cho mỗi đơn vị × kỳ × bộ số liệu (XASO), một dataValue cho mỗi số liệu; kỳ ISO 8601 "
        "(2026-01-01/P1Y). Tài liệu được gửi dần (không dựng cả tài liệu trong bộ nhớ); tối đa "
        "XASO_EXCHANGE_MAX_ROWS số liệu mỗi lần (400 nếu nhiều hơn: thu hẹp chỉ tiêu, đơn vị hoặc kỳ). "
        "Lược đồ: xaso/exchange/schemas/adx.xsd.",
        parameters=_PULL_PARAMETERS,
        responses={(200, ADX_MEDIA_TYPE): OpenApiTypes.STR, **_PULL_ERRORS},
    )
    def get(self, request):
        values = figures_for_pull(**_pull_arguments(request))
        most = settings.XASO_EXCHANGE_MAX_ROWS
        count = figures_count(values)
        if count > most:
            raise ValidationError(
                {"units": [_("Có %(n)s số liệu, quá %(max)s mỗi lần: thu hẹp chỉ tiêu, đơn vị hoặc kỳ.")
                           % {"n": count, "max": most}]},
                code="too_many",
            )  # fmt: skip
        data_set = settings.XASO_EXCHANGE_ADX_DATASET
        groups = (
            (unit, period_adx(period_read(period)), data_set, ((e, v, at) for _u, _p, e, v, _c, at, _id in rows))
            for (unit, period), rows in figures_grouped(values)
        )
        chunks = (piece.encode() for piece in adx_stream(groups, exported=timezone.now()))
        response = StreamingHttpResponse(chunks, content_type=f"{ADX_MEDIA_TYPE}; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="xaso-adx.xml"'
        return response

    @extend_schema(
        summary="Trao đổi: nhận tài liệu ADX — tất cả hoặc không gì, kèm biên nhận",
        description="Đọc an toàn (không DOCTYPE/ENTITY, không mạng, giới hạn dung lượng), kiểm tra theo lược đồ ADX, "
        "rồi từng số liệu; lỗi nêu vị trí group[n]/dataValue[m]. Thuộc tính xaso:updated (tùy chọn) dùng cho quy tắc "
        "xung đột. Mã lô: tiêu đề X-Xaso-Batch-Id hoặc thuộc tính xaso:batch của <adx>.",
        parameters=[ImportQuerySerializer,
                    OpenApiParameter("X-Xaso-Batch-Id", str, OpenApiParameter.HEADER, required=False)],
        request={ADX_MEDIA_TYPE: OpenApiTypes.STR},
        responses={
            200: OpenApiResponse(ReceiptSerializer, description="Biên nhận."),
            400: OpenApiResponse(ErrorSerializer, description="Lỗi theo vị trí; không lưu gì."),
            401: ErrorSerializer,
        },
        examples=[OpenApiExample("ADX", value='<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-03-01T00:00:00Z">'
                                 '<group orgUnit="26296" period="2025-01-01/P1Y" dataSet="XASO">'
                                 '<dataValue dataElement="households_total" value="1961"/></group></adx>',
                                 request_only=True)],
    )  # fmt: skip
    def post(self, request):
        query = _query(ImportQuerySerializer, request)
        data = request.data
        if not isinstance(data, bytes) or not data.strip():
            raise ValidationError({"body": [_("Gửi một tài liệu ADX (Content-Type: application/adx+xml).")]})
        try:
            parsed, root_batch = adx_parse(data, max_values=settings.XASO_EXCHANGE_MAX_IMPORT_VALUES)
        except AdxError as exc:
            errors = [RowError(None, where, message, "adx") for where, message in exc.errors]
            if not errors:
                errors = [RowError(None, "adx", str(exc), "adx")]
            raise ExchangeImportError(errors) from None
        batch_id = request.headers.get("X-Xaso-Batch-Id", "") or root_batch
        incoming = [
            Incoming(v.element, v.unit, v.period, v.value, f"group[{v.group}]/dataValue[{v.position}]", v.updated,
                     v.comment)
            for v in parsed
        ]  # fmt: skip
        receipt = exchange_import(user=request.user, values=incoming, batch_id=batch_id[:64],
                                  dry_run=query["dry_run"])  # fmt: skip
        return _receipt_response(receipt)
