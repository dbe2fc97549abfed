"""Bounds on an import file: what a few kilobytes may make the server do is checked before and while reading.

A CSV or XLSX can cost far more than its size: a zip member that inflates a thousandfold, a sheet declaring
a million rows, a shared-strings part of millions of strings, XML entity expansion, one row of millions of
cells. Every bound below is enforced before the file is read (size, zip directory, uncompressed sizes,
compression ratio, member names, declared sheet dimension) or while it is read (rows, columns, cell length,
shared strings, time), so a hostile file is refused in seconds with bounded memory and a Vietnamese message
naming the limit and the value found. The values are in `settings.XASO_IMPORT_LIMITS` (docs/security.md).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import time
import zipfile
from dataclasses import dataclass, fields

from django.conf import settings
from django.utils.translation import gettext as _

from xaso.core.formatting import format_number

MB = 1024 * 1024


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, header, size); the message is for people."""


@dataclass(frozen=True)
class ImportLimits:
    """The bounds of one import; `settings.XASO_IMPORT_LIMITS` overrides any of them by name."""

    #: bytes of the uploaded file
    file_bytes: int = 50 * MB
    #: rows of the file or the first sheet, header and blank rows included (a commune-year is ~23,040 values)
    rows: int = 200_001
    #: columns holding data (the layout has 7; extra columns are ignored but bounded)
    columns: int = 50
    #: characters of one cell (Excel's own limit is 32,767)
    cell_chars: int = 32_767
    #: characters of one CSV line
    line_chars: int = 65_536
    #: seconds spent reading the file into rows
    seconds: float = 60.0
    #: XLSX: parts in the zip
    xlsx_members: int = 300
    #: XLSX: sheets in the workbook
    xlsx_sheets: int = 50
    #: XLSX: all parts once inflated
    xlsx_total_bytes: int = 300 * MB
    #: XLSX: the sheet read, once inflated (200,000 exported rows are about 80 MB)
    xlsx_sheet_bytes: int = 250 * MB
    #: XLSX: the shared strings part, once inflated
    xlsx_strings_bytes: int = 100 * MB
    #: XLSX: shared strings
    xlsx_strings: int = 1_500_000
    #: XLSX: any other part read (workbook, relationships, styles), once inflated
    xlsx_part_bytes: int = 10 * MB
    #: XLSX: inflated / compressed size of a part above 1 MB (Excel's own files: about 5–20)
    xlsx_ratio: int = 100
    #: XLSX: cells written in one row of the sheet, empty ones included (Excel's own limit is 16,384)
    xlsx_row_cells: int = 16_384

    @classmethod
    def current(cls) -> ImportLimits:
        overrides = getattr(settings, "XASO_IMPORT_LIMITS", {}) or {}
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in overrides.items() if k in known})


def _n(number: float) -> str:
    return format_number(number)


def _mb(size: float) -> str:
    return format_number(size / MB, 1) if size < 10 * MB else format_number(size / MB)


class Budget:
    """Rows, columns, cell length and time of one read; each check raises ImportFileError when exceeded."""

    def __init__(self, limits: ImportLimits):
        self.limits = limits
        self.started = time.monotonic()

    def tick(self) -> None:
        if time.monotonic() - self.started > self.limits.seconds:
            raise ImportFileError(
                _("Đọc tệp mất hơn %(s)s giây, vượt giới hạn thời gian: chia thành nhiều tệp nhỏ hơn.")
                % {"s": _n(self.limits.seconds)}
            )

    def row(self, number: int) -> None:
        """Row `number` (from 1, header included) exists in the file."""
        if number > self.limits.rows:
            raise ImportFileError(
                _("Tệp dài hơn %(max)s dòng (kể cả dòng tiêu đề và dòng trống; tệp có dòng thứ %(n)s): "
                  "chia thành nhiều tệp nhỏ hơn.") % {"max": _n(self.limits.rows), "n": _n(number)}
            )  # fmt: skip
        if number % 1024 == 0:
            self.tick()

    def column(self, row: int, column: int) -> None:
        """Row `row` holds data in column `column` (from 1)."""
        if column > self.limits.columns:
            raise ImportFileError(
                _("Dòng %(row)s có dữ liệu ở cột thứ %(col)s, vượt giới hạn %(max)s cột: xóa các cột thừa rồi lưu lại.")
                % {"row": _n(row), "col": _n(column), "max": _n(self.limits.columns)}
            )

    def cell(self, row: int, length: int) -> None:
        if length > self.limits.cell_chars:
            raise ImportFileError(
                _("Dòng %(row)s có một ô dài %(n)s ký tự, vượt giới hạn %(max)s ký tự mỗi ô.")
                % {"row": _n(row), "n": _n(length), "max": _n(self.limits.cell_chars)}
            )


def check_file_size(size: int, limits: ImportLimits) -> None:
    if size > limits.file_bytes:
        raise ImportFileError(
            _("Tệp lớn %(size)s MB, vượt giới hạn %(max)s MB: chia thành nhiều tệp nhỏ hơn.")
            % {"size": _mb(size), "max": _mb(limits.file_bytes)}
        )


# XLSX: the zip, inspected before anything in it is inflated

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
#: central directory bytes allowed per member (fixed 46 bytes, a name, extra fields, a comment)
_DIRECTORY_PER_MEMBER = 1024
_NESTED = (".zip", ".xlsx", ".xlsm", ".xlsb", ".docx", ".pptx", ".jar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar")
_RATIO_FROM = 1 * MB


def corrupt() -> ImportFileError:
    return ImportFileError(
        _("Không mở được tệp XLSX (tệp hỏng hoặc không phải Excel): mở bằng Excel và lưu lại dạng .xlsx.")
    )


def _directory_entries(data: bytes) -> tuple[int, int]:
    """(members, central directory bytes) from the end-of-directory record, read without zipfile, which
    would otherwise parse a directory of any length before a count could be checked."""
    tail = data[-(_EOCD_SIZE + 65535) :]
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        raise corrupt()
    _sig, _disk, _cd_disk, _here, total, size, _offset, _comment = struct.unpack("<4s4H2LH", tail[at : at + 22])
    return total, size


def _refuse_members(count: int, limits: ImportLimits) -> ImportFileError:
    return ImportFileError(
        _("Tệp XLSX gồm %(n)s phần, vượt giới hạn %(max)s phần: chép trang số liệu sang một tệp mới rồi lưu lại.")
        % {"n": _n(count), "max": _n(limits.xlsx_members)}
    )


def open_xlsx(data: bytes, limits: ImportLimits) -> zipfile.ZipFile:
    """The zip of an XLSX, once its directory, names, sizes and ratios are within the limits."""
    members, directory_bytes = _directory_entries(data)
    if members > limits.xlsx_members or directory_bytes > limits.xlsx_members * _DIRECTORY_PER_MEMBER:
        raise _refuse_members(max(members, directory_bytes // _DIRECTORY_PER_MEMBER), limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # zipfile raises many kinds on a hostile directory; all mean "not a good zip"
        raise corrupt() from exc
    if len(infos) > limits.xlsx_members:
        raise _refuse_members(len(infos), limits)
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        normal = posixpath.normpath(name)
        if (
            not name
            or name in seen
            or name.startswith("/")
            or "\\" in name
            or "\x00" in name
            or normal.startswith("..")
            or normal != name.rstrip("/")
        ):
            raise ImportFileError(
                _("Tệp XLSX có phần tên bất thường (“%(name)s”): tệp hỏng hoặc không phải do Excel tạo.")
                % {"name": name[:80]}
            )
        seen.add(name)
        if name.lower().endswith(_NESTED):
            raise ImportFileError(
                _("Tệp XLSX chứa một tệp nén khác bên trong (“%(name)s”): lưu lại tệp không kèm đối tượng nhúng.")
                % {"name": name[:80]}
            )
        if info.flag_bits & 0x1:
            raise ImportFileError(_("Tệp XLSX có phần được mã hóa: bỏ mật khẩu rồi lưu lại."))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ImportFileError(_("Tệp XLSX dùng kiểu nén không hỗ trợ: mở bằng Excel và lưu lại dạng .xlsx."))
        total += info.file_size
        if total > limits.xlsx_total_bytes:
            raise ImportFileError(
                _("Tệp XLSX khi giải nén lớn hơn %(max)s MB (giới hạn), tới phần “%(name)s” đã là %(size)s MB: "
                  "chia thành nhiều tệp nhỏ hơn.")
                % {"max": _mb(limits.xlsx_total_bytes), "name": name[:80], "size": _mb(total)}
            )  # fmt: skip
        if info.file_size > _RATIO_FROM and info.file_size > limits.xlsx_ratio * max(info.compress_size, 1):
            raise ImportFileError(
                _("Phần “%(name)s” của tệp XLSX nén %(ratio)s lần (%(size)s MB khi giải nén), vượt giới hạn "
                  "%(max)s lần: tệp có dấu hiệu “bom nén”, không đọc.")
                % {"name": name[:80], "ratio": _n(info.file_size // max(info.compress_size, 1)),
                   "size": _mb(info.file_size), "max": _n(limits.xlsx_ratio)}
            )  # fmt: skip
    return archive


def check_part_size(info: zipfile.ZipInfo, limit: int) -> None:
    """A part about to be read is within its own bound (zipfile never inflates past the declared size)."""
    if info.file_size > limit:
        raise ImportFileError(
            _("Phần “%(name)s” của tệp XLSX khi giải nén lớn %(size)s MB, vượt giới hạn %(max)s MB cho phần này.")
            % {"name": info.filename[:80], "size": _mb(info.file_size), "max": _mb(limit)}
        )


_RANGE = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?$")


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def check_dimension(ref: str, limits: ImportLimits) -> None:
    """A sheet's declared `<dimension ref>` within the row limit and Excel's columns (a bad reference is ignored)."""
    match = _RANGE.match(ref.upper())
    if match is None:
        return
    last_col, last_row = (match.group(3), match.group(4)) if match.group(3) else (match.group(1), match.group(2))
    rows, columns = int(last_row), _column_number(last_col)
    if rows > limits.rows or columns > limits.xlsx_row_cells:
        raise ImportFileError(
            _("Trang tính khai báo vùng dữ liệu %(ref)s (%(rows)s dòng × %(cols)s cột), vượt giới hạn %(max)s "
              "dòng: xóa các dòng thừa hoặc chia thành nhiều tệp nhỏ hơn.")
            % {"ref": ref[:40], "rows": format_number(rows), "cols": format_number(columns),
               "max": format_number(limits.rows)}
        )  # fmt: skip
