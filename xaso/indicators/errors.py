"""Row-level errors for imports and bulk writes: which row, which column, why (Vietnamese)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    row: int | None  # 1-based row number in the file (header = row 1), or item index for the API
    column: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        where = _("Dòng %(row)s, cột “%(col)s”") % {"row": self.row, "col": self.column} if self.row else self.column
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "code": self.code}


class BulkValueError(Exception):
    """Raised when any row of a bulk write is invalid: nothing was saved."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(_("Có %(n)s lỗi; không có số liệu nào được lưu.") % {"n": len(errors)})
