"""Screens of the commune index: the commune's self-assessment, the province's review and the ranking."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xaso.accounts.permissions import can_read_unit, can_write_unit, is_admin
from xaso.geo.models import AdminUnit, Level

from . import selectors, services
from .exports import ranking_docx, ranking_xlsx
from .forms import IndexSheetForm, IndexUploadForm, ReviewForm, SelfAssessForm, StartForm
from .loader import MAX_FILE_BYTES, index_load, parse_text, rows_to_tree, sheet_rows
from .models import AssessmentStatus, CriterionScore, RuleKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _province_of(user) -> AdminUnit | None:
    if user.unit_id is None:
        return None
    return user.unit if user.unit.level == Level.PROVINCE else user.unit.province


@login_required
def home(request):
    user = request.user
    indexes = list(selectors.indexes_for_user(user))
    commune = user.unit if user.unit_id and user.unit.level == Level.COMMUNE else None
    start = StartForm(indexes=selectors.indexes_for_user(user)) if commune and can_write_unit(user, commune) else None
    assessments = selectors.assessments_for_user(user)[:200]
    province = _province_of(user)
    can_rank = province is not None and user.unit_id == province.id
    years = selectors.published_years(user) if can_rank else {}
    for index in indexes:
        index.ranked_years = years.get(index.pk, [])
    return render(request, "dti/home.html", {
        "indexes": indexes, "start_form": start, "assessments": assessments, "commune": commune,
        "province": province, "can_load": province is not None and (is_admin(user) or user.role == "analyst")
        and user.unit_id == province.id,
    })  # fmt: skip


@login_required
@require_POST
def assessment_start(request):
    user = request.user
    commune = user.unit if user.unit_id and user.unit.level == Level.COMMUNE else None
    form = StartForm(request.POST, indexes=selectors.indexes_for_user(user))
    if commune is None or not form.is_valid():
        messages.error(request, _("Chọn bộ chỉ số và năm đánh giá (từ 2020 đến 2100)."))
        return redirect("dti:home")
    try:
        assessment = services.assessment_start(user=user, commune=commune, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dti:home")
    return redirect("dti:assessment", pk=assessment.pk)


@login_required
def index_upload(request):
    province = _province_of(request.user)
    if province is None or request.user.unit_id != province.id:
        raise PermissionDenied(_("Chỉ chuyên viên của tỉnh được nạp bộ chỉ số của tỉnh."))
    is_sheet = request.method == "POST" and request.POST.get("kind") == "sheet"
    form = IndexUploadForm(None if is_sheet else request.POST or None, None if is_sheet else request.FILES or None)
    sheet_form = IndexSheetForm(request.POST if is_sheet else None, request.FILES if is_sheet else None)
    if is_sheet and sheet_form.is_valid():
        upload = sheet_form.cleaned_data["sheet"]
        try:
            if upload.size > MAX_FILE_BYTES:
                raise ValidationError(_("Tệp bộ chỉ số vượt giới hạn 2 MB."))
            rows = sheet_rows(upload, mapping=sheet_form.mapping())
            index = index_load(user=request.user, data=rows_to_tree(rows, head=sheet_form.head()), province=province)
        except ValidationError as exc:
            sheet_form.add_error("sheet", " ".join(exc.messages))
        else:
            messages.success(request, _("Đã nạp %(i)s.") % {"i": index})
            return redirect("dti:index", pk=index.pk)
    if request.method == "POST" and not is_sheet and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_FILE_BYTES:
                raise ValidationError(_("Tệp bộ chỉ số vượt giới hạn 2 MB."))
            text = upload.read().decode("utf-8")
            index = index_load(user=request.user, data=parse_text(text, name=upload.name), province=province)
        except UnicodeDecodeError:
            form.add_error("file", _("Tệp phải là văn bản UTF-8 (YAML hoặc JSON)."))
        except ValidationError as exc:
            form.add_error("file", " ".join(exc.messages))
        else:
            messages.success(request, _("Đã nạp %(i)s.") % {"i": index})
            return redirect("dti:index", pk=index.pk)
    return render(request, "dti/load.html", {"form": form, "sheet_form": sheet_form, "province": province,
                                             "sheet_open": is_sheet})  # fmt: skip


@login_required
def index_detail(request, pk: int):
    index = get_object_or_404(selectors.indexes_for_user(request.user), pk=pk)
    criteria = list(index.criteria.select_related("indicator"))
    return render(request, "dti/index.html", {"index": index, "criteria": criteria,
                                              "total": selectors.tree_total(index)})  # fmt: skip


def _assessment(request, pk: int):
    try:
        return selectors.assessment_for_user(user=request.user, pk=pk)
    except selectors.Assessment.DoesNotExist:
        raise Http404 from None


@login_required
def assessment_detail(request, pk: int):
    assessment = _assessment(request, pk)
    user = request.user
    editing = assessment.status == AssessmentStatus.DRAFT and can_write_unit(user, assessment.commune)
    reviewing = assessment.status == AssessmentStatus.SUBMITTED and services.can_review(user, assessment.commune)
    rows = selectors.assessment_tree(assessment)
    for row in rows:
        row.form = None
        if row.score and editing and row.criterion.rule_kind in (RuleKind.MANUAL, RuleKind.FACT):
            row.form = SelfAssessForm(
                criterion=row.criterion,
                prefix=f"s{row.score.pk}",
                initial={"points": row.score.self_points, "fact": row.score.fact, "explanation": row.score.explanation},
            )
        elif row.score and reviewing:
            row.form = ReviewForm(prefix=f"r{row.score.pk}", initial={"decision": "accept"})
    position, position_count = selectors.commune_position(user=user, assessment=assessment)
    lost = selectors.lost_points(user=user, assessment=assessment)
    total = round(sum(r.earned for r in rows if r.criterion.parent_id is None), 2)
    return render(request, "dti/assessment.html", {
        "assessment": assessment, "rows": rows, "editing": editing, "reviewing": reviewing, "total": total,
        "position": position, "position_count": position_count, "lost": lost[:10],
        "changes": assessment.changes.select_related("criterion", "changed_by")[:100],
    })  # fmt: skip


@login_required
@require_POST
def score_self(request, pk: int):
    score = get_object_or_404(CriterionScore.objects.select_related("criterion", "assessment"), pk=pk)
    assessment = _assessment(request, score.assessment_id)
    form = SelfAssessForm(request.POST, request.FILES, criterion=score.criterion, prefix=f"s{score.pk}")
    try:
        if not form.is_valid():
            raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()])
        data = form.cleaned_data
        services.score_self_assess(user=request.user, score=score, points=data.get("points"),
                                   fact=data.get("fact") or "", explanation=data["explanation"],
                                   evidence=data["evidence"])  # fmt: skip
        messages.success(request, _("Đã lưu tự đánh giá tiêu chí %(c)s.") % {"c": score.criterion.code})
    except ValidationError as exc:
        messages.error(request, f"{score.criterion.code}: " + " ".join(exc.messages))
    return redirect(reverse("dti:assessment", args=[assessment.pk]) + f"#c-{score.criterion.code}")


@login_required
@require_POST
def score_review(request, pk: int):
    score = get_object_or_404(CriterionScore.objects.select_related("criterion", "assessment"), pk=pk)
    assessment = _assessment(request, score.assessment_id)
    form = ReviewForm(request.POST, prefix=f"r{score.pk}")
    try:
        if not form.is_valid():
            raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()])
        data = form.cleaned_data
        points = data["points"] if data["decision"] == "adjust" else None
        services.score_review(user=request.user, score=score, points=points, reason=data["reason"])
        messages.success(request, _("Đã thẩm định tiêu chí %(c)s.") % {"c": score.criterion.code})
    except ValidationError as exc:
        messages.error(request, f"{score.criterion.code}: " + " ".join(exc.messages))
    return redirect(reverse("dti:assessment", args=[assessment.pk]) + f"#c-{score.criterion.code}")


ACTIONS = {
    "submit": (services.assessment_submit, _("Đã gửi bản tự đánh giá lên tỉnh.")),
    "publish": (services.assessment_publish, _("Đã công bố kết quả.")),
    "refresh": (services.assessment_refresh, _("Đã tính lại điểm tự động từ số liệu của xã.")),
}


@login_required
@require_POST
def assessment_action(request, pk: int, action: str):
    assessment = _assessment(request, pk)
    if action not in ACTIONS:
        raise Http404
    service, done = ACTIONS[action]
    try:
        service(user=request.user, assessment=assessment)
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("dti:assessment", pk=assessment.pk)


@login_required
def ranking(request, pk: int, year: int):
    index = get_object_or_404(selectors.indexes_for_user(request.user), pk=pk)
    province = index.province or _province_of(request.user)
    if province is None or not can_read_unit(request.user, province):
        raise PermissionDenied(_("Bảng xếp hạng là của một tỉnh: hãy đăng nhập bằng tài khoản của tỉnh."))
    rows = selectors.ranking(user=request.user, index=index, year=year, province=province)
    pillars = selectors.pillars_of(index)
    fmt = request.GET.get("format", "")
    if fmt in ("docx", "xlsx"):
        make, mime = (ranking_docx, DOCX) if fmt == "docx" else (ranking_xlsx, XLSX)
        response = HttpResponse(make(province=province, index=index, year=year, rows=rows, pillars=pillars),
                                content_type=mime)  # fmt: skip
        response["Content-Disposition"] = f'attachment; filename="xep-hang-cds-{year}.{fmt}"'
        return response
    for row in rows:
        row.bars = [(p, row.pillars.get(p.code, 0.0), round(100 * row.pillars.get(p.code, 0.0) / p.points, 1)
                     if p.points else 0) for p in pillars]  # fmt: skip
    return render(request, "dti/ranking.html", {"index": index, "year": year, "province": province, "rows": rows,
                                                "pillars": pillars})  # fmt: skip
