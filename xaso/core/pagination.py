"""Pagination of every API list: `limit` and `offset`, checked and bounded.

DRF's LimitOffsetPagination quietly falls back to the default on `limit=abc`, `offset=-1` or `offset=null`
and lets any offset through to SQL (`offset=99999999999999999999` overflows it: a 500). A client that sends
a value it did not mean should hear so: each bad value is a 400 naming the parameter, in the API's error body.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

#: rows per page when `limit` is not given
PAGE_SIZE = 100
#: most rows one page returns (a commune-year of figures is about 23,000: 24 pages)
MAX_PAGE_SIZE = 1000
#: the largest offset: the largest 32-bit signed integer, which every database takes in OFFSET
MAX_OFFSET = 2**31 - 1


def _bounded_int(request, name: str, *, low: int, high: int) -> int | None:
    """The parameter as an integer in [low, high]; None when absent; 400 for anything else."""
    raw = request.query_params.getlist(name)
    if not raw:
        return None
    text = raw[-1].strip()
    if len(raw) > 1 or not text.isascii() or not text.isdigit() or len(text) > 12 or not low <= int(text) <= high:
        raise ValidationError(
            {name: [_("Cần một số nguyên từ %(low)s đến %(high)s.") % {"low": low, "high": high}]}, code="invalid"
        )
    return int(text)


class Pagination(pagination.LimitOffsetPagination):
    """`?limit=&offset=` as DRF's, each checked: 100 rows unless asked, never more than 1,000 (a 400 above)."""

    default_limit = PAGE_SIZE
    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request) -> int:
        limit = _bounded_int(request, self.limit_query_param, low=1, high=MAX_PAGE_SIZE)
        return self.default_limit if limit is None else limit

    def get_offset(self, request) -> int:
        offset = _bounded_int(request, self.offset_query_param, low=0, high=MAX_OFFSET)
        return offset or 0

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": _("Số dòng mỗi trang (mặc định %(default)s).") % {"default": PAGE_SIZE},
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": _("Bỏ qua bao nhiêu dòng đầu."),
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
            },
        ]
