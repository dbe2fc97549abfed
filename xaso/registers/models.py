"""What every register shares: the import layouts a commune taught, the imports themselves, the access log of
personal data. The registers' own rows live in their apps (`xaso.dossiers.Dossier`...)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.files.fields import PrivateFileField
from xaso.geo.models import AdminUnit

#: most columns a saved layout maps (a register has a few dozen fields at most)
MAX_LAYOUT_COLUMNS = 200


class ImportLayout(models.Model):
    """A spreadsheet layout a commune mapped once on the mapping screen, recognised again by its header signature
    (`services.header_signature`: the set of its header keys) the next time a file with the same header comes."""

    register = models.SlugField(_("sổ"), max_length=40)
    unit = models.ForeignKey(AdminUnit, models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    signature = models.CharField(_("dấu hiệu tiêu đề"), max_length=64)
    name = models.CharField(_("tên mẫu tệp"), max_length=120)
    headers = models.JSONField(_("tiêu đề các cột"), default=list)
    columns = models.JSONField(_("cột → trường"), default=dict)  # header key → field key
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["register", "name"]
        verbose_name = _("mẫu tệp nhập")
        verbose_name_plural = pgettext_lazy("plural", "mẫu tệp nhập")
        constraints = [
            models.UniqueConstraint(fields=["unit", "register", "signature"], name="unique_import_layout"),
        ]

    def __str__(self) -> str:
        return self.name


class RegisterImport(models.Model):
    """One file imported into a register: who, which commune, which layout, what happened (the report).

    The file is kept in the private storage only while it waits for its mapping or for the task worker, then
    deleted. An import waiting for its mapping is the uploader's alone.
    """

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Chờ ghép cột")
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Không nhập được")

    register = models.SlugField(_("sổ"), max_length=40)
    unit = models.ForeignKey(AdminUnit, models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    filename = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    upload = PrivateFileField(_("tệp tải lên"), folder="register-imports", blank=True)
    language = models.CharField(max_length=10, default="vi")
    signature = models.CharField(_("dấu hiệu tiêu đề"), max_length=64, blank=True)
    headers = models.JSONField(_("tiêu đề các cột"), default=list)
    header_row = models.PositiveIntegerField(_("dòng tiêu đề"), default=1)
    layout_name = models.CharField(_("mẫu tệp"), max_length=120, blank=True)
    columns = models.JSONField(_("cột → trường"), default=dict)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    created = models.PositiveIntegerField(_("thêm mới"), default=0)
    updated = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    report = models.JSONField(_("kết quả"), null=True, blank=True)  # {"errors": [...], "error_count": n}
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lượt nhập sổ")
        verbose_name_plural = pgettext_lazy("plural", "lượt nhập sổ")
        indexes = [models.Index(fields=["unit", "register", "created_at"], name="registerimport_unit")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class PersonalDataAccess(models.Model):
    """Who was shown the personal data (names, ID numbers) kept in a register, when, and how many rows."""

    register = models.SlugField(_("sổ"), max_length=40)
    unit = models.ForeignKey(AdminUnit, models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    what = models.CharField(_("nội dung xem"), max_length=255)
    row_count = models.PositiveIntegerField(_("số dòng"), default=0)
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("lượt xem dữ liệu cá nhân")
        verbose_name_plural = pgettext_lazy("plural", "lượt xem dữ liệu cá nhân")
        indexes = [models.Index(fields=["unit", "at"], name="personalaccess_unit_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.what} ({self.row_count})"
