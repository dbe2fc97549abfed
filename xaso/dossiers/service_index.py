"""The national service index for citizens and businesses (Bộ chỉ số phục vụ người dân, doanh nghiệp, Decision
766/QĐ-TTg of 23/6/2022) as far as the dossier register can score it (docs/decisions/0055-service-index-766.md).

Five groups with the points the decision gives them (18 + 20 + 22 + 22 + 18 = 100). Under each, the sub-criteria of
the national system's published formula description, numbered as there. Six can be scored from the counts the
register already writes into the catalog (data elements with the register as source); the rest need the national
procedure database, the portal's synchronisation or the national feedback system and are shown as "not measured
by xaso". A scored sub-criterion earns `points × min(1, rate / full_at)`: full points from `full_at` (80 % or 50 %
where the description states it), linearly below; with no threshold stated, `full_at` is 100 %.

The points of each sub-criterion are not stated by any text we could read: they are provisional (the group's points
shared equally among its scored sub-criteria) and the screens say so. The group totals are confirmed.

Everything is computed at read from the commune rollups of the register's monthly counts (`ElementRollup`: the
month, quarter or year row, the sum of its months), the rate a sum over a sum, for one commune or for every commune
of a province in one query.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.accounts.permissions import can_read_unit
from xaso.core.periods import MONTH, PeriodSpec
from xaso.geo.models import AdminUnit
from xaso.indicators.models import ElementRollup

#: the national portal's published formula description (ids, names, thresholds), see the decision record
SOURCE = "766/QĐ-TTg"


@dataclass(frozen=True)
class SubCriterion:
    code: str  # as numbered in the national formula description: "2.1", "4.3"
    name: str
    #: provisional points (None: not scored in the index, shown for reference)
    points: float | None = None
    #: counted from the register: (numerator element, denominator element); None: not measured by xaso
    ratio: tuple[str, str] | None = None
    #: the rate (0–1) from which the sub-criterion earns its full points
    full_at: float = 1.0
    #: why xaso does not measure it (the source that holds the data)
    elsewhere: str = ""


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    points: int
    criteria: tuple[SubCriterion, ...]

    @property
    def measured(self) -> bool:
        return any(c.ratio for c in self.criteria)


_PROCEDURE_DB = gettext_lazy("Cơ sở dữ liệu quốc gia về thủ tục hành chính")
_PORTAL = gettext_lazy("Cổng Dịch vụ công quốc gia (dữ liệu đồng bộ hồ sơ)")
_FEEDBACK_SYSTEM = gettext_lazy("Hệ thống tiếp nhận phản ánh, kiến nghị trên Cổng Dịch vụ công quốc gia")

GROUPS: tuple[Group, ...] = (
    Group("public", gettext_lazy("Công khai, minh bạch"), 18, (
        SubCriterion("1.1", gettext_lazy("Tỷ lệ thủ tục hành chính công bố đúng hạn"), 4.5, elsewhere=_PROCEDURE_DB),
        SubCriterion("1.2", gettext_lazy("Tỷ lệ thủ tục hành chính được cập nhật, công khai đúng hạn"), 4.5,
                     elsewhere=_PROCEDURE_DB),
        SubCriterion("1.3", gettext_lazy("Tỷ lệ thủ tục hành chính công khai đầy đủ các bộ phận tạo thành"), 4.5,
                     elsewhere=_PROCEDURE_DB),
        SubCriterion("1.4", gettext_lazy("Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"), 4.5, elsewhere=_PORTAL),
    )),
    Group("progress", gettext_lazy("Tiến độ, kết quả giải quyết"), 20, (
        SubCriterion("2.1", gettext_lazy("Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"), 20,
                     ("dossiers_resolved_on_time", "dossiers_resolved")),
        SubCriterion("2.2", gettext_lazy("Thời gian giải quyết trung bình theo từng thủ tục (tham khảo)"),
                     elsewhere=_PORTAL),
    )),
    Group("online", gettext_lazy("Cung cấp dịch vụ trực tuyến"), 22, (
        SubCriterion("3.1", gettext_lazy("Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến"), 4.4,
                     elsewhere=_PROCEDURE_DB),
        SubCriterion("3.2", gettext_lazy("Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ"), 4.4, elsewhere=_PORTAL),
        SubCriterion("3.3", gettext_lazy("Tỷ lệ hồ sơ nộp trực tuyến"), 4.4,
                     ("dossiers_online", "dossiers_received_total"), full_at=0.5),
        SubCriterion("3.5", gettext_lazy("Tỷ lệ thủ tục có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến"),
                     4.4, elsewhere=_PROCEDURE_DB),
        SubCriterion("3.6", gettext_lazy("Tỷ lệ hồ sơ thanh toán trực tuyến"), 4.4,
                     ("fee_payments_cashless", "fee_payments_total")),
    )),
    Group("digitisation", gettext_lazy("Số hóa hồ sơ"), 22, (
        SubCriterion("4.1", gettext_lazy("Tỷ lệ hồ sơ có kết quả giải quyết điện tử"), 4.4,
                     ("dossier_results_digitised", "dossiers_resolved")),
        SubCriterion("4.2", gettext_lazy("Tỷ lệ hồ sơ thực hiện số hóa"), 4.4,
                     ("dossiers_digitised", "dossiers_received_total"), full_at=0.8),
        SubCriterion("4.3", gettext_lazy("Tỷ lệ hồ sơ khai thác, sử dụng lại dữ liệu số hóa"), 4.4,
                     ("dossiers_reused_data", "dossiers_received_total"), full_at=0.8),
        SubCriterion("4.4", gettext_lazy("Tỷ lệ hồ sơ số hóa kết nối với kho dữ liệu của người dân"), 4.4,
                     elsewhere=_PORTAL),
        SubCriterion("4.5", gettext_lazy("Ứng dụng dữ liệu dân cư trong giải quyết thủ tục"), 4.4, elsewhere=_PORTAL),
    )),
    Group("satisfaction", gettext_lazy("Mức độ hài lòng"), 18, (
        SubCriterion("5.1", gettext_lazy("Tỷ lệ phản ánh, kiến nghị theo phân loại (tham khảo)"),
                     elsewhere=_FEEDBACK_SYSTEM),
        SubCriterion("5.2", gettext_lazy("Tiến độ xử lý phản ánh, kiến nghị"), 6, elsewhere=_FEEDBACK_SYSTEM),
        SubCriterion("5.3", gettext_lazy("Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị"), 6,
                     elsewhere=_FEEDBACK_SYSTEM),
        SubCriterion("5.4", gettext_lazy("Tỷ lệ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính"), 6,
                     elsewhere=gettext_lazy("Cổng Dịch vụ công quốc gia (đánh giá của người dân về từng hồ sơ)")),
    )),
)  # fmt: skip

SCORED: dict[str, SubCriterion] = {c.code: c for g in GROUPS for c in g.criteria if c.ratio}
ELEMENTS: tuple[str, ...] = tuple(sorted({e for c in SCORED.values() for e in c.ratio}))


def criterion_points(criterion: SubCriterion, numerator: float, denominator: float) -> float | None:
    """The points a scored sub-criterion earns for these counts; None when there is nothing to rate (no dossier
    in the denominator: the national system shows N/A rather than 0)."""
    if not denominator:
        return None
    rate = numerator / denominator
    return round(criterion.points * min(1.0, rate / criterion.full_at), 2)


@dataclass
class CriterionScore:
    criterion: SubCriterion
    numerator: float | None = None
    denominator: float | None = None
    points: float | None = None
    drill: str | None = None

    @property
    def measured(self) -> bool:
        return self.criterion.ratio is not None

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator * 100 if self.denominator else None

    @property
    def full_at_percent(self) -> int:
        return round(self.criterion.full_at * 100)


@dataclass
class GroupScore:
    group: Group
    criteria: list[CriterionScore] = field(default_factory=list)

    @property
    def measured(self) -> bool:
        return any(c.measured for c in self.criteria)

    @property
    def scored(self) -> list[CriterionScore]:
        return [c for c in self.criteria if c.measured]

    @property
    def unmeasured(self) -> list[CriterionScore]:
        return [c for c in self.criteria if not c.measured]

    @property
    def points(self) -> float | None:
        """Points earned on the sub-criteria xaso measures that had dossiers in the period; None if none had."""
        earned = [c.points for c in self.criteria if c.points is not None]
        return round(sum(earned), 2) if earned else None

    @property
    def measured_points(self) -> float:
        """The most those sub-criteria can earn (of the group's points)."""
        return round(sum(c.criterion.points for c in self.criteria if c.points is not None), 2)


@dataclass
class IndexScore:
    unit: AdminUnit
    period: PeriodSpec
    groups: list[GroupScore]

    @property
    def points(self) -> float | None:
        earned = [g.points for g in self.groups if g.points is not None]
        return round(sum(earned), 2) if earned else None

    @property
    def measured_points(self) -> float:
        return round(sum(g.measured_points for g in self.groups), 2)

    @property
    def has_data(self) -> bool:
        return self.points is not None

    @property
    def share(self) -> float | None:
        """Points earned over the points measured (0–1): what ranks communes measured on different sub-criteria."""
        return self.points / self.measured_points if self.points is not None and self.measured_points else None


def _sums(units: list[AdminUnit], period: PeriodSpec) -> dict[int, dict[str, float]]:
    """unit id → element → its total over the period, read from the commune rollups (the month, quarter or year
    row each write keeps fresh, `xaso.indicators.rollup`): one query of at most a row per commune and element,
    whatever the number of stored figures. The register's elements are monthly counts summed over time, so the
    rollup of a quarter or a year is the sum of its months."""
    rows = ElementRollup.objects.filter(
        unit__in=[u.id for u in units], data_element__code__in=ELEMENTS,
        period__type=period.type, period__start=period.start,
    ).values_list("unit_id", "data_element__code", "value")  # fmt: skip
    sums: dict[int, dict[str, float]] = {}
    for unit_id, code, total in rows:
        if total is not None and math.isfinite(total):  # a figure stored out of range counts as none, never crashes
            sums.setdefault(unit_id, {})[code] = total
    return sums


def _score(unit: AdminUnit, period: PeriodSpec, sums: dict[str, float], drill_base: str | None) -> IndexScore:
    groups = []
    for group in GROUPS:
        scores = []
        for criterion in group.criteria:
            score = CriterionScore(criterion)
            if criterion.ratio:
                numerator, denominator = (round(sums.get(code, 0)) for code in criterion.ratio)  # counts
                score.numerator, score.denominator = numerator, denominator
                score.points = criterion_points(criterion, numerator, denominator)
                if drill_base and denominator:
                    score.drill = f"{drill_base}&criterion={criterion.code}"
            scores.append(score)
        groups.append(GroupScore(group, scores))
    return IndexScore(unit, period, groups)


def _drill_base(unit: AdminUnit, period: PeriodSpec) -> str:
    from django.urls import reverse

    query = f"year={period.year}"
    if period.type == MONTH:
        query += f"&month={period.start.month}"
    elif period.type == "quarter":
        query += f"&quarter={(period.start.month - 1) // 3 + 1}"
    return f"{reverse('dossiers:list', kwargs={'code': unit.code})}?{query}"


def service_index(*, user, unit: AdminUnit, period: PeriodSpec) -> IndexScore:
    """The index of one commune for a month, quarter or year, each scored sub-criterion with its counts, points
    and the address of the dossiers behind it."""
    if not can_read_unit(user, unit):
        raise PermissionDenied(_("Bạn không có quyền xem số liệu của %(u)s.") % {"u": unit.name})
    sums = _sums([unit], period).get(unit.id, {})
    return _score(unit, period, sums, _drill_base(unit, period))


def service_index_communes(*, user, province: AdminUnit, communes: list[AdminUnit], period: PeriodSpec):
    """The index of every commune given (a province's, already scoped to the reader), in one query; communes
    without any counted dossier come last."""
    if not can_read_unit(user, province):
        raise PermissionDenied(_("Bạn không có quyền xem số liệu của %(u)s.") % {"u": province.name})
    sums = _sums(communes, period)
    scores = [_score(u, period, sums.get(u.id, {}), None) for u in communes]
    return sorted(scores, key=lambda s: (s.points is None, -(s.share or 0), s.unit.name))
