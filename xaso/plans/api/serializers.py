from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xaso.core.api import VietnameseMessages
from xaso.core.limits import ID_MAX, ID_MIN, PLAN_YEAR_MAX, PLAN_YEAR_MIN, plan_date_validators
from xaso.indicators.models import Indicator
from xaso.plans.legal_bases import legal_bases_ordered
from xaso.plans.models import BudgetLine, CoveredUnit, LegalBasis, Plan, Target, Task, TaskUpdate
from xaso.plans.selectors import plans_for_user
from xaso.plans.status import UNKNOWN

NO_PLAN = _("Không có kế hoạch này trong phạm vi của bạn.")
NO_TARGET = _("Không có chỉ tiêu này trong phạm vi của bạn.")
NO_TASK = _("Không có nhiệm vụ này trong phạm vi của bạn.")


def _readable_plans(user):
    return plans_for_user(user)


def _readable_targets(user):
    return Target.objects.filter(plan__in=plans_for_user(user).values("id"))


def _readable_tasks(user):
    return Task.objects.filter(plan__in=plans_for_user(user).values("id"))


class ScopedRelations:
    """Serializer mixin: the rows a request body names (`plan`, `task`, `targets`) are looked up only among those the
    user may read, so an id outside the scope reads as one that does not exist (400) and confirms nothing. Whether
    the user may write them is the services' question, asked of the rows as stored."""

    #: field name → (the rows the user may read, the message for an id outside them)
    scoped: dict = {}

    def get_fields(self):
        fields = super().get_fields()  # type: ignore[misc]
        request = getattr(self, "context", {}).get("request")
        for name, (readable, missing) in self.scoped.items():
            field = fields[name]
            relation = getattr(field, "child_relation", field)
            model = relation.queryset.model
            relation.queryset = readable(request.user) if request is not None else model.objects.none()
            relation.error_messages["does_not_exist"] = missing
        return fields


class LegalBasesInRankOrder(serializers.ListSerializer):
    """A plan's bases in the order its page and its printed documents list them (`xaso.plans.legal_bases`): by the
    rank of the issuing body, then by date, never in the order they were stored."""

    def to_representation(self, data):
        bases = data.all() if hasattr(data, "all") else data
        return super().to_representation(legal_bases_ordered(bases))


class LegalBasisSerializer(VietnameseMessages, serializers.ModelSerializer):
    class Meta:
        model = LegalBasis
        fields = ["id", "number", "issued_on", "issuer", "title"]
        list_serializer_class = LegalBasesInRankOrder


class CoveredUnitSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(
        source="unit.name", read_only=True, help_text="Tên chính thức của đơn vị đã khớp."
    )
    name_in_source = serializers.CharField(
        read_only=True, help_text="Tên đơn vị như văn bản của kế hoạch ghi (rỗng: văn bản dùng tên chính thức)."
    )
    match = serializers.CharField(
        read_only=True,
        help_text="certain: tên trong văn bản khớp chắc chắn với đơn vị; uncertain: khớp chưa chắc chắn, cần "
        "đối chiếu.",
    )

    class Meta:
        model = CoveredUnit
        fields = ["unit", "unit_name", "name_in_source", "match"]


class PlanSerializer(VietnameseMessages, serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    legal_bases = LegalBasisSerializer(many=True, read_only=True)
    covered_units = CoveredUnitSerializer(
        source="covered_unit_links", many=True, read_only=True,
        help_text="Các xã thuộc phạm vi kế hoạch, theo thứ tự văn bản, kèm tên văn bản ghi và mức khớp.",
    )  # fmt: skip

    class Meta:
        model = Plan
        fields = [
            "id", "unit", "unit_name", "title", "year_from", "year_to", "status", "version", "supersedes",
            "previous_plan", "parent_plan", "legal_bases", "covered_units", "general_goal", "roadmap", "budget_text",
            "number", "issued_on", "signer_name", "signer_title", "evaluation", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "status", "version", "supersedes", "previous_plan", "parent_plan", "number", "issued_on", "signer_name",
            "signer_title", "evaluation",
        ]  # fmt: skip


class PlanCreateSerializer(VietnameseMessages, serializers.Serializer):
    mode = serializers.ChoiceField(choices=["template", "previous", "parent"], default="template")
    unit = serializers.CharField(help_text="Mã đơn vị (official code), ví dụ 26296.")
    year = serializers.IntegerField(min_value=PLAN_YEAR_MIN, max_value=PLAN_YEAR_MAX)
    source = serializers.IntegerField(
        required=False, min_value=ID_MIN, max_value=ID_MAX, help_text="Kế hoạch nguồn (id) cho mode previous/parent."
    )


class ApproveSerializer(VietnameseMessages, serializers.Serializer):
    number = serializers.CharField(max_length=40)
    issued_on = serializers.DateField(validators=plan_date_validators())
    signer_name = serializers.CharField(max_length=150)
    signer_title = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class CloseSerializer(VietnameseMessages, serializers.Serializer):
    evaluation = serializers.CharField()


class TargetSerializer(ScopedRelations, VietnameseMessages, serializers.ModelSerializer):
    scoped = {"plan": (_readable_plans, NO_PLAN)}
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all())
    status = serializers.SerializerMethodField()
    latest = serializers.SerializerMethodField(
        help_text="Số liệu mà chỉ tiêu được đánh giá theo (docs/rules/target-status.md); null: chưa có số liệu."
    )
    latest_period = serializers.SerializerMethodField(
        help_text="Kỳ của số liệu `latest`, ví dụ 2024: năm nay, không có thì năm trước; chỉ tiêu đã qua mốc "
        "(`horizon_year`): năm mốc, không có thì năm trước đó. null: chưa có số liệu."
    )

    class Meta:
        model = Target
        fields = [
            "id", "plan", "indicator", "comparator", "value", "horizon_year", "baseline_value", "baseline_date",
            "stated_text", "is_vague", "source", "carried_from", "latest", "latest_period", "status",
        ]  # fmt: skip
        read_only_fields = ["carried_from"]

    def _progress(self, obj):
        return self.context.get("progress", {}).get(obj.id)

    def get_status(self, obj) -> str | None:
        """null when there is no progress for the row or it could not be computed (a year stored out of range)."""
        p = self._progress(obj)
        return p.status.code if p and p.status.code != UNKNOWN else None

    def get_latest(self, obj) -> float | None:
        p = self._progress(obj)
        return p.latest if p else None

    def get_latest_period(self, obj) -> str | None:
        p = self._progress(obj)
        return p.period.code if p and p.period is not None else None


class TaskSerializer(ScopedRelations, VietnameseMessages, serializers.ModelSerializer):
    scoped = {"plan": (_readable_plans, NO_PLAN), "targets": (_readable_targets, NO_TARGET)}
    targets = serializers.PrimaryKeyRelatedField(many=True, queryset=Target.objects.all(), required=False)
    missing = serializers.SerializerMethodField(help_text="Các yêu cầu “6 rõ” còn thiếu.")

    class Meta:
        model = Task
        fields = [
            "id", "plan", "area", "item", "title", "person", "lead_unit", "coordinating_units", "timeframe_kind",
            "due_date", "start_date", "recurrence", "timeframe_text", "deliverable", "approver", "method",
            "expected_effect", "duration", "status", "targets", "missing",
        ]  # fmt: skip

    def get_missing(self, obj) -> list[str]:
        from xaso.plans.six import task_missing_six

        return task_missing_six(obj)


class TaskUpdateSerializer(ScopedRelations, VietnameseMessages, serializers.ModelSerializer):
    scoped = {"task": (_readable_tasks, NO_TASK)}

    class Meta:
        model = TaskUpdate
        fields = ["id", "task", "on", "percent_done", "text", "evidence", "created_at"]
        read_only_fields = ["created_at"]


class BudgetLineSerializer(ScopedRelations, VietnameseMessages, serializers.ModelSerializer):
    scoped = {"plan": (_readable_plans, NO_PLAN)}
    invest_total = serializers.IntegerField(read_only=True)
    running_total = serializers.IntegerField(read_only=True)
    alloc_total = serializers.IntegerField(read_only=True)

    class Meta:
        model = BudgetLine
        fields = [
            "id", "plan", "area", "item", "invest_equipment", "invest_socialised", "invest_rented",
            "running_maintenance", "running_rented", "alloc_province", "alloc_district", "alloc_commune", "alloc_self",
            "notes", "invest_total", "running_total", "alloc_total",
        ]  # fmt: skip
