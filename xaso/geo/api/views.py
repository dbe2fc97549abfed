"""Administrative units: read within the user's subtree, addressed by official code; villages added by communes."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from xaso.core.api import ErrorSerializer
from xaso.geo.filters import UnitFilter
from xaso.geo.models import AdminUnit
from xaso.geo.services import village_create

from .lookups import check_units_readable, units_readable
from .serializers import UnitDetailSerializer, UnitSerializer, VillageCreateSerializer

CODE = OpenApiParameter(
    "code", str, OpenApiParameter.PATH, description="Mã đơn vị, ví dụ 26296; đơn vị trước 2025: legacy:16150."
)


@extend_schema_view(
    list=extend_schema(summary="Các đơn vị hành chính trong phạm vi của bạn"),
    retrieve=extend_schema(
        summary="Một đơn vị: cấp trên, đường dẫn, đơn vị kế thừa/tiền thân",
        parameters=[CODE],
        responses={200: UnitDetailSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    ),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"  # legacy codes hold a colon: legacy:16150

    def get_queryset(self):
        return units_readable(self.request.user).select_related("parent")

    def get_serializer_class(self):
        return UnitDetailSerializer if self.action == "retrieve" else UnitSerializer

    def get_object(self) -> AdminUnit:
        """Unknown code → 404; a unit outside the user's subtree → 403 (official codes are public)."""
        code = self.kwargs["code"]
        unit = (
            AdminUnit.objects.select_related("parent")
            .prefetch_related("successions__new_unit", "predecessions__old_unit")
            .filter(code=code)
            .first()
        )
        if unit is None:
            raise NotFound(_("Không có đơn vị hành chính mã “%(code)s”.") % {"code": code})
        check_units_readable(self.request.user, [unit])
        return unit

    @extend_schema(
        summary="Thêm thôn/ấp cho một xã (công chức, lãnh đạo xã)",
        parameters=[CODE],
        request=VillageCreateSerializer,
        responses={201: UnitSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def villages(self, request, code=None):
        commune = self.get_object()
        payload = VillageCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        village = village_create(commune=commune, user=request.user, **payload.validated_data)
        return Response(UnitSerializer(village).data, status=status.HTTP_201_CREATED)
