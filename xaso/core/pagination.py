"""Every API list is paged, and a client cannot ask for an unbounded page."""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination

#: rows in one page when the client does not say (`?limit=`)
PAGE_SIZE = 100
#: most rows one page holds, whatever `?limit=` asks: a province's figures are read page by page, never at once
MAX_PAGE_SIZE = 1000


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=` as DRF's, with `limit` capped at MAX_PAGE_SIZE (a larger one is read as the cap)."""

    default_limit = PAGE_SIZE
    max_limit = MAX_PAGE_SIZE
