"""Plans API: the same services and scoping as the screens. Writes on a plan outside the user's unit → 403;
plans outside the readable scope → 404; approved plans are read-only (400 with the reason)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from xaso.accounts.permissions import can_write_unit
from xaso.geo.models import AdminUnit
from xaso.plans import selectors, services
from xaso.plans.models import BudgetLine, CoveredUnit, Plan, Target, Task, TaskUpdate

from .serializers import (
    ApproveSerializer,
    BudgetLineSerializer,
    CloseSerializer,
    PlanCreateSerializer,
    PlanSerializer,
    TargetSerializer,
    TaskSerializer,
    TaskUpdateSerializer,
)


class PlanDiffSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())
    changed = serializers.ListField(child=serializers.CharField())


#: ids are positive 64-bit integers in every database
MAX_ID = 2**63 - 1
PLAN_FILTER = OpenApiParameter(
    "plan", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, description="Lọc theo kế hoạch (id)."
)
TASK_FILTER = OpenApiParameter(
    "task", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, description="Lọc theo nhiệm vụ (id)."
)


def _id_param(request, name: str) -> int | None:
    """An id filter from the query string: None when absent, else 400 unless it is an id (not 500, not ignored)."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        raise ValidationError({name: [_("Mã (id) phải là số nguyên dương.")]}, code="invalid")
    return int(raw)


class WritesStoredPlan(BasePermission):
    """A change to a plan or one of its rows needs the right to write the unit of the plan that owns it as stored.

    The row was looked up among those the user may read (what they cannot read is a 404), so a reader who may not
    write gets 403 before their body is even validated. The services check again, and also the plan's status and any
    plan the body names; this only puts the refusal first, in the same words."""

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        plan = obj if isinstance(obj, Plan) else obj.plan
        if not can_write_unit(request.user, plan.unit):
            raise PermissionDenied(
                _("Bạn không có quyền lập hoặc sửa kế hoạch của %(unit)s.") % {"unit": plan.unit.name}
            )
        return True


PLAN_PERMISSIONS = [IsAuthenticated, WritesStoredPlan]


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = PlanSerializer
    permission_classes = PLAN_PERMISSIONS

    def get_queryset(self):
        return (
            selectors.plans_for_user(self.request.user)
            .prefetch_related("legal_bases", Prefetch("covered_unit_links", CoveredUnit.objects.select_related("unit")))
            .order_by("-year_from", "id")
        )

    def perform_update(self, serializer):
        # the plan looked up in the user's scope, checked again by the service as stored (unit, status)
        services.plan_sections_save(user=self.request.user, plan=serializer.instance, **serializer.validated_data)

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanSerializer})
    def create(self, request):
        payload = PlanCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        d = payload.validated_data
        unit = AdminUnit.objects.for_user(request.user).filter(code=d["unit"]).first()
        if unit is None:
            raise ValidationError(
                {"unit": [_("Không có đơn vị “%(code)s” trong phạm vi của bạn.") % {"code": d["unit"]}]}
            )
        if d["mode"] == "template":
            plan = services.plan_create_from_template(user=request.user, unit=unit, year=d["year"])
        else:
            source = selectors.plan_sources_for(request.user).filter(pk=d.get("source")).first()
            if source is None:
                raise ValidationError({"source": [_("Chọn kế hoạch nguồn trong phạm vi của bạn.")]})
            if d["mode"] == "previous":
                plan = services.plan_create_from_previous(user=request.user, previous=source, year=d["year"])
            else:
                plan = services.plan_create_from_parent(user=request.user, parent=source, unit=unit, year=d["year"])
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def _transition(self, fn, payload_class=None):
        """The plan first (404 outside the read scope, 403 without the right to write it), then the body."""
        plan = self.get_object()
        kwargs = {}
        if payload_class is not None:
            payload = payload_class(data=self.request.data)
            payload.is_valid(raise_exception=True)
            kwargs = payload.validated_data
        plan = fn(plan=plan, user=self.request.user, **kwargs)
        return Response(PlanSerializer(plan).data)

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(services.plan_submit)

    @extend_schema(request=ApproveSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(services.plan_approve, ApproveSerializer)

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._transition(services.plan_start_execution)

    @extend_schema(request=CloseSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._transition(services.plan_close, CloseSerializer)

    @extend_schema(request=None, responses={201: PlanSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        plan = services.plan_new_version(plan=self.get_object(), user=request.user)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PlanDiffSerializer)
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        plan = self.get_object()
        if not plan.supersedes_id:
            raise ValidationError({"plan": [_("Kế hoạch này không có phiên bản trước.")]})
        old = get_object_or_404(self.get_queryset(), pk=plan.supersedes_id)
        d = selectors.plan_diff(old, plan)
        return Response({"added": d.added, "removed": d.removed, "changed": d.changed})


class _PlanChildViewSet(viewsets.ModelViewSet):
    """Children of a plan (targets, tasks, budget lines): readable in the plan's scope, written by services."""

    model: type = Target
    permission_classes = PLAN_PERMISSIONS

    def get_queryset(self):
        qs = self.model.objects.filter(plan__in=selectors.plans_for_user(self.request.user).values("id"))
        plan = _id_param(self.request, "plan")
        if plan is not None:
            qs = qs.filter(plan_id=plan)
        return qs.select_related("plan__unit")

    def _data(self, serializer) -> dict:
        """The validated body, without `plan`: the services take it apart, to check a new row's plan or to refuse
        moving a stored row to another plan (they authorise an existing row against the plan that owns it)."""
        data = dict(serializer.validated_data)
        data["plan"] = data.pop("plan", None)
        return data

    def perform_destroy(self, instance):
        services.plan_child_delete(user=self.request.user, obj=instance)


@extend_schema(parameters=[PLAN_FILTER])
class TargetViewSet(_PlanChildViewSet):
    model = Target
    serializer_class = TargetSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action in ("list", "retrieve"):
            targets = list(self.filter_queryset(self.get_queryset()).select_related("indicator", "plan__parent_plan"))
            progress = selectors.target_progress(user=self.request.user, targets=targets)
            context["progress"] = {p.target.id: p for p in progress}
        return context

    def perform_create(self, serializer):
        serializer.instance = services.target_save(user=self.request.user, **self._data(serializer))

    def perform_update(self, serializer):
        services.target_save(user=self.request.user, target=serializer.instance, **self._data(serializer))


@extend_schema(parameters=[PLAN_FILTER])
class TaskViewSet(_PlanChildViewSet):
    model = Task
    serializer_class = TaskSerializer

    def _save(self, serializer, task=None):
        data = self._data(serializer)
        targets = data.pop("targets", None)
        serializer.instance = services.task_save(user=self.request.user, task=task, targets=targets, **data)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, task=serializer.instance)


@extend_schema(parameters=[PLAN_FILTER])
class BudgetLineViewSet(_PlanChildViewSet):
    model = BudgetLine
    serializer_class = BudgetLineSerializer

    def _save(self, serializer, line=None):
        serializer.instance = services.budget_line_save(user=self.request.user, line=line, **self._data(serializer))

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, line=serializer.instance)


@extend_schema(parameters=[TASK_FILTER])
class TaskUpdateViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):  # fmt: skip
    serializer_class = TaskUpdateSerializer
    parser_classes = [JSONParser, MultiPartParser]  # an update may carry its evidence file (multipart)

    def get_queryset(self):
        plans = selectors.plans_for_user(self.request.user).values("id")
        qs = TaskUpdate.objects.filter(task__plan__in=plans)
        task = _id_param(self.request, "task")
        return qs if task is None else qs.filter(task_id=task)

    def perform_create(self, serializer):
        # `task` is looked up among the readable tasks (ScopedRelations); the service checks the right to write
        serializer.instance = services.task_update_add(user=self.request.user, **serializer.validated_data)
