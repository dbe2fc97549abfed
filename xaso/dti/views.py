"""Screens of the commune index: the commune's self-assessment, the province's review and the ranking."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xaso.accounts.permissions import can_read_unit, can_write_unit
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import Indicator

from . import builder, selectors, services
from .exports import ranking_docx, ranking_xlsx
from .forms import (
    DecisionFileForm,
    DraftHeadForm,
    IndexSheetForm,
    IndexUploadForm,
    NodeForm,
    ReturnForm,
    ReviewForm,
    SelfAssessForm,
    StartForm,
)
from .loader import MAX_FILE_BYTES, can_issue_for, index_load, parse_text, rows_to_tree, sheet_rows
from .models import AssessmentStatus, CriterionScore, IndexDraft, RuleKind

CHART_COMMUNES = 40  # the ranking's bar chart shows the first 40 communes; its table lists them all
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _province_of(user) -> AdminUnit | None:
    if user.unit_id is None:
        return None
    return user.unit if user.unit.level == Level.PROVINCE else user.unit.province


@login_required
def home(request):
    user = request.user
    indexes = list(selectors.indexes_marked_superseded(user))
    commune = user.unit if user.unit_id and user.unit.level == Level.COMMUNE else None
    start = StartForm(indexes=selectors.indexes_to_start(user)) if commune and can_write_unit(user, commune) else None
    assessments = selectors.assessments_for_user(user)[:200]
    province = _province_of(user)
    can_rank = province is not None and user.unit_id == province.id
    years = selectors.published_years(user) if can_rank else {}
    for index in indexes:
        index.ranked_years = years.get(index.pk, [])
    can_load = province is not None and user.unit_id == province.id and can_issue_for(user, province)
    drafts = list(IndexDraft.objects.filter(province=province, issued__isnull=True)[:50]) if can_load else []
    return render(request, "dti/home.html", {
        "indexes": indexes, "start_form": start, "assessments": assessments, "commune": commune,
        "province": province, "can_load": can_load, "drafts": drafts,
    })  # fmt: skip


@login_required
@require_POST
def assessment_start(request):
    user = request.user
    commune = user.unit if user.unit_id and user.unit.level == Level.COMMUNE else None
    form = StartForm(request.POST, indexes=selectors.indexes_to_start(user))
    if commune is None or not form.is_valid():
        problems = [m for field in ("index", "year") for m in form.errors.get(field, [])] if commune else []
        messages.error(request, " ".join(problems) or _("Chọn bộ chỉ số và năm đánh giá (từ 2020 đến 2100)."))
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
    province = _province_of(request.user)
    can_build = province is not None and request.user.unit_id == province.id and can_issue_for(request.user, province)
    return render(request, "dti/index.html", {
        "index": index, "criteria": criteria, "total": selectors.tree_total(index), "can_build": can_build,
        "can_attach": can_build and index.province_id == province.id, "file_form": DecisionFileForm(prefix="f"),
    })  # fmt: skip


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
    pillars, averaged, average_withheld = selectors.pillar_comparison(user=user, assessment=assessment, tree=rows)
    chart = _pillar_chart(pillars, assessment.commune.name, averaged)
    total = round(sum(r.earned for r in rows if r.criterion.parent_id is None), 2)
    return render(request, "dti/assessment.html", {
        "assessment": assessment, "rows": rows, "editing": editing, "reviewing": reviewing, "total": total,
        "position": position, "position_count": position_count, "lost": lost[:10],
        "changes": assessment.changes.select_related("criterion", "changed_by")[:100],
        "return_form": ReturnForm() if reviewing else None,
        "pillars": pillars, "averaged": averaged, "average_withheld": average_withheld, "chart": chart,
    })  # fmt: skip


def _pillar_chart(pillars, commune_name: str, averaged: int) -> dict:
    """Radar and bars of the commune's share of each pillar's points, beside the province's average."""
    series = [{"label": commune_name, "data": [p.commune_share for p in pillars]}]
    if averaged:
        label = _("Trung bình tỉnh (%(n)s xã, phường đã công bố)") % {"n": averaged}
        series.append({"label": label, "data": [p.average_share for p in pillars]})
    return {"labels": [p.name for p in pillars], "series": series, "percent": True, "max": 100}


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
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:  # as the API: a year no assessment can have
        raise Http404
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
    average, averaged = selectors.province_pillar_average(index, year, province) if rows else ({}, 0)
    compare = [selectors.PillarCompare(code=p.code, name=p.name, points=p.points, commune=None,
                                       average=average.get(p.code)) for p in pillars]  # fmt: skip
    radar = {"labels": [p.name for p in pillars], "percent": True, "max": 100,
             "series": [{"label": _("Trung bình tỉnh"), "data": [c.average_share for c in compare]}]}  # fmt: skip
    if rows:
        first = rows[0]
        radar["series"].append({"label": _("Hạng 1: %(c)s") % {"c": first.commune_name},
                                "data": [b[2] for b in first.bars]})  # fmt: skip
    shown = rows[:CHART_COMMUNES]
    series = [{"label": p.name, "data": [r.pillars.get(p.code, 0.0) for r in shown]} for p in pillars]
    labels = [f"{r.rank}. {r.commune_name}" for r in shown]
    stacked = {"labels": labels, "percent": False, "max": index.total_points, "series": series}
    return render(request, "dti/ranking.html", {
        "index": index, "year": year, "province": province, "rows": rows, "pillars": pillars, "compare": compare,
        "averaged": averaged, "radar": radar, "stacked": stacked, "shown": len(shown),
    })  # fmt: skip


# --- building an index on screen (xaso/dti/builder.py) ----------------------------------------------------------


def _builder_province(user) -> AdminUnit:
    province = _province_of(user)
    if province is None or not can_issue_for(user, province) or user.unit_id != province.id:
        raise PermissionDenied(_("Chỉ chuyên viên của tỉnh được soạn và ban hành bộ chỉ số của tỉnh."))
    return province


def _draft(request, pk: int) -> IndexDraft:
    province = _builder_province(request.user)
    return get_object_or_404(IndexDraft.objects.select_related("province", "issued"), pk=pk, province=province)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def draft_new(request):
    province = _builder_province(request.user)
    form = DraftHeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        draft = builder.draft_create(user=request.user, province=province, head=form.cleaned_data)
        messages.success(request, _("Đã tạo bộ chỉ số nháp; thêm các trụ cột và tiêu chí."))
        return redirect("dti:draft", pk=draft.pk)
    return render(request, "dti/draft_new.html", {"form": form, "province": province})


def _builder_context(draft: IndexDraft, *, node_form=None, head_form=None, file_form=None) -> dict:
    summary = builder.draft_summary(draft)
    groups = [(r.node.get("code", ""), f"{'— ' * r.depth}{r.node.get('code')}. {r.node.get('name', '')}"[:120])
              for r in summary.rows if r.is_group]  # fmt: skip
    indicators = list(Indicator.objects.order_by("name", "code").values_list("code", "name"))
    names = dict(indicators)
    for row in summary.rows:
        row.indicator_name = names.get((row.node.get("rule") or {}).get("indicator"), "")
    indicators = [(code, f"{name} ({code})"[:160]) for code, name in indicators]
    head = draft.data.get("index") or {}
    try:
        decision_date = dt.date.fromisoformat(str((head.get("decision") or {}).get("date")))
    except ValueError:
        decision_date = None
    return {
        "decision_date": decision_date,
        "draft": draft, "summary": summary, "head": draft.data.get("index") or {},
        "node_form": node_form or NodeForm(groups=groups, indicators=indicators, prefix="n"),
        "head_form": head_form or DraftHeadForm(initial=DraftHeadForm.initial_from(draft.data), prefix="h"),
        "file_form": file_form or DecisionFileForm(prefix="f"), "groups": groups, "indicators": indicators,
    }  # fmt: skip


@login_required
def draft_detail(request, pk: int):
    draft = _draft(request, pk)
    context = _builder_context(draft)
    edit, parent = request.GET.get("edit", "")[:40], request.GET.get("parent", "")[:40]
    if not draft.issued_id and (edit or parent):
        row = next((r for r in context["summary"].rows if r.node.get("code") == edit), None)
        initial = NodeForm.initial_from(row.node, row.parent_code) if row else {"parent": parent}
        context["node_form"] = NodeForm(initial=initial, groups=context["groups"],
                                        indicators=context["indicators"], prefix="n")  # fmt: skip
        context["editing_code"] = edit if row else ""
        context["editing_row"] = row
    return render(request, "dti/draft.html", context)


@login_required
@require_POST
def draft_node(request, pk: int):
    draft = _draft(request, pk)
    context = _builder_context(draft)
    form = NodeForm(request.POST, groups=context["groups"], indicators=context["indicators"], prefix="n")
    if form.is_valid():
        try:
            node = builder.draft_node_save(user=request.user, draft=draft, node=form.node(),
                                           parent_code=form.cleaned_data["parent"],
                                           original_code=form.cleaned_data["original"])  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Đã lưu tiêu chí %(c)s.") % {"c": node["code"]})
            return redirect(reverse("dti:draft", args=[draft.pk]) + f"#n-{node['code']}")
    context["node_form"] = form
    context["editing_code"] = request.POST.get("n-original", "")[:40]
    return render(request, "dti/draft.html", context, status=400)


@login_required
@require_POST
def draft_node_delete(request, pk: int):
    draft = _draft(request, pk)
    try:
        count = builder.draft_node_delete(user=request.user, draft=draft, code=request.POST.get("code", "")[:40])
        messages.success(request, _("Đã xóa %(n)s tiêu chí.") % {"n": count})
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("dti:draft", pk=draft.pk)


@login_required
@require_POST
def draft_head(request, pk: int):
    draft = _draft(request, pk)
    form = DraftHeadForm(request.POST, prefix="h")
    if form.is_valid():
        try:
            builder.draft_head_save(user=request.user, draft=draft, head=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Đã lưu thông tin quyết định."))
            return redirect("dti:draft", pk=draft.pk)
    return render(request, "dti/draft.html", _builder_context(draft, head_form=form), status=400)


@login_required
@require_POST
def draft_decision(request, pk: int):
    draft = _draft(request, pk)
    form = DecisionFileForm(request.POST, request.FILES, prefix="f")
    if form.is_valid():
        try:
            builder.draft_decision_attach(user=request.user, draft=draft, upload=form.cleaned_data["decision_file"])
        except ValidationError as exc:
            form.add_error("decision_file", _errors(exc))
        else:
            messages.success(request, _("Đã đính kèm tệp quyết định."))
            return redirect("dti:draft", pk=draft.pk)
    return render(request, "dti/draft.html", _builder_context(draft, file_form=form), status=400)


@login_required
@require_POST
def draft_issue(request, pk: int):
    draft = _draft(request, pk)
    try:
        index = builder.draft_issue(user=request.user, draft=draft)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("dti:draft", pk=draft.pk)
    messages.success(request, _("Đã ban hành %(i)s.") % {"i": index})
    return redirect("dti:index", pk=index.pk)


@login_required
@require_POST
def draft_discard(request, pk: int):
    draft = _draft(request, pk)
    try:
        builder.draft_discard(user=request.user, draft=draft)
        messages.success(request, _("Đã xóa bộ chỉ số nháp."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("dti:draft", pk=draft.pk)
    return redirect("dti:home")


@login_required
@require_POST
def index_copy(request, pk: int):
    province = _builder_province(request.user)
    index = get_object_or_404(selectors.indexes_for_user(request.user), pk=pk)
    draft = builder.draft_copy(user=request.user, index=index, province=province)
    messages.success(request, _("Đã sao chép thành bộ chỉ số nháp: sửa rồi ban hành thành phiên bản mới."))
    return redirect("dti:draft", pk=draft.pk)


@login_required
@require_POST
def index_decision(request, pk: int):
    _builder_province(request.user)
    index = get_object_or_404(selectors.indexes_for_user(request.user), pk=pk)
    form = DecisionFileForm(request.POST, request.FILES, prefix="f")
    try:
        if not form.is_valid():
            raise ValidationError(_("Chọn tệp quyết định."))
        builder.index_decision_attach(user=request.user, index=index, upload=form.cleaned_data["decision_file"])
        messages.success(request, _("Đã đính kèm tệp quyết định."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("dti:index", pk=index.pk)


@login_required
@require_POST
def assessment_return(request, pk: int):
    assessment = _assessment(request, pk)
    try:
        reason = request.POST.get("reason", "")[:5000]
        services.assessment_return(user=request.user, assessment=assessment, reason=reason)
        messages.success(request, _("Đã trả lại bản đánh giá để xã bổ sung."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("dti:assessment", pk=assessment.pk)
