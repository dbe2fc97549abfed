"""The household lists villages already keep in Excel, imported through the shared register machinery
(xaso.registers: header found, known or saved layout, a mapping step for a new layout, every cell read by kind,
all or nothing with errors naming row and column).

De-duplication: a row whose head of household (compared without case, diacritics or extra spaces) is already
recorded in the same village is the same household — its answers given in the file update it, nothing is added;
a second row of the same head and village in one file is refused (the list has a duplicate to settle by hand).
Rows become households through `household_submit`'s checks (kind IMPORT: consent is "pending" until the team's
first visit); every village touched is re-aggregated once at the end.
"""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.geo.models import AdminUnit, Level
from xaso.indicators.errors import BulkValueError, RowError
from xaso.privacy.models import AccessAction
from xaso.privacy.services import log_access
from xaso.registers.cells import fold
from xaso.registers.spec import BOOL, TEXT, Field, KnownLayout, Register, SaveResult

from . import questions as q
from .models import ChangeKind, Household

FIELDS = (
    Field("village", gettext_lazy("Thôn, ấp"), TEXT, required=True, max_length=150,
          aliases=("thon", "ap", "thon_ap", "ten_thon", "thon_xom", "ban", "to_dan_pho", "village")),
    Field("head_name", gettext_lazy("Họ tên chủ hộ"), TEXT, required=True, max_length=150, personal=True,
          aliases=("chu_ho", "ho_ten_chu_ho", "ten_chu_ho", "ho_va_ten_chu_ho", "head_name")),
    Field("address", gettext_lazy("Địa chỉ ngắn"), TEXT, max_length=200, personal=True,
          aliases=("dia_chi", "so_nha", "xom", "address")),
    Field("phone", gettext_lazy("Số điện thoại đại diện"), TEXT, max_length=20, personal=True,
          aliases=("so_dien_thoai", "dien_thoai", "sdt", "phone")),
    Field("fibre", gettext_lazy("Có Internet cáp quang"), BOOL, aliases=("cap_quang", "internet_cap_quang", "fibre")),
    Field("mobile_covered", gettext_lazy("Có sóng 4G/5G"), BOOL, aliases=("song_4g", "song_di_dong", "4g_5g")),
    Field("smart_device", gettext_lazy("Có thiết bị thông minh"), BOOL,
          aliases=("thiet_bi_thong_minh", "smartphone_ho")),
    Field("cashless_electricity", gettext_lazy("Trả tiền điện không dùng tiền mặt"), BOOL,
          aliases=("tien_dien_khong_tien_mat", "thanh_toan_tien_dien")),
    Field("sms_registered", gettext_lazy("Số điện thoại trong hệ thống tin nhắn của xã"), BOOL,
          aliases=("he_thong_tin_nhan", "sms")),
)  # fmt: skip

#: the village lists seen in the communes: a village column and the head of household's name (other columns by alias)
LAYOUTS = tuple(
    KnownLayout("Danh sách hộ của thôn", {village: "village", head: "head_name"})
    for village in ("thon", "ap", "thon_ap")
    for head in ("ho_ten_chu_ho", "chu_ho", "ten_chu_ho")
)

ANSWER_KEYS = tuple(question.key for question in q.version_get().household)


def name_key(text: str) -> str:
    """A head of household's name as the de-duplication compares it."""
    return " ".join(fold(text).split())


class HouseholdRegister(Register):
    slug = "households"
    label = gettext_lazy("Danh sách hộ gia đình")
    row_label = gettext_lazy("hộ")
    fields = FIELDS
    layouts = LAYOUTS
    key_field = "head_name"

    def store_personal(self, unit) -> bool:
        # the census is a list of households by name, kept with the commune's purpose shown to every household
        # (docs/decisions/0034-personal-data.md); a list without names would be useless to the teams
        return True

    def rows_save(self, *, user, unit, rows: list[dict], columns: dict[str, str], register_import) -> SaveResult:
        from .figures import census_village_refresh
        from .services import CensusError, _submit

        villages = {
            fold(v.name): v for v in AdminUnit.objects.filter(parent=unit, level=Level.VILLAGE, is_legacy=False)
        }
        villages |= {fold(v.code): v for v in villages.values()}
        errors: list[RowError] = []
        seen: dict[tuple[int, str], int] = {}
        plan: list[tuple[dict, AdminUnit]] = []
        for row in rows:
            village = villages.get(fold(row.get("village") or "")) or villages.get(
                fold(f"{_('Thôn')} {row.get('village') or ''}")
            )
            if village is None:
                errors.append(
                    RowError(
                        row["_row"],
                        columns.get("village", "village"),
                        _("Không có thôn, ấp “%(v)s” trong %(u)s.") % {"v": row.get("village"), "u": unit.name},
                        "unknown_village",
                    )
                )
                continue
            key = (village.id, name_key(row.get("head_name") or ""))
            if key in seen:
                errors.append(
                    RowError(
                        row["_row"],
                        columns.get("head_name", "head_name"),
                        _("Trùng chủ hộ và thôn với dòng %(r)s: gộp lại trong tệp trước khi nhập.") % {"r": seen[key]},
                        "duplicate",
                    )
                )
                continue
            seen[key] = row["_row"]
            plan.append((row, village))
        if errors:
            raise BulkValueError(errors)
        stored = {}
        for household in Household.objects.filter(village_id__in={v.id for _r, v in plan}).only(
            "id", "uid", "village_id", "head_name", "version"
        ):
            stored.setdefault((household.village_id, name_key(household.head_name)), household)
        result = SaveResult()
        now = timezone.now().isoformat()
        touched: dict[int, AdminUnit] = {}
        for row, village in plan:
            existing = stored.get((village.id, name_key(row["head_name"])))
            fields = {k: row[k] for k in ("address", "phone") if k in row and row[k] not in (None, "")}
            answers = {k: row[k] for k in ANSWER_KEYS if k in row and row[k] is not None}
            if existing is None:
                fields["head_name"] = row["head_name"]
            record = {
                "client_id": str(uuid.uuid4()),
                "uid": str(existing.uid if existing else uuid.uuid4()),
                "village": village.code,
                "form_version": q.CURRENT_VERSION,
                "base_version": existing.version if existing else None,
                "fields": fields | {"answers": answers},
                "members": [],
                "recorded_at": now,
            }
            try:
                outcome, _village = _submit(user=user, record=record, kind=ChangeKind.IMPORT)
            except CensusError as exc:
                key = exc.field.removeprefix("answers.")
                column = columns.get(key, exc.field or "")
                # the column is named beside the message: the field's internal key ("phone: …") is not repeated
                message = exc.message.removeprefix(f"{exc.field}: ") if key in columns else exc.message
                errors.append(RowError(row["_row"], column, message, "invalid"))
                continue
            if outcome.status == "created":
                result.created += 1
            elif existing is not None and outcome.version != existing.version:
                result.updated += 1
            else:
                result.unchanged += 1
            touched[village.id] = village
        if errors:
            raise BulkValueError(errors)
        for village in touched.values():
            census_village_refresh(village=village)
        log_access(
            user=user,
            action=AccessAction.IMPORT,
            subject_type="household",
            unit=unit,
            count=len(plan),
            reason=_("Nhập danh sách hộ từ tệp"),
        )
        return result

    def monthly_counts(self, *, unit, months):
        return {}

    def drilldown_url(self, *, unit, indicator_code: str, year: int) -> str | None:
        return None

    def home_url(self, *, unit) -> str:
        return reverse("census:progress", kwargs={"code": unit.code})

    def has_rows(self, *, unit, year: int) -> bool:
        return Household.objects.filter(commune=unit).exists()


HOUSEHOLDS = HouseholdRegister()
