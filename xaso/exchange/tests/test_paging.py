"""Keyset paging of the JSON pull: every figure once while figures are written between pages, a cursor that cannot
be edited or carried to another query, and the same queries on every page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import api, write

pytestmark = pytest.mark.django_db

JSON_URL = "/api/v1/exchange/values/"
PROVINCE = {"units": "75", "subtree": "true"}


def _key(row: dict) -> tuple:
    return row["unit"], row["period"], row["element"]


def _pages(client, query: dict, between=None) -> list[list[dict]]:
    """Every page from the first, following `next`; `between(n)` runs after page n (a writer meanwhile)."""
    pages, response = [], client.get(JSON_URL, query)
    while True:
        assert response.status_code == 200, response.content
        pages.append(response.json()["results"])
        if between:
            between(len(pages))
        following = response.json()["next"]
        if following is None:
            return pages
        response = client.get(following)


def test_paging_returns_every_figure_once_in_key_order(figures, province_analyst):
    client = api(province_analyst)
    whole = client.get(JSON_URL, {**PROVINCE, "limit": 1000}).json()
    assert whole["next"] is None and len(whole["results"]) == 6
    pages = _pages(client, {**PROVINCE, "limit": 4})
    assert [len(p) for p in pages] == [4, 2]
    assert [r for p in pages for r in p] == whole["results"]  # the same rows in the same order


def test_figures_written_between_pages_neither_repeat_nor_hide_a_row(figures, province_analyst, an_vien_officer,
                                                                     tri_an_officer):  # fmt: skip
    client = api(province_analyst)
    before = [_key(r) for r in client.get(JSON_URL, {**PROVINCE, "limit": 1000}).json()["results"]]

    def writer(page: int) -> None:  # after each of the first pages, new figures before and after the cursor
        if page > 3:
            return
        write(an_vien_officer, [("households_total", "26296", f"{2010 + page}", 100 + page),
                                ("dossiers_received", "26296", f"2025-{page:02d}", page)])  # fmt: skip
        write(tri_an_officer, [("households_total", "26170", f"{2010 + page}", 200 + page)])

    pages = _pages(client, {**PROVINCE, "limit": 2}, between=writer)
    seen = [_key(r) for p in pages for r in p]
    assert len(seen) == len(set(seen))  # no figure twice
    assert set(before) <= set(seen)  # none of those there at the start missed
    # with OFFSET, the figures written before the cursor would push rows already sent onto the next page


@pytest.mark.parametrize("tamper", ["flip", "truncate", "garbage", "forged"])
def test_a_tampered_cursor_is_a_clear_400(figures, province_analyst, tamper):
    from django.core import signing

    client = api(province_analyst)
    following = client.get(JSON_URL, {**PROVINCE, "limit": 2}).json()["next"]
    cursor = parse_qs(urlsplit(following).query)["cursor"][0]
    changed = {
        "flip": cursor[:-1] + ("A" if cursor[-1] != "A" else "B"),
        "truncate": cursor[: len(cursor) // 2],
        "garbage": "'; DROP TABLE x; --",
        "forged": signing.dumps([1, 1, 1, "0" * 16], salt="another", compress=False),
    }[tamper]
    response = client.get(JSON_URL, {**PROVINCE, "limit": 2, "cursor": changed})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["errors"]["cursor"][0]["code"] == "invalid_cursor"
    assert "Con trỏ trang không hợp lệ" in body["errors"]["cursor"][0]["message"]


def test_a_cursor_belongs_to_its_query(figures, province_analyst):
    client = api(province_analyst)
    following = client.get(JSON_URL, {**PROVINCE, "limit": 2}).json()["next"]
    cursor = parse_qs(urlsplit(following).query)["cursor"][0]
    response = client.get(JSON_URL, {"units": "26296", "limit": 2, "cursor": cursor})
    assert response.status_code == 400
    assert "truy vấn khác" in response.json()["errors"]["cursor"][0]["message"]
    assert client.get(following).status_code == 200  # the same cursor with its own query


def test_offset_is_refused_rather_than_ignored(figures, province_analyst):
    response = api(province_analyst).get(JSON_URL, {**PROVINCE, "offset": 2})
    assert response.status_code == 400 and "offset" in response.json()["errors"]


def test_every_page_costs_the_same_queries(figures, province_analyst, django_assert_max_num_queries):
    client = api(province_analyst)
    with django_assert_max_num_queries(PAGE_QUERIES) as first:
        following = client.get(JSON_URL, {**PROVINCE, "limit": 2}).json()["next"]
    following = client.get(following).json()["next"]
    with django_assert_max_num_queries(PAGE_QUERIES) as deep:
        assert client.get(following).json()["next"] is None
    assert len(first.captured_queries) == len(deep.captured_queries)


#: user (token), elements, units, the readable check, the page (+ savepoints)
PAGE_QUERIES = 8
