"""The document register as the shared register machinery sees it (`xaso.registers.spec.Register`): the columns
a document management system exports ("Sổ văn bản đến", "Sổ văn bản đi"), how rows are checked and saved, how
they are counted into the `documents_*` figures, and where an indicator's documents are listed.

The systems (VNPT iOffice, Đồng Nai - S and the like) differ in which columns they export and how they spell them,
so a header is read by its columns' names (`recognised_by_aliases`) when they say which register it is and hold
what that register needs (`columns_problem`); any other header is mapped once on the mapping screen. Whether a
file is the incoming or the outgoing register is read from its columns: an arrival date or an issuer is
incoming, a sending date or recipients outgoing (docs/decisions/0028, 0031).
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.formatting import format_date
from xaso.indicators.errors import BulkValueError, RowError
from xaso.indicators.filelimits import ImportFileError
from xaso.registers.cells import header_key
from xaso.registers.spec import CHOICE, DATE, Field, Register, SaveResult

from . import layouts
from .figures import ELEMENT_CODES, ELEMENT_RULES, month_counts
from .models import Direction, Document, Origin, Signature

#: the oldest document a register import takes (the document systems of communes date from the 2010s)
OLDEST = date(2000, 1, 1)
_UPDATED = ("doc_type", "issued_on", "counterpart", "summary", "is_electronic", "is_handled", "signature",
            "is_secret", "origin", "updated_at")  # fmt: skip
#: the fields a re-import compares with the stored document: all of them equal, the document is unchanged
_COMPARED = tuple(f for f in _UPDATED if f != "updated_at")

#: rate indicator → the element of its numerator: the documents the rate counts as done
INDICATOR_ELEMENTS = {
    "documents_sent_signed_rate": "documents_sent_signed",
    "documents_sent_electronic_rate": "documents_sent_electronic",
    "documents_received_online_rate": "documents_received_online",
    "documents_received_handled_rate": "documents_received_handled",
    **{code: code for code in ELEMENT_RULES},
}


def _spaced(vocabulary: dict) -> dict:
    """A vocabulary keyed as `header_key` writes it (`da_ky_so`) keyed as `cells.fold` does (`da ky so`)."""
    return {key.replace("_", " "): value for key, value in vocabulary.items() if key}


FIELDS = (
    Field("number", gettext_lazy("Số, ký hiệu"), required=True, max_length=80, aliases=layouts.ALIASES["number"]),
    Field("received_on", gettext_lazy("Ngày đến"), DATE, aliases=layouts.ALIASES["received_on"]),
    Field("sent_on", gettext_lazy("Ngày phát hành"), DATE, aliases=layouts.ALIASES["sent_on"]),
    Field("issued_on", gettext_lazy("Ngày văn bản"), DATE, aliases=layouts.ALIASES["issued_on"]),
    Field("doc_type", gettext_lazy("Loại văn bản"), max_length=120, aliases=layouts.ALIASES["doc_type"]),
    Field("issuer", gettext_lazy("Cơ quan ban hành"), max_length=500, aliases=layouts.ALIASES["issuer"]),
    Field("recipients", gettext_lazy("Nơi nhận"), max_length=500, aliases=layouts.ALIASES["recipients"]),
    Field("summary", gettext_lazy("Trích yếu"), max_length=1000, aliases=layouts.ALIASES["summary"]),
    Field("electronic", gettext_lazy("Văn bản điện tử"), CHOICE, choices=_spaced(layouts.YES_NO),
          aliases=layouts.ALIASES["electronic"], help=gettext_lazy("ghi “Điện tử” hoặc “Giấy” (hoặc Có/Không).")),
    Field("handled", gettext_lazy("Tình trạng xử lý"), CHOICE, choices=_spaced(layouts.YES_NO),
          aliases=layouts.ALIASES["handled"], help=gettext_lazy("ghi “Đã xử lý” hoặc “Đang xử lý”, “Chưa xử lý”.")),
    Field("signature", gettext_lazy("Ký số"), CHOICE, choices=_spaced(layouts.SIGNATURES),
          aliases=layouts.ALIASES["signature"],
          help=gettext_lazy("ghi “Không”, “Cá nhân”, “Tổ chức”, “Cá nhân và tổ chức” hoặc “Có”.")),
    Field("secret", gettext_lazy("Độ mật"), CHOICE, choices=_spaced(layouts.SECRET), aliases=layouts.ALIASES["secret"],
          help=gettext_lazy("để trống hoặc ghi “Thường”, “Mật”, “Tối mật”, “Tuyệt mật”.")),
    # recognised so that it is knowingly left out: the signer's name serves no figure (0028)
    Field("signer", gettext_lazy("Người ký (không lưu)"), personal=True, aliases=layouts.ALIASES["signer"]),
)  # fmt: skip

#: the columns each register needs besides the number: its date, and what its figures count
REQUIRED = {
    Direction.INCOMING: ("received_on", "electronic", "handled"),
    Direction.OUTGOING: ("sent_on", "electronic", "signature"),
}


def direction_of(fields: set[str]) -> str | None:
    """Incoming when the columns have an arrival date or an issuer, outgoing when a sending date or recipients;
    None when they have both or neither."""
    incoming = bool({"received_on", "issuer"} & fields)
    outgoing = bool({"sent_on", "recipients"} & fields)
    if incoming == outgoing:
        return None
    return Direction.INCOMING if incoming else Direction.OUTGOING


def _key(direction: str, number: str, counterpart: str) -> str:
    """One document: its number, and for an incoming one also its issuer (two bodies may both send a "12/TB")."""
    key = header_key(number)
    return f"{key}|{header_key(counterpart)}"[:600] if direction == Direction.INCOMING else key[:600]


def _text(value: object) -> str:
    return " ".join(str(value or "").split())


class DocumentRegister(Register):
    slug = "documents"
    label = gettext_lazy("Sổ văn bản đi, đến")
    row_label = gettext_lazy("văn bản")
    fields = FIELDS
    layouts = ()
    elements = ELEMENT_CODES
    indicators = tuple(INDICATOR_ELEMENTS)
    key_field = "number"
    drill_label = gettext_lazy("Văn bản")
    recognised_by_aliases = True

    def columns_problem(self, fields: set[str]) -> str | None:
        direction = direction_of(fields)
        if direction is None:
            return _(
                "Không biết đây là sổ văn bản đến hay văn bản đi: tệp cần cột “Ngày đến” (hoặc “Cơ quan "
                "ban hành”) của sổ đến, hoặc cột “Ngày phát hành” (hoặc “Nơi nhận”) của sổ đi, không cả hai."
            )
        missing = [str(self.field(key).label) for key in REQUIRED[direction] if key not in fields]
        if missing:
            return _("%(register)s thiếu cột: %(m)s.") % {
                "register": Direction(direction).label, "m": ", ".join(missing),
            }  # fmt: skip
        return None

    def has_rows(self, *, unit, year: int) -> bool:
        return Document.objects.filter(unit=unit, registered_on__year=year).exists()

    def home_url(self, *, unit) -> str:
        return reverse("correspondence:list") + "?" + urlencode({"unit": unit.code})

    def drilldown_url(self, *, unit, indicator_code: str, year: int) -> str | None:
        element = INDICATOR_ELEMENTS.get(indicator_code)
        if element is None:
            return None
        return reverse("correspondence:list") + "?" + urlencode({"unit": unit.code, "period": str(year),
                                                                 "element": element})  # fmt: skip

    def monthly_counts(self, *, unit, months: set[date]) -> dict[date, dict[str, int]]:
        last = max(months)
        end = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        counts = month_counts(unit=unit, start=min(months), end=end)
        return {date(int(code[:4]), int(code[5:7]), 1): row for code, row in counts.items()}

    def rows_save(self, *, user, unit, rows: list[dict], columns: dict[str, str], register_import) -> SaveResult:
        """Every row checked, then all saved — a document already in the register (same direction, date and
        number, and issuer for an incoming one) is updated — or none (BulkValueError naming row and column)."""
        problem = self.columns_problem(set(columns))
        if problem:  # a loader calling `rows_import` itself; a file's columns were judged before
            raise ImportFileError(problem)
        direction = direction_of(set(columns))
        documents, errors = self._documents(user=user, unit=unit, rows=rows, columns=columns, direction=direction)
        if errors:
            raise BulkValueError(errors)
        return self._save(unit=unit, direction=direction, documents=documents)

    def rows_check(self, *, unit, rows: list[dict], columns: dict[str, str]) -> list[RowError]:
        direction = direction_of(set(columns))
        if direction is None:
            return []
        return self._documents(user=None, unit=unit, rows=rows, columns=columns, direction=direction)[1]

    def _documents(self, *, user, unit, rows: list[dict], columns: dict[str, str],
                   direction: str) -> tuple[list[Document], list[RowError]]:  # fmt: skip
        """The rows as documents to save, and the errors of the rows that break a rule (by row and column)."""
        today = timezone.localdate()
        date_column = "received_on" if direction == Direction.INCOMING else "sent_on"
        counterpart_column = "issuer" if direction == Direction.INCOMING else "recipients"
        errors: list[RowError] = []
        documents: list[Document] = []
        first_row: dict[tuple, int] = {}
        now = timezone.now()
        for row in rows:
            number = row["_row"]
            start = len(errors)

            def err(field: str, message: str, code: str = "invalid") -> None:
                header = columns.get(field) or str(self.field(field).label)
                errors.append(RowError(number, header, message, code))  # noqa: B023 (called in this loop)

            doc_number = _text(row.get("number"))
            for field in (date_column, "issued_on"):
                day = row.get(field)
                if day is None:
                    if field == date_column:
                        err(field, _("Thiếu ngày."), "required")
                elif not OLDEST <= day <= today:
                    err(field, _("Ngày %(d)s nằm ngoài khoảng %(lo)s – hôm nay.")
                        % {"d": format_date(day), "lo": format_date(OLDEST)}, "out_of_range")  # fmt: skip
            try:
                doc_type = layouts.parse_type(row.get("doc_type"), doc_number)
            except ValueError as exc:
                err("doc_type", _("Loại văn bản “%(v)s” không có trong Nghị định 30/2020/NĐ-CP. Các loại: %(types)s.")
                    % {"v": str(exc)[:40], "types": layouts.type_names()}, "unknown_type")  # fmt: skip
            if len(errors) > start:
                continue
            counterpart = _text(row.get(counterpart_column))
            doc = Document(
                unit=unit, direction=direction, number=doc_number, doc_type=doc_type, registered_on=row[date_column],
                issued_on=row.get("issued_on"), counterpart=counterpart, summary=_text(row.get("summary")),
                is_electronic=bool(row.get("electronic")),
                is_handled=bool(row.get("handled")) if direction == Direction.INCOMING else False,
                signature=row.get("signature") or Signature.NONE, is_secret=bool(row.get("secret")),
                origin=Origin.IMPORT, key=_key(direction, doc_number, counterpart), created_by=user, created_at=now,
                updated_at=now,
            )  # fmt: skip
            place = (doc.registered_on, doc.key)
            if place in first_row:
                err("number", _("Trùng với dòng %(r)s (cùng số, ký hiệu và ngày).") % {"r": first_row[place]},
                    "duplicate")  # fmt: skip
                continue
            first_row[place] = number
            documents.append(doc)
        return documents, errors

    @staticmethod
    def _save(*, unit, direction: str, documents: list[Document]) -> SaveResult:
        stored = {
            (row[0], row[1]): row[2:]
            for row in Document.objects.filter(
                unit=unit, direction=direction, registered_on__in={d.registered_on for d in documents},
                key__in={d.key for d in documents},
            ).values_list("registered_on", "key", *_COMPARED)
        }  # fmt: skip
        # a document stored with the same values is left alone: the same file imported again changes nothing
        changed = [
            d for d in documents if stored.get((d.registered_on, d.key)) != tuple(getattr(d, f) for f in _COMPARED)
        ]
        Document.objects.bulk_create(
            changed, batch_size=500, update_conflicts=True,
            unique_fields=["unit", "direction", "registered_on", "key"], update_fields=list(_UPDATED),
        )  # fmt: skip
        updated = sum(1 for d in changed if (d.registered_on, d.key) in stored)
        return SaveResult(created=len(changed) - updated, updated=updated, unchanged=len(documents) - len(changed),
                          months={d.registered_on.replace(day=1) for d in changed})  # fmt: skip


DOCUMENTS = DocumentRegister()

__all__ = ["DOCUMENTS", "direction_of"]
