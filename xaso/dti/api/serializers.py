"""What the index API returns: an index version with its criteria (a tree, depth first, each with its parent's code),
a province's ranking of a year, a commune's assessment. Read-only."""

from __future__ import annotations

from rest_framework import serializers

from xaso.dti.models import Assessment, Criterion, IndexVersion


class IndexVersionSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code", allow_null=True, default=None)

    class Meta:
        model = IndexVersion
        fields = ["id", "province", "code", "version", "title", "decision_number", "decision_date", "issuer",
                  "is_example", "total_points", "completion_min_points"]  # fmt: skip


class CriterionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(allow_null=True, help_text="Mã tiêu chí cha; null với trụ cột.")
    indicator = serializers.CharField(allow_null=True, help_text="Mã chỉ số trong danh mục (chấm tự động).")
    params = serializers.DictField(help_text="Ngưỡng, min/max hoặc các phương án của cách chấm.")

    class Meta:
        model = Criterion
        fields = ["code", "name", "parent", "depth", "points", "factor", "rule_kind", "indicator", "params",
                  "is_mandatory", "pass_share", "guidance"]  # fmt: skip


class IndexTreeSerializer(IndexVersionSerializer):
    criteria = serializers.SerializerMethodField()

    class Meta(IndexVersionSerializer.Meta):
        fields = [*IndexVersionSerializer.Meta.fields, "note", "criteria"]

    def get_criteria(self, index) -> list[dict]:  # the serializer's schema is declared in the view
        return CriterionSerializer(index.tree, many=True).data


class PillarSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    points = serializers.FloatField()


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RankRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    commune = UnitRefSerializer()
    total = serializers.FloatField()
    previous_total = serializers.FloatField(allow_null=True, help_text="Tổng điểm năm trước (null: chưa công bố).")
    change = serializers.FloatField(allow_null=True)
    completed = serializers.BooleanField(help_text="Đã hoàn thành chuyển đổi số.")
    pillars = serializers.DictField(child=serializers.FloatField(), help_text="Điểm theo mã trụ cột.")


class RankingSerializer(serializers.Serializer):
    index = IndexVersionSerializer()
    province = UnitRefSerializer()
    year = serializers.IntegerField()
    pillars = PillarSerializer(many=True)
    rows = RankRowSerializer(many=True)


class ScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    pillar = serializers.CharField()
    rule_kind = serializers.CharField()
    max_points = serializers.FloatField()
    points = serializers.FloatField(help_text="Điểm được tính (sau thẩm định của tỉnh).")
    earned = serializers.FloatField(help_text="Điểm đóng góp vào tổng (điểm × tỷ lệ của nhóm).")
    self_points = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True, help_text="Giá trị chỉ số của xã (chấm tự động).")
    fact = serializers.CharField(allow_blank=True)
    explanation = serializers.CharField(allow_blank=True)
    has_evidence = serializers.BooleanField()
    review_status = serializers.CharField(help_text="pending, accepted hoặc adjusted (tỉnh điều chỉnh).")
    review_reason = serializers.CharField(allow_blank=True)


class PositionSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    ranked = serializers.IntegerField()
    change = serializers.FloatField(allow_null=True)
    completed = serializers.BooleanField()


class AssessmentSerializer(serializers.ModelSerializer):
    commune = UnitRefSerializer()
    index = serializers.IntegerField(source="index_id")
    status = serializers.CharField(help_text="draft (xã đang tự đánh giá), submitted (đã gửi tỉnh), published.")

    class Meta:
        model = Assessment
        fields = ["id", "index", "commune", "year", "status", "submitted_at", "published_at"]


class AssessmentDetailSerializer(AssessmentSerializer):
    total = serializers.FloatField()
    return_reason = serializers.CharField(allow_blank=True)
    pillars = serializers.DictField(child=serializers.FloatField(), help_text="Điểm theo mã trụ cột.")
    position = PositionSerializer(allow_null=True, help_text="Xếp hạng trong tỉnh (khi đã công bố).")
    scores = ScoreSerializer(many=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "total", "return_reason", "pillars", "position", "scores"]
