"""ADX (IHE Aggregate Data Exchange, namespace urn:ihe:qrph:adx:2015): written as a stream, read safely.

Writing: one `group` per unit × period × data set, one `dataValue` per figure (`dataElement`, `value`, and
`xaso:updated`, the time the figure was last written, which the receiver's conflict rule reads). xaso keeps no
disaggregations, so a `dataValue` carries none. The output validates against `schemas/adx.xsd` (the profile's base
schema) and `schemas/xaso_adx.xsd` (the one derived from xaso's data structure).

Reading: lxml with entities not resolved, no network, no DTD loaded, no huge trees; a document with a DOCTYPE
(where entity tricks live: XXE, billion laughs) is refused before anything else, as is one above the size limit.
Then the base schema, then each value — every problem named by its group and value position.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _
from lxml import etree

ADX_NS = "urn:ihe:qrph:adx:2015"
XASO_NS = "urn:xaso:exchange:2026"
ADX_MEDIA_TYPE = "application/adx+xml"
SCHEMAS = Path(__file__).resolve().parent / "schemas"


class AdxError(ValueError):
    """A document that cannot be read as ADX; `errors` are (position, message) pairs, in Vietnamese."""

    def __init__(self, message: str, errors: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True, slots=True)
class AdxValue:
    """One figure as read from a document, with where it was (1-based group and value positions)."""

    group: int
    position: int
    element: str
    unit: str
    period: str
    value: str
    updated: datetime | None
    comment: str


def decimal_text(value: float) -> str:
    """A float as xs:decimal wants it: no exponent, no trailing `.0` (1384.0 → `1384`, 1e-07 → `0.0000001`)."""
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def adx_stream(
    groups: Iterable[tuple[str, str, str, Iterable[tuple[str, float, datetime | None]]]],
    *,
    exported: datetime,
    batch_id: str = "",
) -> Iterator[str]:
    """The document in pieces, one group at a time: (unit code, ADX period, data set, [(element, value, updated)])."""
    extra = f" xaso:batch={quoteattr(batch_id)}" if batch_id else ""
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<adx xmlns="{ADX_NS}" xmlns:xaso="{XASO_NS}"'
        f' exported="{exported.isoformat(timespec="seconds")}"{extra}>\n'
    )
    for unit, period, data_set, values in groups:
        parts = [f"  <group orgUnit={quoteattr(unit)} period={quoteattr(period)} dataSet={quoteattr(data_set)}>\n"]
        for element, value, updated in values:
            stamp = f" xaso:updated={quoteattr(updated.isoformat())}" if updated else ""
            parts.append(
                f"    <dataValue dataElement={quoteattr(element)} value={quoteattr(decimal_text(value))}{stamp}/>\n"
            )
        parts.append("  </group>\n")
        yield "".join(parts)
    yield "</adx>\n"


@cache
def adx_schema(name: str = "adx.xsd") -> etree.XMLSchema:
    """A schema of `schemas/`, read with the same safe parser as documents."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), _parser()))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )  # fmt: skip


def _no_doctype(data: bytes) -> None:
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data or b"\x00" in head[:4]:
        raise AdxError(_("Tệp ADX không được chứa DOCTYPE hay khai báo ENTITY (và phải mã hóa UTF-8)."))


def adx_parse(data: bytes, *, max_values: int) -> tuple[list[AdxValue], str]:
    """The values of an ADX document and its `xaso:batch` id (empty if none); AdxError naming every problem found
    (with group/value positions)."""
    _no_doctype(data)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise AdxError(_("Tệp ADX không phải XML hợp lệ: %(e)s") % {"e": str(exc)[:200]}) from None
    if root.getroottree().docinfo.doctype:
        raise AdxError(_("Tệp ADX không được chứa DOCTYPE hay khai báo ENTITY (và phải mã hóa UTF-8)."))
    if root.tag != f"{{{ADX_NS}}}adx":
        raise AdxError(_("Phần tử gốc phải là <adx> trong không gian tên %(ns)s.") % {"ns": ADX_NS})
    schema = adx_schema()
    if not schema.validate(root):
        problems = [(_("dòng %(n)s") % {"n": e.line}, e.message[:300]) for e in list(schema.error_log)[:50]]
        raise AdxError(_("Tệp ADX không đúng lược đồ ADX (%(n)s lỗi).") % {"n": len(schema.error_log)}, problems)
    values: list[AdxValue] = []
    problems: list[tuple[str, str]] = []
    known_value_attributes = {"dataElement", "value"}
    for g, group in enumerate(root.iterchildren(f"{{{ADX_NS}}}group"), start=1):
        unit, period = group.get("orgUnit", "").strip(), group.get("period", "").strip()
        for v, item in enumerate(group.iterchildren(f"{{{ADX_NS}}}dataValue"), start=1):
            where = f"group[{g}]/dataValue[{v}]"
            extra = [name for name in item.attrib if not name.startswith("{") and name not in known_value_attributes]
            if extra:
                problems.append((where, _(
                    "Thuộc tính phân tổ %(a)s: xaso không lưu số liệu phân tổ, chỉ lưu tổng; gửi tổng không phân tổ."
                ) % {"a": ", ".join(sorted(extra))}))  # fmt: skip
                continue
            updated = None
            stamp = item.get(f"{{{XASO_NS}}}updated")
            if stamp:
                try:
                    updated = datetime.fromisoformat(stamp)
                except ValueError:
                    message = _("xaso:updated “%(v)s” không phải ngày giờ ISO 8601.") % {"v": stamp[:40]}
                    problems.append((where, message))
                    continue
                if updated.tzinfo is None:
                    problems.append((where, _("xaso:updated phải có múi giờ (ví dụ +07:00 hoặc Z).")))
                    continue
            note = item.find(f"{{{ADX_NS}}}annotation")
            comment = "".join(note.itertext()).strip()[:500] if note is not None else ""
            values.append(AdxValue(g, v, item.get("dataElement", "").strip(), unit, period,
                                   item.get("value", "").strip(), updated, comment))  # fmt: skip
            if len(values) > max_values:
                raise AdxError(_("Tối đa %(n)s số liệu mỗi lần; chia thành nhiều lần gửi.") % {"n": max_values})
    if problems:
        raise AdxError(_("Tệp ADX có %(n)s lỗi; không có số liệu nào được lưu.") % {"n": len(problems)}, problems)
    return values, (root.get(f"{{{XASO_NS}}}batch") or "").strip()[:64]


def xml_text(text: str) -> str:
    return escape(text)
