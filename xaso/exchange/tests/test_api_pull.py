"""Pulling figures: JSON pages and streamed ADX, by elements, units (with their subtree) and periods in any form,
never beyond the caller's scope."""

from __future__ import annotations

import pytest
from lxml import etree

from xaso.exchange.adx import ADX_NS, adx_schema

from .conftest import api

pytestmark = pytest.mark.django_db

JSON_URL = "/api/v1/exchange/values/"
ADX_URL = "/api/v1/exchange/adx/"


def pulled(response) -> list[tuple]:
    return [(r["unit"], r["period"], r["element"], r["value"]) for r in response.json()["results"]]


def test_province_analyst_pulls_the_communes_of_the_province(figures, province_analyst):
    response = api(province_analyst).get(JSON_URL, {"units": "75", "subtree": "true", "periods": "2025"})
    assert response.status_code == 200
    assert sorted(pulled(response)) == [  # pages follow the value table's key, not the units' codes
        ("26170", "2025", "households_fibre", 1500), ("26170", "2025", "households_total", 2400),
        ("26296", "2025", "households_fibre", 1384), ("26296", "2025", "households_total", 1961),
    ]  # fmt: skip
    first = response.json()["results"][0]
    assert first["period_iso"] == "2025-01-01/P1Y" and first["updated_at"]


def test_without_subtree_a_province_has_no_figures_of_its_own(figures, province_analyst):
    response = api(province_analyst).get(JSON_URL, {"units": "75"})
    assert response.json() == {"next": None, "results": []}


def test_commune_officer_pulls_their_commune_and_is_refused_another(figures, an_vien_officer):
    client = api(an_vien_officer)
    mine = client.get(JSON_URL, {"elements": "dossiers_online,dossiers_received"})
    assert sorted(pulled(mine)) == [
        ("26296", "2026-01", "dossiers_online", 87),
        ("26296", "2026-01", "dossiers_received", 120),
    ]
    refused = client.get(JSON_URL, {"units": "26170"})
    assert refused.status_code == 403 and refused.json()["code"] == "out_of_scope"
    province = client.get(JSON_URL, {"units": "75", "subtree": "true"})
    assert province.status_code == 403


def test_periods_in_adx_form_select_the_same_figures(figures, province_analyst):
    client = api(province_analyst)
    by_code = client.get(JSON_URL, {"periods": "2026-01", "subtree": "true", "units": "75"})
    by_iso = client.get(JSON_URL, {"periods": "2026-01-01/P1M", "subtree": "true", "units": "75"})
    by_year = client.get(JSON_URL, {"periods": "2026-01-01/P1Y", "subtree": "true", "units": "75"})  # months inside
    assert sorted(pulled(by_code)) == sorted(pulled(by_iso)) == sorted(pulled(by_year)) == [
        ("26296", "2026-01", "dossiers_online", 87), ("26296", "2026-01", "dossiers_received", 120)]  # fmt: skip
    assert client.get(JSON_URL, {"periods": "2026-02-01/P1Y"}).status_code == 400


def test_unknown_codes_are_named(figures, province_analyst):
    response = api(province_analyst).get(JSON_URL, {"elements": "households_total,nope", "units": "99999"})
    assert response.status_code == 400
    assert "99999" in str(response.json()["errors"])
    response = api(province_analyst).get(JSON_URL, {"elements": "households_total,nope"})
    assert "nope" in str(response.json()["errors"]["elements"])


def test_json_pages_are_bounded(figures, province_analyst):
    response = api(province_analyst).get(JSON_URL, {"limit": 3})
    assert len(response.json()["results"]) == 3 and "cursor=" in response.json()["next"]
    assert api(province_analyst).get(JSON_URL, {"limit": 5000}).status_code == 400


def test_adx_pull_streams_one_group_per_unit_and_period_and_validates(figures, province_analyst):
    response = api(province_analyst).get(ADX_URL, {"units": "75", "subtree": "true"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("application/adx+xml")
    root = etree.fromstring(b"".join(response.streaming_content))
    assert adx_schema("adx.xsd").validate(root) and adx_schema("xaso_adx.xsd").validate(root)
    groups = [(g.get("orgUnit"), g.get("period"), g.get("dataSet"),
               [(v.get("dataElement"), v.get("value")) for v in g]) for g in root]  # fmt: skip
    assert groups == [
        ("26170", "2025-01-01/P1Y", "XASO", [("households_fibre", "1500"), ("households_total", "2400")]),
        ("26296", "2025-01-01/P1Y", "XASO", [("households_fibre", "1384"), ("households_total", "1961")]),
        ("26296", "2026-01-01/P1M", "XASO", [("dossiers_online", "87"), ("dossiers_received", "120")]),
    ]
    assert root.tag == f"{{{ADX_NS}}}adx"


def test_adx_pull_beyond_the_row_bound_asks_to_narrow(figures, province_analyst, settings):
    settings.XASO_EXCHANGE_MAX_ROWS = 5
    response = api(province_analyst).get(ADX_URL, {"units": "75", "subtree": "true"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "thu hẹp" in response.json()["errors"]["units"][0]["message"]
    settings.XASO_EXCHANGE_MAX_ROWS = 6
    assert api(province_analyst).get(ADX_URL, {"units": "75", "subtree": "true"}).status_code == 200


def test_adx_errors_come_in_the_json_error_body_even_when_adx_is_asked(figures, an_vien_officer):
    response = api(an_vien_officer).get(ADX_URL, {"units": "26170"}, HTTP_ACCEPT="application/adx+xml")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"


def test_pull_needs_a_token():
    from rest_framework.test import APIClient

    assert APIClient().get(JSON_URL).status_code == 401


def test_pull_reads_in_a_fixed_number_of_queries(figures, province_analyst, django_assert_max_num_queries):
    client = api(province_analyst)
    with django_assert_max_num_queries(6):
        b"".join(client.get(ADX_URL, {"units": "75", "subtree": "true"}).streaming_content)
