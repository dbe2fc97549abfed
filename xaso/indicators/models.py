"""Data elements (countable figures), indicators (formulas over them), data values and their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.models import Period, TimeStampedModel
from xaso.core.periods import PERIOD_TYPES
from xaso.files.fields import PrivateFileField
from xaso.geo.models import AdminUnit


class Area(models.TextChoices):
    """The three pillars and the enablers newer plans list separately (DOMAIN.md, "The model")."""

    GOVERNMENT = "government", _("Chính quyền số")
    ECONOMY = "economy", _("Kinh tế số")
    SOCIETY = "society", _("Xã hội số")
    INSTITUTIONS = "institutions", _("Thể chế số")
    INFRASTRUCTURE = "infrastructure", _("Hạ tầng số")
    HUMAN_RESOURCES = "human_resources", _("Nhân lực số, nhận thức số")
    PLATFORMS = "platforms", _("Nền tảng số")
    DATA = "data", _("Dữ liệu số")
    CYBERSECURITY = "cybersecurity", _("An toàn thông tin mạng")


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Số nguyên")
    DECIMAL = "decimal", _("Số thập phân")
    BOOLEAN = "boolean", _("Có/Không")
    PERCENT = "percent", _("Tỷ lệ (%)")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Cộng dồn")
    LAST = "last", _("Giá trị kỳ gần nhất")
    MAX = "max", _("Lớn nhất")
    MIN = "min", _("Nhỏ nhất")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Càng cao càng tốt")
    LOWER = "lower", _("Càng thấp càng tốt")


PERIOD_TYPE_CHOICES = [("year", _("Năm")), ("quarter", _("Quý")), ("month", _("Tháng"))]


class DataElement(TimeStampedModel):
    """One figure a commune can count: total households, households with fibre, dossiers received online..."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    unit_label = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    value_type = models.CharField(
        _("kiểu giá trị"), max_length=10, choices=ValueType.choices, default=ValueType.INTEGER
    )
    aggregation = models.CharField(
        _("cách tổng hợp"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    period_type = models.CharField(_("kỳ thu thập"), max_length=8, choices=PERIOD_TYPE_CHOICES, default="year")
    area = models.CharField(_("lĩnh vực"), max_length=20, choices=Area.choices)
    source = models.TextField(_("nguồn"), blank=True, help_text=_("Tài liệu và mục trích dẫn."))

    class Meta:
        ordering = ["area", "code"]
        verbose_name = _("chỉ tiêu dữ liệu")
        verbose_name_plural = pgettext_lazy("plural", "chỉ tiêu dữ liệu")
        constraints = [
            models.CheckConstraint(condition=models.Q(period_type__in=PERIOD_TYPES), name="dataelement_period_type"),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(TimeStampedModel):
    """What a target is stated in: a formula over data elements (a ratio, a count or a yes/no)."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    description = models.TextField(_("định nghĩa"), blank=True)
    formula = models.CharField(_("công thức"), max_length=500)
    unit_label = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân"), default=1)
    direction = models.CharField(_("chiều tốt"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    area = models.CharField(_("lĩnh vực"), max_length=20, choices=Area.choices)
    period_type = models.CharField(_("kỳ"), max_length=8, choices=PERIOD_TYPE_CHOICES, default="year")
    elements = models.ManyToManyField(DataElement, related_name="indicators", blank=True, editable=False)
    stated_rate_element = models.ForeignKey(
        DataElement,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="stated_for",
        verbose_name=_("tỷ lệ nêu trong văn bản"),
        help_text=_("Chỉ tiêu dữ liệu lưu tỷ lệ do văn bản nêu, để đối chiếu với tỷ lệ tính từ số liệu."),
    )
    source = models.TextField(_("nguồn"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["area", "sort_order", "code"]
        verbose_name = _("chỉ số")
        verbose_name_plural = pgettext_lazy("plural", "chỉ số")

    def __str__(self) -> str:
        return self.name

    @property
    def is_percent(self) -> bool:
        return self.unit_label == "%"


def _author() -> models.ForeignKey:
    """Who wrote a figure or a change: the signed-in user, set by values_write. Neither checked by the database
    on each of the thousands of rows an import writes nor indexed: only deleting a user reads by it, and Django
    then nulls it (docs/decisions/0004-bulk-writes.md, 0006-set-based-key-checks.md)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False,
        db_index=False,
    )  # fmt: skip


class DataValue(models.Model):
    """One figure for one data element, one unit and one period.

    The database refuses a figure whose element, unit or period does not exist and the deletion of a row
    that figures point at. On PostgreSQL it checks that once per statement (set-based triggers, migration
    0004) instead of once per figure, which cost as much as the rest of an import; SQLite keeps its own
    foreign keys. docs/decisions/0006-set-based-key-checks.md.
    """

    # no index of their own: unique_data_value leads with unit, then period
    data_element = models.ForeignKey(DataElement, models.PROTECT, related_name="values", db_index=False)
    unit = models.ForeignKey(AdminUnit, models.PROTECT, related_name="data_values", db_index=False)
    period = models.ForeignKey(Period, models.PROTECT, related_name="data_values")
    #: the calendar year of `period`, copied here as the partition key of the table on PostgreSQL (one partition
    #: per year, docs/decisions/0025-partitioned-values.md); written with the figure, never changed
    year = models.PositiveSmallIntegerField(_("năm"), editable=False)
    value = models.FloatField(_("giá trị"))
    comment = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = _author()
    updated_by = _author()
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("số liệu")
        verbose_name_plural = pgettext_lazy("plural", "số liệu")
        constraints = [
            # unit first: every read asks for the figures of some units and periods (grid, rollups, rules);
            # the year (fixed by the period) is part of it because a partitioned table's unique keys must hold
            # its partition key
            models.UniqueConstraint(fields=["unit", "period", "data_element", "year"], name="unique_data_value"),
        ]

    def __str__(self) -> str:
        return f"{self.data_element.code} @ {self.unit.code} {self.period.code} = {self.value}"

    def save(self, *args, **kwargs):
        if self.year is None and self.period_id is not None:
            period = self._state.fields_cache.get("period") or Period.objects.filter(id=self.period_id).first()
            self.year = period.start.year if period else 0  # no such period: the database's key check refuses it
        super().save(*args, **kwargs)


class ChangeSource(models.TextChoices):
    FORM = "form", _("Nhập trên màn hình")
    IMPORT = "import", _("Nhập từ tệp")
    API = "api", _("API")
    SYSTEM = "system", _("Hệ thống")
    REGISTER = "register", _("Tính từ sổ theo dõi")
    EXCHANGE = "exchange", _("Nhận từ trung tâm điều hành khác")
    CENSUS = "census", _("Tính từ điều tra hộ gia đình")
    TEAMS = "teams", _("Tính từ sổ Tổ công nghệ số")


class DataValueChange(models.Model):
    """The history of a figure: every creation, change and deletion, old → new, by whom and when.

    Written only by `values_write`, next to the DataValue row whose element, unit and period the database
    checks, so the database does not check them a second time here (`db_constraint=False`,
    docs/decisions/0004-bulk-writes.md): per-row checks cost as much as the rest of an import. Django still
    cascades deletions; a unit's history is found through the index, which leads with the unit.
    """

    # read only as the history of one figure: one index (unit, period, element), no other
    data_element = models.ForeignKey(DataElement, models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    unit = models.ForeignKey(AdminUnit, models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    period = models.ForeignKey(Period, models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    old_value = models.FloatField(_("giá trị cũ"), null=True, blank=True)
    new_value = models.FloatField(_("giá trị mới"), null=True, blank=True)
    comment = models.CharField(_("ghi chú"), max_length=500, blank=True)
    source = models.CharField(_("nguồn thay đổi"), max_length=8, choices=ChangeSource.choices)
    changed_by = _author()
    changed_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("lịch sử số liệu")
        verbose_name_plural = pgettext_lazy("plural", "lịch sử số liệu")
        indexes = [models.Index(fields=["unit", "period", "data_element"], name="datavaluechange_place")]

    def __str__(self) -> str:
        return f"{self.old_value} → {self.new_value}"


class ElementRollup(models.Model):
    """Pre-aggregated value of a data element for a commune and a period (month, quarter, year).

    Kept fresh by `xaso.indicators.rollup` inside the same transaction as every write, so the next
    read sees it. Province and district figures sum these rows (166 communes, not 100,000 values).
    """

    # derived from the figures, whose references the database checks; not checked again for each of the
    # thousand rows a commune-year refresh rewrites (docs/decisions/0006). Django still cascades deletions.
    # No index of their own for element and period: unique_element_rollup leads with period, then element. On
    # PostgreSQL it also carries the value (INCLUDE, migration 0011, decision 0064): a province's figures are read
    # from the index alone.
    data_element = models.ForeignKey(DataElement, models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    # (unit, period) serves a commune's refresh (by unit) and "the latest year with data" (unit and year period)
    unit = models.ForeignKey(AdminUnit, models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    period = models.ForeignKey(Period, models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    value = models.FloatField()
    value_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo xã")
        verbose_name_plural = pgettext_lazy("plural", "số liệu tổng hợp theo xã")
        constraints = [
            models.UniqueConstraint(fields=["period", "data_element", "unit"], name="unique_element_rollup"),
        ]
        indexes = [models.Index(fields=["unit", "period"], name="elementrollup_unit_period")]

    def __str__(self) -> str:
        return f"{self.data_element_id}@{self.unit_id}/{self.period_id} = {self.value}"


class Operator(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    EQ = "==", "="
    GE = ">=", "≥"
    GT = ">", ">"


class ValidationRule(TimeStampedModel):
    """A declarative check such as `households_fibre <= households_total`, evaluated per unit and period."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    left = models.CharField(_("vế trái"), max_length=500)
    operator = models.CharField(_("phép so sánh"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("vế phải"), max_length=500)
    message = models.CharField(_("thông báo khi vi phạm"), max_length=255)
    source = models.TextField(_("nguồn"), blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = pgettext_lazy("plural", "quy tắc kiểm tra")

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """A file too large to import inside a web request, imported by the task worker (`manage.py db_worker`).

    The upload is kept in the private storage until the job has run, then deleted; `report` holds what the
    import page would have shown (rows, errors, counts), so the page polling the job shows the same report.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    unit = models.ForeignKey(
        AdminUnit, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("đơn vị")
    )  # the uploader's unit when the job was queued (none for an administrator)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    filename = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    check_only = models.BooleanField(_("chỉ kiểm tra"), default=False)
    language = models.CharField(max_length=10, default="vi")
    upload = PrivateFileField(_("tệp tải lên"), folder="imports", blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("bước đang làm"), max_length=200, blank=True)
    report = models.JSONField(_("kết quả"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lượt nhập tệp nền")
        verbose_name_plural = pgettext_lazy("plural", "lượt nhập tệp nền")
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="import_job_progress_le_100")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
