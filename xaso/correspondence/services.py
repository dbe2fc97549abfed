"""Writes to the document register: the import of a document management system's export, and the
registration of the plans xaso issues as outgoing documents. Each recounts the figures of the months it
touched (`figures.figures_write`), in the same transaction: the register and its figures never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_write_commune, is_current_commune
from xaso.core.formatting import format_date
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.errors import BulkValueError, RowError
from xaso.indicators.importexport import ImportFileError, sheet_rows
from xaso.indicators.services import WriteResult

from . import layouts
from .figures import figures_write, months_of
from .models import Direction, Document, Origin, Signature

#: the oldest document a register import takes (the document systems of communes date from the 2010s)
OLDEST = date(2000, 1, 1)
#: header search: a title such as "SỔ VĂN BẢN ĐẾN NĂM 2025" may stand above the header
HEADER_ROWS = 10
_UPDATED = ("doc_type", "issued_on", "counterpart", "summary", "is_electronic", "is_handled", "signature",
            "is_secret", "origin", "updated_at")  # fmt: skip


@dataclass
class RegisterImport:
    direction: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    figures: WriteResult = field(default_factory=WriteResult)
    months: list[str] = field(default_factory=list)


def _key(direction: str, number: str, counterpart: str) -> str:
    """One document: its number, and for an incoming one also its issuer (two bodies may both send a "12/TB")."""
    key = layouts.header_key(number)
    return f"{key}|{layouts.header_key(counterpart)}"[:600] if direction == Direction.INCOMING else key[:600]


def _require_commune_writer(user, unit: AdminUnit) -> None:
    if not is_current_commune(unit):
        raise PermissionDenied(_("Sổ văn bản thuộc một xã hiện hành; “%(u)s” không phải xã.") % {"u": unit.name})
    if not can_write_commune(user, unit):
        raise PermissionDenied(_("Bạn không có quyền cập nhật sổ văn bản của %(u)s.") % {"u": unit.name})


def _header(numbered, direction: str | None):
    """(header row number, columns, direction) from the first rows; ImportFileError naming what is missing."""
    seen: list[str] = []
    for number, cells in numbered:
        if not any(str(c or "").strip() for c in cells):
            continue
        columns = layouts.columns_of(cells)
        if "number" in columns:
            found = direction or layouts.direction_of(columns)
            if found is None:
                raise ImportFileError(
                    _("Dòng %(r)s: không biết đây là sổ văn bản đến hay văn bản đi (tệp có cả “Ngày đến” và "
                      "“Nơi nhận”, hoặc không có cả hai): chọn loại sổ khi tải lên.") % {"r": number}
                )  # fmt: skip
            missing = [layouts.LABELS[c] for c in layouts.required(found) if c not in columns]
            if missing:
                raise ImportFileError(
                    _("Dòng tiêu đề (dòng %(r)s) thiếu cột: %(m)s. Tệp có: %(seen)s.")
                    % {"r": number, "m": ", ".join(missing),
                       "seen": ", ".join(f"“{str(c).strip()}”" for c in cells if str(c or "").strip())}
                )  # fmt: skip
            return number, columns, found
        seen.append(", ".join(str(c).strip() for c in cells if str(c or "").strip())[:120])
        if len(seen) >= HEADER_ROWS:
            break
    raise ImportFileError(
        _("Không tìm thấy dòng tiêu đề của sổ văn bản trong %(n)s dòng đầu (cần cột “Số, ký hiệu”, “Ngày đến” "
          "hoặc “Ngày phát hành”, “Văn bản điện tử”...).") % {"n": HEADER_ROWS}
    )  # fmt: skip


def _cell(cells: list[object], columns, column: str) -> object:
    if column not in columns:
        return None
    index = columns[column][0]
    return cells[index] if index < len(cells) else None


def _text(value: object, limit: int) -> str:
    return " ".join(str(value or "").split())[: limit + 1]


def _read_row(number: int, cells: list[object], columns, direction: str, today: date, errors: list[RowError]):
    """A Document (unsaved) from one row, or None with its problems appended to `errors`."""
    start = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(RowError(number, columns[column][1] if column in columns else layouts.LABELS[column], message))

    doc_number = _text(_cell(cells, columns, "number"), 80)
    if not doc_number:
        err("number", _("Thiếu số, ký hiệu văn bản."))
    elif len(doc_number) > 80:
        err("number", _("Số, ký hiệu dài quá 80 ký tự."))
    date_column = "received_on" if direction == Direction.INCOMING else "sent_on"
    registered_on = issued_on = None
    for column in (date_column, "issued_on"):
        raw = _cell(cells, columns, column)
        if column == "issued_on" and not str(raw or "").strip():
            continue
        try:
            value = layouts.parse_date(raw)
        except (ValueError, OverflowError):
            err(column, layouts.bad_date_message(raw) if str(raw or "").strip() else _("Thiếu ngày."))
            continue
        if not OLDEST <= value <= today:
            err(column, _("Ngày %(d)s nằm ngoài khoảng %(lo)s – hôm nay.")
                % {"d": format_date(value), "lo": format_date(OLDEST)})  # fmt: skip
            continue
        if column == date_column:
            registered_on = value
        else:
            issued_on = value
    counterpart_column = "issuer" if direction == Direction.INCOMING else "recipients"
    counterpart = _text(_cell(cells, columns, counterpart_column), 500)
    if len(counterpart) > 500:
        err(counterpart_column, _("Dài quá 500 ký tự."))
    summary = _text(_cell(cells, columns, "summary"), 1000)
    if len(summary) > 1000:
        err("summary", _("Trích yếu dài quá 1.000 ký tự."))
    parsed = {}
    readers = {
        "electronic": (layouts.parse_yes_no, _("“%(v)s”: ghi “Điện tử” hoặc “Giấy” (hoặc Có/Không).")),
        "handled": (layouts.parse_yes_no, _("“%(v)s”: ghi “Đã xử lý” hoặc “Đang xử lý”, “Chưa xử lý”.")),
        "signature": (layouts.parse_signature,
                      _("“%(v)s”: ghi “Không”, “Cá nhân”, “Tổ chức”, “Cá nhân và tổ chức” hoặc “Có”.")),
        "secret": (layouts.parse_secret, _("“%(v)s”: để trống hoặc ghi “Thường”, “Mật”, “Tối mật”, “Tuyệt mật”.")),
    }  # fmt: skip
    for column, (reader, message) in readers.items():
        if column not in columns:
            continue
        raw = _cell(cells, columns, column)
        try:
            parsed[column] = reader(raw)
        except ValueError:
            err(column, message % {"v": str(raw or "")[:40]})
    try:
        doc_type = layouts.parse_type(_cell(cells, columns, "doc_type"), doc_number)
    except ValueError as exc:
        err("doc_type", _("Loại văn bản “%(v)s” không có trong Nghị định 30/2020/NĐ-CP. Các loại: %(types)s.")
            % {"v": str(exc)[:40], "types": layouts.type_names()})  # fmt: skip
        doc_type = ""
    if len(errors) > start or registered_on is None:
        return None
    return Document(
        direction=direction, number=doc_number, doc_type=doc_type, registered_on=registered_on, issued_on=issued_on,
        counterpart=counterpart, summary=summary, is_electronic=parsed.get("electronic", False),
        is_handled=parsed.get("handled", False) if direction == Direction.INCOMING else False,
        signature=parsed.get("signature", Signature.NONE), is_secret=parsed.get("secret", False),
        origin=Origin.IMPORT, key=_key(direction, doc_number, counterpart),
    )  # fmt: skip


@transaction.atomic
def register_import(*, user, unit: AdminUnit, data: bytes, filename: str, direction: str | None = None,
                    today: date | None = None) -> RegisterImport:  # fmt: skip
    """Import a register exported by the document management system: every row checked, then all saved
    (a document already in the register, same number and date, is updated) or none (BulkValueError naming each
    row and column). Raises ImportFileError when the file cannot be read, PermissionDenied out of scope."""
    _require_commune_writer(user, unit)
    if direction not in (None, "", Direction.INCOMING, Direction.OUTGOING):
        raise ValidationError({"direction": _("Loại sổ không hợp lệ.")})
    today = today or timezone.localdate()
    numbered = iter(sheet_rows(data, filename))
    _number, columns, found = _header(numbered, direction or None)
    errors: list[RowError] = []
    documents: list[Document] = []
    first_row: dict[tuple, int] = {}
    rows = 0
    for number, cells in numbered:
        if not any(str(c or "").strip() for c in cells):
            continue
        rows += 1
        doc = _read_row(number, cells, columns, found, today, errors)
        if doc is None:
            continue
        place = (doc.registered_on, doc.key)
        if place in first_row:
            errors.append(
                RowError(
                    number,
                    columns["number"][1],
                    _("Trùng với dòng %(r)s (cùng số, ký hiệu và ngày).") % {"r": first_row[place]},
                )
            )
            continue  # fmt: skip
        first_row[place] = number
        documents.append(doc)
    if rows == 0:
        raise ImportFileError(_("Tệp chỉ có dòng tiêu đề, không có văn bản nào."))
    if errors:
        raise BulkValueError(errors)
    now = timezone.now()
    existing = set(
        Document.objects.filter(
            unit=unit, direction=found, registered_on__in={d.registered_on for d in documents},
            key__in={d.key for d in documents},
        ).values_list("registered_on", "key")
    )  # fmt: skip
    for doc in documents:
        doc.unit, doc.created_by, doc.created_at, doc.updated_at = unit, user, now, now
    Document.objects.bulk_create(
        documents, batch_size=500, update_conflicts=True,
        unique_fields=["unit", "direction", "registered_on", "key"], update_fields=list(_UPDATED),
    )  # fmt: skip
    months = months_of(d.registered_on for d in documents)
    figures = figures_write(user=user, unit=unit, months=months)
    updated = sum(1 for d in documents if (d.registered_on, d.key) in existing)
    return RegisterImport(direction=found, rows=rows, created=len(documents) - updated, updated=updated,
                          figures=figures, months=[m.code for m in months])  # fmt: skip


def document_register_plan(*, plan, user) -> Document:
    """Register an approved plan as an outgoing document of its commune (number, date, type from the symbol).

    Called by `plan_approve`. Whether it was signed digitally and sent electronically is what the document
    system knows: the register's next import of the same number and date fills that in; until then it counts as
    an outgoing document not (yet) known to be signed."""
    unit = plan.unit
    if unit.level != Level.COMMUNE or plan.issued_on is None:
        return None
    doc_type = layouts.parse_type("", plan.number)
    key = _key(Direction.OUTGOING, plan.number, "")
    doc, _created = Document.objects.update_or_create(
        unit=unit, direction=Direction.OUTGOING, registered_on=plan.issued_on, key=key,
        defaults={"number": plan.number[:80], "doc_type": doc_type, "issued_on": plan.issued_on,
                  "summary": plan.title[:1000], "plan": plan},
        create_defaults={"number": plan.number[:80], "doc_type": doc_type, "issued_on": plan.issued_on,
                         "summary": plan.title[:1000], "plan": plan, "is_electronic": False,
                         "origin": Origin.XASO, "created_by": user},
    )  # fmt: skip
    if plan.issued_on <= timezone.localdate():
        figures_write(user=user, unit=unit, months=months_of([plan.issued_on]))
    return doc
