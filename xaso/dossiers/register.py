"""The dossier register as the shared machinery sees it (`xaso.registers.spec.Register`): its columns, the
layouts of the exports it knows, how rows are checked and saved, how they are counted into figures.

Counting rules (per commune and month; docs/decisions/0027-registers.md):
- by the month a dossier was received: received (all), online, in person, contactless (online or by post),
  of a procedure offered online (partly or fully, or received online), received online for a full-online
  procedure, components digitised, reusable (documents digitised earlier, or reused), reused, with a fee, fee
  paid online;
- by the month it was finished, for dossiers resolved (approved or refused; a withdrawn dossier is not):
  resolved, resolved on time (finished on or before the due date, or without a due date), result digitised.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.indicators.errors import BulkValueError, RowError
from xaso.registers.cells import fold
from xaso.registers.spec import BOOL, CHOICE, CODE, DATE, Field, KnownLayout, Register, SaveResult

from .models import RESOLVED, Channel, Dossier, DossierSettings, OnlineLevel, Procedure, Result
from .saving import dossiers_upsert

_CHANNELS = {
    **dict.fromkeys(["truc tiep", "nop truc tiep", "tai bo phan mot cua", "tai quay", "mot cua", "truc tiep tai bo "
                     "phan mot cua", "in person"], Channel.IN_PERSON),
    **dict.fromkeys(["truc tuyen", "nop truc tuyen", "qua mang", "dich vu cong truc tuyen", "cong dich vu cong",
                     "cong dvc", "cong dvc quoc gia", "online", "dvctt"], Channel.ONLINE),
    **dict.fromkeys(["buu chinh", "qua buu chinh", "buu chinh cong ich", "dich vu buu chinh", "bcci", "post"],
                    Channel.POST),
}  # fmt: skip
_RESULTS = {
    **dict.fromkeys(["dang xu ly", "dang giai quyet", "cho xu ly", "da tiep nhan", "moi tiep nhan", "cho bo sung",
                     "yeu cau bo sung", "tam dung", "pending"], Result.PENDING),
    **dict.fromkeys(["da giai quyet", "da tra ket qua", "hoan thanh", "da hoan thanh", "co ket qua", "dung han",
                     "truoc han", "tre han", "qua han", "da xu ly", "approved"], Result.APPROVED),
    **dict.fromkeys(["tu choi", "tu choi giai quyet", "khong giai quyet", "tra lai", "khong du dieu kien", "refused"],
                    Result.REFUSED),
    **dict.fromkeys(["rut ho so", "cong dan rut ho so", "da rut", "huy", "huy ho so", "withdrawn"], Result.WITHDRAWN),
    **dict.fromkeys(["tre han co thu xin loi", "qua han co thu xin loi", "da gui thu xin loi", "tre han da xin loi"],
                    "approved_apology"),
}  # fmt: skip
_FEES = {
    **dict.fromkeys(["co", "x", "1", "da thanh toan truc tuyen", "truc tuyen", "thanh toan truc tuyen", "yes",
                     "da thanh toan qua cong", "khong dung tien mat"], "online"),
    **dict.fromkeys(["khong", "0", "tien mat", "chua", "thanh toan truc tiep", "no", "nop tien mat"], "cash"),
    **dict.fromkeys(["khong thu phi", "mien phi", "khong co phi", "khong mat phi", "khong phai nop"], "none"),
}  # fmt: skip

#: no one-stop system holds a dossier of before this day: an earlier date is a year typed wrong (0025, 1900)
EARLIEST = date(2000, 1, 1)

FIELDS = (
    Field("code", gettext_lazy("Mã hồ sơ"), CODE, required=True, max_length=64,
          aliases=("so_ho_so", "ma_ho_so", "ma_so_ho_so", "so_bien_nhan")),
    Field("procedure_code", gettext_lazy("Mã thủ tục"), CODE, required=True, max_length=20,
          aliases=("ma_thu_tuc", "ma_tthc", "ma_thu_tuc_hanh_chinh", "ma_thu_tuc_tren_csdl_quoc_gia")),
    Field("procedure_name", gettext_lazy("Tên thủ tục"), aliases=("ten_thu_tuc", "ten_tthc", "ten_thu_tuc_hanh_chinh"),
          max_length=500),
    Field("field", gettext_lazy("Lĩnh vực"), aliases=("linh_vuc", "ten_linh_vuc")),
    Field("channel", gettext_lazy("Hình thức nộp"), CHOICE, required=True, choices=_CHANNELS,
          aliases=("hinh_thuc_nop", "kenh_nop", "hinh_thuc_tiep_nhan", "kenh_tiep_nhan", "nguon_ho_so"),
          help=gettext_lazy("ghi Trực tiếp, Trực tuyến hoặc Bưu chính.")),
    Field("received_on", gettext_lazy("Ngày tiếp nhận"), DATE, required=True, earliest=EARLIEST,
          aliases=("ngay_tiep_nhan", "ngay_nop", "ngay_nhan", "thoi_gian_tiep_nhan")),
    Field("due_on", gettext_lazy("Ngày hẹn trả"), DATE, earliest=EARLIEST,
          aliases=("ngay_hen_tra", "han_xu_ly", "ngay_hen_tra_ket_qua", "han_giai_quyet", "ngay_hen")),
    Field("finished_on", gettext_lazy("Ngày có kết quả"), DATE, earliest=EARLIEST,
          aliases=("ngay_co_ket_qua", "ngay_hoan_thanh", "ngay_tra_ket_qua", "ngay_ket_thuc_xu_ly", "ngay_xu_ly_xong")),
    Field("result", gettext_lazy("Kết quả, trạng thái"), CHOICE, choices=_RESULTS,
          aliases=("trang_thai", "tinh_trang", "ket_qua_giai_quyet", "ket_qua", "trang_thai_ho_so"),
          help=gettext_lazy("ghi Đang giải quyết, Đã giải quyết, Từ chối, Rút hồ sơ hoặc Trễ hạn có thư xin lỗi.")),
    Field("apology_sent", gettext_lazy("Đã gửi thư xin lỗi"), BOOL,
          aliases=("thu_xin_loi", "da_gui_thu_xin_loi", "xin_loi")),
    Field("fee", gettext_lazy("Thanh toán phí, lệ phí"), CHOICE, choices=_FEES,
          aliases=("thanh_toan_truc_tuyen", "thanh_toan_phi_le_phi", "hinh_thuc_thanh_toan", "thanh_toan"),
          help=gettext_lazy(
              "ghi Trực tuyến (hoặc Có), Tiền mặt (hoặc Không), Không thu phí; để trống nếu không có phí.")),
    Field("components_digitised", gettext_lazy("Thành phần hồ sơ được số hóa"), BOOL,
          aliases=("so_hoa_thanh_phan_ho_so", "da_so_hoa_tphs", "so_hoa_ho_so", "so_hoa_tphs", "da_so_hoa")),
    Field("reusable", gettext_lazy("Có giấy tờ đã số hóa trước đó"), BOOL,
          aliases=("co_giay_to_da_so_hoa", "du_lieu_da_so_hoa_truoc", "co_du_lieu_so_hoa")),
    Field("reused", gettext_lazy("Tái sử dụng dữ liệu số hóa"), BOOL,
          aliases=("tai_su_dung", "tai_su_dung_du_lieu", "tai_su_dung_du_lieu_so_hoa", "tai_su_dung_ket_qua_so_hoa")),
    Field("result_digitised", gettext_lazy("Kết quả được số hóa"), BOOL,
          aliases=("so_hoa_ket_qua", "da_so_hoa_ket_qua", "ket_qua_so_hoa")),
    Field("receiving_officer", gettext_lazy("Cán bộ tiếp nhận"), aliases=("can_bo_tiep_nhan", "nguoi_tiep_nhan")),
    Field("unit_name", gettext_lazy("Đơn vị tiếp nhận"),
          aliases=("don_vi", "don_vi_tiep_nhan", "co_quan_tiep_nhan", "noi_tiep_nhan", "co_quan_giai_quyet")),
    Field("applicant_name", gettext_lazy("Người nộp (dữ liệu cá nhân)"), personal=True,
          aliases=("chu_ho_so", "nguoi_nop", "ten_nguoi_nop", "ho_ten_nguoi_nop", "ho_ten", "to_chuc_ca_nhan")),
    Field("applicant_id", gettext_lazy("Số giấy tờ tùy thân (dữ liệu cá nhân)"), CODE, personal=True, max_length=32,
          aliases=("so_cccd", "so_cmnd_cccd", "so_giay_to", "cccd", "so_dinh_danh", "so_cmnd")),
)  # fmt: skip

#: the exports of the two systems a commune's one-stop desk works in (header key → field); a file whose header
#: holds every one of these columns is read without asking. Any other layout is mapped once on the mapping screen.
LAYOUTS = (
    KnownLayout(
        "Hệ thống thông tin giải quyết TTHC tỉnh (một cửa điện tử)",
        {
            "so_ho_so": "code", "ma_thu_tuc": "procedure_code", "ten_thu_tuc": "procedure_name",
            "linh_vuc": "field", "hinh_thuc_nop": "channel", "ngay_tiep_nhan": "received_on",
            "ngay_hen_tra": "due_on", "ngay_co_ket_qua": "finished_on", "trang_thai": "result",
            "thanh_toan_truc_tuyen": "fee", "so_hoa_thanh_phan_ho_so": "components_digitised",
            "so_hoa_ket_qua": "result_digitised", "can_bo_tiep_nhan": "receiving_officer",
        },
    ),
    KnownLayout(
        "Cổng Dịch vụ công quốc gia",
        {
            "ma_ho_so": "code", "ma_tthc": "procedure_code", "ten_tthc": "procedure_name",
            "kenh_nop": "channel", "ngay_nop": "received_on", "han_xu_ly": "due_on",
            "ngay_hoan_thanh": "finished_on", "tinh_trang": "result",
        },
    ),
)  # fmt: skip

#: element → (date the dossier is counted by, which dossiers count)
_LATE = Q(finished_on__gt=F("due_on"))
_ON_TIME = Q(due_on__isnull=True) | Q(finished_on__lte=F("due_on"))
ELEMENTS: dict[str, tuple[str, Q]] = {
    "dossiers_received_total": ("received_on", Q()),
    "dossiers_online": ("received_on", Q(channel=Channel.ONLINE)),
    "dossiers_in_person": ("received_on", Q(channel=Channel.IN_PERSON)),
    "dossiers_contactless": ("received_on", Q(channel__in=[Channel.ONLINE, Channel.POST])),
    "dossiers_online_eligible": (
        "received_on", ~Q(procedure__online_level=OnlineLevel.NONE) | Q(channel=Channel.ONLINE)
    ),
    "dossiers_full_online": ("received_on", Q(channel=Channel.ONLINE, procedure__online_level=OnlineLevel.FULL)),
    "dossiers_digitised": ("received_on", Q(components_digitised=True)),
    "dossiers_reuse_eligible": ("received_on", Q(reusable=True) | Q(reused=True)),
    "dossiers_reused_data": ("received_on", Q(reused=True)),
    "fee_payments_total": ("received_on", Q(fee_paid_online__isnull=False)),
    "fee_payments_cashless": ("received_on", Q(fee_paid_online=True)),
    "dossiers_resolved": ("finished_on", Q(result__in=RESOLVED)),
    "dossiers_resolved_on_time": ("finished_on", Q(result__in=RESOLVED) & _ON_TIME),
    "dossier_results_digitised": ("finished_on", Q(result__in=RESOLVED, result_digitised=True)),
}  # fmt: skip

#: indicator → (numerator element, denominator element): the dossiers behind a rate are the denominator's,
#: those of the numerator marked (the late rate's numerator is the resolved dossiers not on time)
INDICATORS: dict[str, tuple[str, str]] = {
    "dossiers_online_rate": ("dossiers_online", "dossiers_received_total"),
    "dossiers_online_eligible_rate": ("dossiers_online", "dossiers_online_eligible"),
    "dossiers_full_online_rate": ("dossiers_full_online", "dossiers_received_total"),
    "dossiers_digitised_rate": ("dossiers_digitised", "dossiers_received_total"),
    "dossier_results_digitised_rate": ("dossier_results_digitised", "dossiers_resolved"),
    "dossiers_on_time_rate": ("dossiers_resolved_on_time", "dossiers_resolved"),
    "dossiers_late_rate": ("dossiers_late", "dossiers_resolved"),
    "contactless_transactions_rate": ("dossiers_contactless", "dossiers_received_total"),
    "digitised_data_reuse_rate": ("dossiers_reused_data", "dossiers_reuse_eligible"),
    "fee_payments_cashless_rate": ("fee_payments_cashless", "fee_payments_total"),
}
#: not an element: the numerator of the late rate
DRILL_ONLY = {"dossiers_late": ("finished_on", Q(result__in=RESOLVED) & _LATE)}

#: the fields compared (and updated) when a dossier comes again, in the order `DossierRegister._staged` gives them
STORED = (
    "procedure_id", "field", "channel", "received_on", "due_on", "finished_on", "result", "apology_sent",
    "fee_paid_online", "components_digitised", "reusable", "reused", "result_digitised", "receiving_officer",
    "applicant_name", "applicant_id",
)  # fmt: skip
#: a stored field and the import field(s) it comes from: a field the file's layout does not map keeps its value
SOURCES = {
    "procedure_id": "procedure_code", "field": "field", "channel": "channel", "received_on": "received_on",
    "due_on": "due_on", "finished_on": "finished_on", "result": "result", "apology_sent": "apology_sent",
    "fee_paid_online": "fee", "components_digitised": "components_digitised", "reusable": "reusable",
    "reused": "reused", "result_digitised": "result_digitised", "receiving_officer": "receiving_officer",
    "applicant_name": "applicant_name", "applicant_id": "applicant_id",
}  # fmt: skip
#: the stored fields holding an applicant's personal data (kept only where the commune chose to)
PERSONAL_STORED = frozenset(stored for stored, source in SOURCES.items()
                            if next(f for f in FIELDS if f.key == source).personal)  # fmt: skip
_UNIT_WORDS = ("uy ban nhan dan", "ubnd", "bo phan mot cua", "bo phan tiep nhan va tra ket qua", "trung tam phuc vu "
               "hanh chinh cong", "xa", "phuong", "thi tran", "dac khu")  # fmt: skip


def _bare_unit_name(text: str) -> str:
    """`UBND xã An Viễn` → `an vien`; the words naming the office or the level of the unit are left out, and what
    follows the name after a comma, a dash or a bracket (`UBND xã An Viễn, tỉnh Đồng Nai`, `… (Đồng Nai)`)."""
    name = fold(text)
    changed = True
    while changed:
        changed = False
        for word in _UNIT_WORDS:
            if name.startswith(word + " "):
                name, changed = name[len(word) + 1 :].strip(" -–,:"), True
    return re.split(r"\s*(?:[,(;]|\s[-–]\s)", name, maxsplit=1)[0]


def _own_unit_names(unit) -> frozenset[str]:
    """The names (bare, as `_bare_unit_name` makes them) and codes a dossier file may give the commune's receiving
    unit: the commune's own, and those of the pre-2025 communes it absorbed on 1 July 2025, wholly or partly — their
    one-stop departments' dossiers passed to it, and the provinces' exports still name the old commune on them
    (docs/decisions/0007, 0027). A commune absorbed by another is still another's file."""
    from xaso.geo.models import Level, UnitSuccession

    old = UnitSuccession.objects.filter(new_unit=unit, old_unit__level=Level.COMMUNE).values_list(
        "old_unit__name", "old_unit__code", "old_unit__official_code"
    )
    names = {_bare_unit_name(unit.name), fold(unit.code)}
    for name, code, official in old:
        names |= {_bare_unit_name(name), fold(code), fold(official)}
    return frozenset(n for n in names if n)


class DossierRegister(Register):
    slug = "dossiers"
    label = gettext_lazy("Sổ hồ sơ thủ tục hành chính")
    row_label = gettext_lazy("hồ sơ")
    fields = FIELDS
    layouts = LAYOUTS
    elements = tuple(ELEMENTS)
    indicators = tuple(INDICATORS)
    key_field = "code"
    drill_label = gettext_lazy("Hồ sơ")

    def store_personal(self, unit) -> bool:
        return DossierSettings.objects.filter(unit=unit, store_applicant=True).exists()

    def has_rows(self, *, unit, year: int) -> bool:
        return Dossier.objects.filter(unit=unit, received_on__year=year).exists()

    def home_url(self, *, unit) -> str:
        return reverse("dossiers:list", kwargs={"code": unit.code})

    def drilldown_url(self, *, unit, indicator_code: str, year: int) -> str | None:
        if indicator_code not in INDICATORS:
            return None
        base = reverse("dossiers:list", kwargs={"code": unit.code})
        return f"{base}?year={year}&indicator={indicator_code}"

    # counting

    def monthly_counts(self, *, unit, months: set[date]) -> dict[date, dict[str, int]]:
        counts: dict[date, dict[str, int]] = defaultdict(dict)
        first, last = min(months), max(months)
        end = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        for basis in ("received_on", "finished_on"):
            mine = {code: q for code, (b, q) in ELEMENTS.items() if b == basis}
            rows = (
                Dossier.objects.filter(unit=unit, **{f"{basis}__gte": first, f"{basis}__lt": end})
                .annotate(month=TruncMonth(basis))
                .values("month")
                .annotate(**{code: Count("id", filter=q) if q else Count("id") for code, q in mine.items()})
            )
            for row in rows:
                month = row.pop("month")
                month = month.date() if hasattr(month, "date") else month
                if month in months:
                    counts[month].update(row)
        return counts

    # saving

    def rows_save(self, *, user, unit, rows: list[dict], columns: dict[str, str], register_import) -> SaveResult:
        procedures = self._check(unit=unit, rows=rows, columns=columns)
        mapped = {stored for stored, source in SOURCES.items() if source in columns}
        mapped |= {"result", "apology_sent"} if {"result", "finished_on"} & set(columns) else set()
        staged = self._staged(rows, procedures)
        return dossiers_upsert(unit=unit, rows=staged, stored=STORED, mapped=mapped,
                               register_import=register_import, now=timezone.now(),
                               personal=PERSONAL_STORED)  # fmt: skip

    def rows_check(self, *, unit, rows: list[dict], columns: dict[str, str]) -> list[RowError]:
        try:
            self._check(unit=unit, rows=rows, columns=columns)
        except BulkValueError as exc:
            return list(exc.errors)
        return []

    @staticmethod
    def _staged(rows: list[dict], procedures: dict[str, Procedure]) -> list[tuple]:
        """Each row as stored: (code, then the values of `STORED` in order). A result left empty is approved when
        the dossier has a finishing date, else pending; "late, with an apology" is approved with the apology."""
        ids = {code: p.pk for code, p in procedures.items()}
        fields = {code: p.field for code, p in procedures.items()}
        pending, approved = Result.PENDING, Result.APPROVED
        staged = []
        for row in rows:
            get = row.get
            procedure, result, finished, fee = row["procedure_code"], get("result"), get("finished_on"), get("fee")
            apology = bool(get("apology_sent"))
            if result == "approved_apology":
                result, apology = approved, True
            elif result is None:
                result = approved if finished else pending
            staged.append((
                row["code"], ids[procedure], get("field") or fields[procedure], row["channel"], row["received_on"],
                get("due_on"), finished if result != pending else None, result, apology,
                None if fee is None or fee == "none" else fee == "online", bool(get("components_digitised")),
                bool(get("reusable")), bool(get("reused")), bool(get("result_digitised")),
                get("receiving_officer") or "", get("applicant_name") or "", get("applicant_id") or "",
            ))  # fmt: skip
        return staged

    def _check(self, *, unit, rows: list[dict], columns: dict[str, str]) -> dict[str, Procedure]:
        """Every row judged before anything is written; BulkValueError naming row and column of each problem."""
        errors: list[RowError] = []
        today = timezone.localdate()
        codes = {row["procedure_code"] for row in rows}
        procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes, is_active=True)}
        first_row: dict[str, int] = {}
        own_names = _own_unit_names(unit)
        for row in rows:
            number = row["_row"]

            def error(key: str, message: str, code: str) -> None:
                errors.append(RowError(number, columns[key], message, code))  # noqa: B023 (called in this loop)

            seen = first_row.setdefault(row["code"], number)
            if seen != number:
                error("code", _("Mã hồ sơ “%(c)s” trùng với dòng %(r)s.") % {"c": row["code"], "r": seen}, "duplicate")
            if row["procedure_code"] not in procedures:
                error("procedure_code", _("Mã thủ tục “%(c)s” không có trong danh mục thủ tục hành chính của xaso; "
                                          "kiểm tra lại mã hoặc nhờ quản trị viên bổ sung thủ tục.")
                      % {"c": row["procedure_code"]}, "unknown_procedure")  # fmt: skip
            other = row.get("unit_name")
            if other and _bare_unit_name(other) not in own_names and fold(other) not in own_names:
                error("unit_name", _("Hồ sơ của “%(o)s”, không phải của %(u)s: tệp này là của đơn vị khác.")
                      % {"o": other, "u": unit.name}, "other_unit")  # fmt: skip
            received, due, finished = row["received_on"], row.get("due_on"), row.get("finished_on")
            if received and received > today:
                error("received_on", _("Ngày tiếp nhận %(d)s ở tương lai.") % {"d": _shown(received)}, "future_date")
            if received and finished and finished < received:
                error("finished_on", _("Ngày có kết quả %(f)s trước ngày tiếp nhận %(r)s.")
                      % {"f": _shown(finished), "r": _shown(received)}, "finished_before_received")  # fmt: skip
            elif finished and finished > today:
                error("finished_on", _("Ngày có kết quả %(d)s ở tương lai.") % {"d": _shown(finished)}, "future_date")
            if received and due and due < received:
                error("due_on", _("Ngày hẹn trả %(d)s trước ngày tiếp nhận %(r)s.")
                      % {"d": _shown(due), "r": _shown(received)}, "due_before_received")  # fmt: skip
            result = row.get("result")
            if result in (*RESOLVED, "approved_apology") and not finished:
                key = "finished_on" if "finished_on" in columns else "result"
                error(key, _("Hồ sơ đã có kết quả nhưng thiếu ngày có kết quả."), "finished_missing")
        if errors:
            raise BulkValueError(errors)
        return procedures


def _shown(day: date) -> str:
    return day.strftime("%d/%m/%Y")


DOSSIERS = DossierRegister()

__all__ = ["DOSSIERS", "ELEMENTS", "INDICATORS"]
