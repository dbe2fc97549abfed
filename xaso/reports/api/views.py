"""Documents and exports through the API: the same services and scoping as the screens.

GET /api/v1/plans/{id}/document.docx (and .pdf), progress-report.docx?period=2026Q1, evaluation.docx?year=2026,
export/{table}.xlsx; POST /api/v1/report-jobs/ for a province-wide export, GET its progress and its file.
Errors are JSON (xaso.core.api), whatever the Accept header asks for.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from xaso.core.api import ErrorSerializer, VietnameseMessages
from xaso.core.limits import PLAN_YEAR_MAX, PLAN_YEAR_MIN
from xaso.core.periods import PeriodError, parse_period
from xaso.files.views import serve
from xaso.geo.models import AdminUnit
from xaso.plans.models import Plan
from xaso.reports import selectors, services
from xaso.reports.models import ReportJob
from xaso.reports.render import PdfUnavailable
from xaso.reports.views import MIME, download
from xaso.reports.xlsx import PLAN_TABLES


class FirstRenderer(BaseContentNegotiation):
    """Files are sent as they are; errors always as JSON, even when the client asked for a .docx."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


class FileApi(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRenderer

    def plan(self, pk: int) -> Plan:
        try:
            return selectors.plan_for_user(self.request.user, pk)
        except Plan.DoesNotExist as exc:
            raise NotFound(_("Không tìm thấy kế hoạch.")) from exc


def _fmt(ext: str) -> str:
    if ext not in ("docx", "pdf"):
        raise NotFound(_("Định dạng phải là docx hoặc pdf."))
    return ext


def _pdf_error(exc: PdfUnavailable) -> Response:
    return Response({"detail": str(exc), "code": "pdf_unavailable"}, status=status.HTTP_503_SERVICE_UNAVAILABLE)


FILE = OpenApiResponse(OpenApiTypes.BINARY, description="Tệp .docx / .pdf / .xlsx")
#: a document as .docx or .pdf, each with its own media type; 503 when the PDF converter (LibreOffice) is missing
DOCUMENT = {
    (200, MIME["docx"]): FILE,
    (200, MIME["pdf"]): FILE,
    503: OpenApiResponse(ErrorSerializer, description="code pdf_unavailable: chưa cài LibreOffice để tạo PDF."),
}
EXT = OpenApiParameter("ext", str, OpenApiParameter.PATH, enum=["docx", "pdf"], description="Định dạng tệp.")


class PlanDocumentApi(FileApi):
    @extend_schema(summary="Kế hoạch (KH) theo Nghị định 30: .docx hoặc .pdf", parameters=[EXT], responses=DOCUMENT)
    def get(self, request, pk: int, ext: str):
        plan, ext = self.plan(pk), _fmt(ext)
        try:
            content = services.document_plan_pdf(plan, request.user) if ext == "pdf" else \
                services.document_plan_docx(plan, request.user)  # fmt: skip
        except PdfUnavailable as exc:
            return _pdf_error(exc)
        return download(content, services.document_filename(plan, "kh", ext), ext)


class ProgressReportApi(FileApi):
    @extend_schema(
        summary="Báo cáo định kỳ (BC) của kế hoạch cho một tháng, quý hoặc năm",
        parameters=[EXT, OpenApiParameter("period", str, required=True, description="2026, 2026Q1 hoặc 2026-03")],
        responses=DOCUMENT,
    )
    def get(self, request, pk: int, ext: str):
        plan, ext = self.plan(pk), _fmt(ext)
        code = request.query_params.get("period", "")
        try:
            spec = parse_period(code)
        except PeriodError as exc:
            raise ValidationError({"period": [str(exc)]}) from exc
        try:
            content = (services.document_progress_pdf if ext == "pdf" else services.document_progress_docx)(
                plan, request.user, spec
            )
        except PdfUnavailable as exc:
            return _pdf_error(exc)
        return download(content, services.document_filename(plan, "bc", ext, spec.code), ext)


class EvaluationApi(FileApi):
    @extend_schema(
        summary="Báo cáo đánh giá cuối năm và kế hoạch năm sau",
        parameters=[
            EXT,
            OpenApiParameter("year", int, description="Năm đánh giá (mặc định: năm cuối của kế hoạch)"),
        ],
        responses=DOCUMENT,
    )
    def get(self, request, pk: int, ext: str):
        plan, ext = self.plan(pk), _fmt(ext)
        raw = request.query_params.get("year", str(plan.year_to))  # sent empty: a 400, not the default
        first, last = max(plan.year_from, PLAN_YEAR_MIN), min(plan.year_to, PLAN_YEAR_MAX)
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 4) or not first <= int(raw) <= last:
            raise ValidationError({"year": [_("Chọn năm từ %(a)s đến %(b)s.") % {"a": first, "b": last}]})
        try:
            content = (services.document_evaluation_pdf if ext == "pdf" else services.document_evaluation_docx)(
                plan, request.user, int(raw)
            )
        except PdfUnavailable as exc:
            return _pdf_error(exc)
        return download(content, services.document_filename(plan, "bc-tong-ket", ext, raw), ext)


class PlanExportApi(FileApi):
    @extend_schema(
        summary="Xuất bảng của kế hoạch ra Excel: targets, tasks, budget, values",
        parameters=[OpenApiParameter("table", str, OpenApiParameter.PATH, enum=list(PLAN_TABLES))],
        responses={(200, MIME["xlsx"]): FILE},
    )
    def get(self, request, pk: int, table: str):
        plan = self.plan(pk)
        try:
            content = services.export_plan_xlsx(plan, request.user, table)
        except DjangoValidationError as exc:
            raise NotFound(exc.messages[0]) from exc
        return download(content, services.document_filename(plan, table, "xlsx"), "xlsx")


class ReportJobSerializer(VietnameseMessages, serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(
        slug_field="code", queryset=AdminUnit.objects.all(),
        error_messages={"does_not_exist": gettext_lazy("Không có đơn vị mã “{value}”.")},
    )  # fmt: skip
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = ["id", "kind", "unit", "year", "status", "progress", "message", "error", "created_at",
                  "finished_at", "file_url"]  # fmt: skip
        read_only_fields = ["status", "progress", "message", "error", "created_at", "finished_at"]

    def get_file_url(self, job) -> str | None:
        if not job.result:
            return None
        return self.context["request"].build_absolute_uri(f"/api/v1/report-jobs/{job.pk}/file/")


class ReportJobListApi(APIView):
    @extend_schema(summary="Các yêu cầu xuất báo cáo của tôi", responses={200: ReportJobSerializer(many=True)})
    def get(self, request):
        jobs = ReportJob.objects.filter(created_by=request.user).select_related("unit")[:50]
        return Response(ReportJobSerializer(jobs, many=True, context={"request": request}).data)

    @extend_schema(summary="Tạo báo cáo tổng hợp nhiều xã (chạy nền)", request=ReportJobSerializer,
                   responses={202: ReportJobSerializer})  # fmt: skip
    def post(self, request):
        payload = ReportJobSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        d = payload.validated_data  # `kind` is checked against JobKind by the serializer's choice field
        job = services.report_job_create(user=request.user, kind=d["kind"], unit=d["unit"], year=d["year"])
        return Response(ReportJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class ReportJobDetailApi(APIView):
    @extend_schema(summary="Tiến độ của một yêu cầu xuất báo cáo", responses={200: ReportJobSerializer})
    def get(self, request, job_id: int):
        job = get_object_or_404(ReportJob, pk=job_id, created_by=request.user)
        return Response(ReportJobSerializer(job, context={"request": request}).data)


class ReportJobFileApi(FileApi):
    @extend_schema(
        summary="Tệp kết quả của yêu cầu xuất báo cáo",
        responses={(200, "application/zip"): FILE, (200, MIME["xlsx"]): FILE},
    )
    def get(self, request, job_id: int):
        get_object_or_404(ReportJob, pk=job_id, created_by=request.user)
        return serve(request, kind="report", pk=job_id)  # the one private-file view: rights, log, headers
