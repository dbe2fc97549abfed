"""Census API (docs/decisions/0034-personal-data.md, 0012-api-contract.md).

- `households/` and `households/{uid}/`: the households whose names the user may see — a commune officer or leader:
  every village of the commune; a team member: their team's village. Anybody else (province and district analysts,
  administrators) gets 403 on the list and 404 on a household: for them the records do not exist. Every read is
  logged in the personal-data access log (a page of the list per village with its row count; a household by its id).
- `villages/?commune=`: aggregates per village for everyone who reads the commune, counts under 5 shown as "<5" to
  whoever may not see the village's names; never a name.
- `submissions/`: the offline form's batch of records, written as its sync endpoint writes them
  (`xaso.census.offline.records_submit`, each record through `household_submit`, idempotent by `client_id`), for a
  client with a token.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from xaso.accounts.permissions import can_read_unit
from xaso.core.api import ErrorSerializer
from xaso.geo.models import AdminUnit, Level
from xaso.privacy.models import AccessAction
from xaso.privacy.services import log_access, suppress_small

from .. import questions as q
from ..figures import village_counts
from ..models import Household, VillageCensus
from ..offline import SYNC_BATCH_MAX, census_villages, records_submit
from ..permissions import can_see_names, name_village_ids
from ..selectors import household_for_user, households_for_user
from .serializers import (
    HouseholdDetailSerializer,
    HouseholdListSerializer,
    HouseholdQuerySerializer,
    SubmissionBatchResultSerializer,
    SubmissionBatchSerializer,
    VillageFiguresQuerySerializer,
    VillageFiguresSerializer,
)

TAG = ["census"]
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def _query(serializer_class, request) -> dict:
    serializer = serializer_class(data={key: request.query_params.get(key) for key in request.query_params})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _no_names(user) -> bool:
    ids = name_village_ids(user)
    return ids is not None and not ids


class HouseholdListApi(GenericAPIView):
    serializer_class = HouseholdListSerializer
    queryset = Household.objects.none()  # for the schema only: `get` reads through the scoped selector

    @extend_schema(
        tags=TAG,
        summary="Danh sách hộ trong phạm vi (công chức xã; thành viên tổ: thôn của tổ) — mỗi lần đọc được ghi nhật ký",
        parameters=[HouseholdQuerySerializer],
        responses={200: HouseholdListSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        user = request.user
        if _no_names(user):
            raise PermissionDenied(
                _("Tài khoản này chỉ xem số liệu tổng hợp của điều tra hộ, không xem danh sách hộ."), code="no_names"
            )
        params = _query(HouseholdQuerySerializer, request)
        village = None
        if params.get("village"):
            village = AdminUnit.objects.filter(code=params["village"], level=Level.VILLAGE).first()
            if village is None or not can_see_names(user, village):
                raise ValidationError(
                    {"village": [_("Không có thôn, ấp mã “%(c)s” trong phạm vi của bạn.") % {"c": params["village"]}]},
                    code="out_of_scope",
                )
        households = households_for_user(user, village).order_by("village__path", "head_name", "id")
        page = self.paginate_queryset(households)
        by_village: dict[int, tuple[AdminUnit, int]] = {}
        for household in page:
            unit, n = by_village.get(household.village_id, (household.village, 0))
            by_village[household.village_id] = (unit, n + 1)
        for unit, n in by_village.values():  # the page's personal data, logged per village before it is sent
            log_access(user=user, action=AccessAction.LIST, subject_type="household", unit=unit, count=n,
                       reason=_("API: danh sách hộ"))  # fmt: skip
        return self.get_paginated_response(HouseholdListSerializer(page, many=True).data)


class HouseholdDetailApi(GenericAPIView):
    serializer_class = HouseholdDetailSerializer

    @extend_schema(
        tags=TAG,
        summary="Một hộ với các nhân khẩu (công chức xã; thành viên tổ của thôn) — lần đọc được ghi nhật ký",
        parameters=[OpenApiParameter("uid", str, OpenApiParameter.PATH, description="Mã hộ (UUID).")],
        responses={200: HouseholdDetailSerializer, **ERRORS},
    )
    def get(self, request, uid):
        household = household_for_user(request.user, uid, reason=_("API: xem một hộ"))
        if household is None:  # unknown, or not the user's to see: the same answer
            raise NotFound(_("Không có hộ mã “%(uid)s”.") % {"uid": uid})
        return Response(HouseholdDetailSerializer(household).data)


class VillageFiguresApi(GenericAPIView):
    serializer_class = VillageFiguresSerializer
    queryset = VillageCensus.objects.none()  # for the schema only: `get` reads through the scoped counts
    pagination_class = None

    @extend_schema(
        tags=TAG,
        summary="Số liệu điều tra hộ theo thôn của một xã (số dưới 5 hiện “<5” với người không được xem tên)",
        parameters=[VillageFiguresQuerySerializer],
        responses={200: VillageFiguresSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        params = _query(VillageFiguresQuerySerializer, request)
        commune = AdminUnit.objects.filter(code=params["commune"], level=Level.COMMUNE).first()
        if commune is None:
            raise ValidationError(
                {"commune": [_("Không có xã mã “%(c)s”.") % {"c": params["commune"]}]}, code="unknown_unit"
            )
        if not can_read_unit(request.user, commune):
            raise PermissionDenied(_("Ngoài phạm vi của bạn: %(u)s.") % {"u": commune.name}, code="out_of_scope")
        year = params.get("year") or timezone.localdate().year
        villages = list(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("path"))
        counts = village_counts([v.id for v in villages], year)
        complete = set(
            VillageCensus.objects.filter(village__in=villages, year=year, completed_at__isnull=False).values_list(
                "village_id", flat=True
            )
        )
        rows = []
        for village in villages:
            names = can_see_names(request.user, village)
            shown = (lambda n: n) if names else suppress_small
            figures = {code: shown(n) for code, n in counts[village.id].items()}
            rows.append({
                "code": village.code, "name": village.name, "households": figures["households_total"],
                "people": figures["population_total"], "complete": village.id in complete, "suppressed": not names,
                "figures": {code: figures[code] for code in q.counted_elements()},
            })  # fmt: skip
        return Response(VillageFiguresSerializer(rows, many=True).data)


class SubmissionApi(GenericAPIView):
    serializer_class = SubmissionBatchSerializer

    @extend_schema(
        tags=TAG,
        summary="Gửi một lô phiếu hộ (như ứng dụng ngoại tuyến đồng bộ): mỗi phiếu ghi riêng, gửi lại không trùng",
        request=SubmissionBatchSerializer,
        responses={200: SubmissionBatchResultSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def post(self, request):
        villages = census_villages(request.user)
        if not villages:
            raise PermissionDenied(_("Tài khoản này không được gửi phiếu điều tra."), code="permission_denied")
        payload = SubmissionBatchSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        records = payload.validated_data["records"]
        if len(records) > SYNC_BATCH_MAX:
            message = _("Mỗi lần gửi từ 1 đến %(max)s hộ; gói này có %(n)s hộ.") % {
                "max": SYNC_BATCH_MAX,
                "n": len(records),
            }
            raise ValidationError({"records": [message]}, code="size")
        return Response({"results": records_submit(request.user, villages, records)})
