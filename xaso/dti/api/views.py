"""The commune index API, read-only, through the same selectors and scoping as the screens: index versions the user
works with (the shared example and their province's), a province's ranking (its readers only), a commune's
assessment (readers of the commune). What the user may not read is a 404; a ranking of a province the user does not
read is a 403, as on the screen."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from xaso.dti import selectors
from xaso.dti.models import Assessment, Criterion, IndexVersion
from xaso.dti.services import MAX_YEAR, MIN_YEAR
from xaso.geo.models import Level

from .serializers import (
    AssessmentDetailSerializer,
    AssessmentSerializer,
    IndexTreeSerializer,
    IndexVersionSerializer,
    RankingSerializer,
)

YEAR = OpenApiParameter("year", {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}, OpenApiParameter.PATH,
                        description="Năm đánh giá.")  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="Các bộ chỉ số chuyển đổi số (dùng chung và của tỉnh bạn)"),
    retrieve=extend_schema(summary="Một phiên bản bộ chỉ số với cây tiêu chí", responses={200: IndexTreeSerializer}),
)
class IndexVersionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndexVersionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IndexVersion.objects.none()
        return selectors.indexes_for_user(self.request.user).order_by("code", "-version", "id")

    def get_serializer_class(self):
        return IndexTreeSerializer if self.action == "retrieve" else IndexVersionSerializer

    def retrieve(self, request, *args, **kwargs):
        index = self.get_object()
        codes = dict(index.criteria.values_list("id", "code"))
        tree = list(index.criteria.select_related("indicator").order_by("sort_order"))
        for c in tree:
            c.parent_code = codes.get(c.parent_id)
        index.tree = [_row(c) for c in tree]
        return Response(IndexTreeSerializer(index).data)

    @extend_schema(summary="Xếp hạng chuyển đổi số các xã của tỉnh trong một năm", parameters=[YEAR],
                   responses={200: RankingSerializer})  # fmt: skip
    @action(detail=True, methods=["get"], url_path=r"ranking/(?P<year>\d{1,4})", pagination_class=None)
    def ranking(self, request, pk=None, year=None):
        index = self.get_object()
        year = int(year)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationError(
                {"year": [_("Năm đánh giá phải từ %(a)s đến %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}]}
            )
        user = request.user
        province = index.province
        if province is None and user.unit_id is not None:
            province = user.unit if user.unit.level == Level.PROVINCE else user.unit.province
        if province is None:
            raise PermissionDenied(_("Bảng xếp hạng là của một tỉnh: hãy đăng nhập bằng tài khoản của tỉnh."))
        try:
            rows = selectors.ranking(user=user, index=index, year=year, province=province)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        pillars = selectors.pillars_of(index)
        data = {
            "index": index, "province": province, "year": year,
            "pillars": [{"code": p.code, "name": p.name, "points": p.points} for p in pillars],
            "rows": [{"rank": r.rank, "commune": {"code": r.commune_code, "name": r.commune_name}, "total": r.total,
                      "previous_total": r.previous_total, "change": r.change, "completed": r.completed,
                      "pillars": r.pillars} for r in rows],
        }  # fmt: skip
        return Response(RankingSerializer(data).data)


def _row(c: Criterion) -> dict:
    return {"code": c.code, "name": c.name, "parent": c.parent_code, "depth": c.depth, "points": c.points,
            "factor": c.factor, "rule_kind": c.rule_kind, "indicator": c.indicator.code if c.indicator_id else None,
            "params": c.params, "is_mandatory": c.is_mandatory, "pass_share": c.pass_share,
            "guidance": c.guidance}  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="Các bản đánh giá chỉ số chuyển đổi số trong phạm vi của bạn"),
    retrieve=extend_schema(
        summary="Một bản đánh giá: điểm từng tiêu chí, theo trụ cột, xếp hạng",
        responses={200: AssessmentDetailSerializer},
    ),  # fmt: skip
)
class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssessmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assessment.objects.none()
        return selectors.assessments_for_user(self.request.user).order_by("-year", "commune__name", "id")

    def retrieve(self, request, *args, **kwargs):
        assessment = self.get_object()
        summary = selectors.assessment_summary(user=request.user, assessment=assessment)
        return Response(AssessmentDetailSerializer(summary).data)
