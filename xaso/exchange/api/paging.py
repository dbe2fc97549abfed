"""Keyset paging of the JSON pull (docs/decisions/0056-exchange-keyset-paging.md).

The figures come in the order of the value table's unique key — unit, period, data element (`unique_data_value`,
which leads with those columns) — and each page starts after the key of the last row of the one before: `WHERE
(unit_id, period_id, data_element_id) > (…) ORDER BY … LIMIT n`, a range scan of that index. A page costs the same
on page 1 and on page 500 (OFFSET reads and throws away every row before it), and a figure written while a partner
pages through neither shifts the pages nor comes twice.

The `next` link carries an opaque cursor: the last key and a fingerprint of the query, signed with the server's
secret (`django.core.signing`), so a cursor cannot be forged, edited or carried over to another query: a 400 in the
API's error body says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from django.core import signing
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

from xaso.core.pagination import _bounded_int

#: rows per page when `limit` is not given, and the most a page returns
PAGE_SIZE = 1000
MAX_PAGE_SIZE = 1000
KEY = ("unit_id", "period_id", "data_element_id")
_SALT = "xaso.exchange.cursor.v1"
#: the longest cursor read (a signed key of three integers and a fingerprint is about 90 characters)
MAX_CURSOR = 200


def fingerprint(query: dict) -> str:
    """A short digest of what the query selects (elements, units, subtree, periods): a cursor belongs to it."""
    canonical = json.dumps({k: query.get(k) for k in ("elements", "units", "subtree", "periods")}, sort_keys=True,
                           default=str)  # fmt: skip
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def cursor_make(key: Sequence[int], query_print: str) -> str:
    return signing.dumps([*key, query_print], salt=_SALT, compress=False)


def cursor_read(text: str, query_print: str) -> tuple[int, int, int]:
    """The key a cursor carries; a 400 (`invalid_cursor`) for a cursor edited, forged, or of another query."""
    bad = ValidationError(
        {"cursor": [_("Con trỏ trang không hợp lệ: dùng nguyên địa chỉ “next” của trang trước, không sửa.")]},
        code="invalid_cursor",
    )
    if not text or len(text) > MAX_CURSOR:
        raise bad
    try:
        data = signing.loads(text, salt=_SALT)
    except signing.BadSignature:
        raise bad from None
    if not (isinstance(data, list) and len(data) == 4 and all(type(v) is int and v > 0 for v in data[:3])):
        raise bad
    if data[3] != query_print:
        raise ValidationError(
            {"cursor": [_("Con trỏ trang thuộc một truy vấn khác: giữ nguyên elements, units, subtree, periods.")]},
            code="invalid_cursor",
        )
    return data[0], data[1], data[2]


def page_rows(values: QuerySet, *, after: tuple[int, int, int] | None, limit: int) -> tuple[list[tuple], tuple | None]:
    """One page of `values` (the pull's rows) in key order after `after`, and the key to continue from (None on the
    last page). Rows: unit code, period code, element code, value, comment, updated_at."""
    rows = values.values_list(
        "unit__code", "period__code", "data_element__code", "value", "comment", "updated_at", *KEY
    ).order_by(*KEY)
    if after is not None:
        rows = rows.filter(TupleGreaterThan(Tuple(*(F(k) for k in KEY)), after))
    fetched = list(rows[: limit + 1])
    more = len(fetched) > limit
    fetched = fetched[:limit]
    last = tuple(fetched[-1][6:9]) if more and fetched else None
    return [r[:6] for r in fetched], last


class KeysetPage:
    """The request's `limit` and `cursor`; `offset` is refused (it would page by position, see the module)."""

    def __init__(self, request, query_print: str):
        if request.query_params.get("offset") is not None:
            raise ValidationError(
                {"offset": [_("Trang theo vị trí (offset) không dùng ở đây: đi theo liên kết “next” của mỗi trang.")]},
                code="invalid",
            )
        limit = _bounded_int(request, "limit", low=1, high=MAX_PAGE_SIZE)
        self.limit = PAGE_SIZE if limit is None else limit
        raw = request.query_params.getlist("cursor")
        if len(raw) > 1:
            raise ValidationError({"cursor": [_("Chỉ một con trỏ trang mỗi lần.")]}, code="invalid_cursor")
        self.after = cursor_read(raw[0], query_print) if raw else None
        self.request = request
        self.query_print = query_print

    def next_link(self, last: tuple | None) -> str | None:
        if last is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, "cursor", cursor_make(last, self.query_print))
