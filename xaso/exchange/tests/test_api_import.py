"""Importing figures received as JSON or ADX: all-or-nothing, a receipt (imported / updated / deleted / ignored /
conflicts), errors named by position, the conflict rule, one application per batch id, safe XML, bounded size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xaso.accounts.models import Role
from xaso.conftest import make_unit, make_user
from xaso.geo.models import Level
from xaso.indicators.models import ChangeSource, DataValue, DataValueChange

from .conftest import api

pytestmark = pytest.mark.django_db

JSON_URL = "/api/v1/exchange/values/"
ADX_URL = "/api/v1/exchange/adx/"


def stored(unit="26296") -> dict:
    rows = DataValue.objects.filter(unit__code=unit).values_list("data_element__code", "period__code", "value")
    return {(e, p): v for e, p, v in rows}


def test_json_import_counts_imported_updated_ignored_and_writes_as_exchange(figures, an_vien_officer):
    body = {"values": [
        {"element": "households_total", "unit": "26296", "period": "2025-01-01/P1Y", "value": 1961},  # same
        {"element": "households_fibre", "unit": "26296", "period": "2025", "value": 1390},  # changed
        {"element": "population_total", "unit": "26296", "period": "2025", "value": 7420},  # new
        {"element": "dossiers_online", "unit": "26296", "period": "2026-01", "value": None},  # deleted
    ]}  # fmt: skip
    response = api(an_vien_officer).post(JSON_URL, body, format="json")
    assert response.status_code == 200, response.json()
    receipt = response.json()
    assert (receipt["imported"], receipt["updated"], receipt["deleted"], receipt["ignored"]) == (1, 1, 1, 1)
    assert receipt["conflicts"] == [] and receipt["status"] == "success"
    assert stored()[("households_fibre", "2025")] == 1390 and ("dossiers_online", "2026-01") not in stored()
    changes = DataValueChange.objects.filter(data_element__code="population_total")
    sources = set(changes.values_list("source", flat=True))
    assert sources == {ChangeSource.EXCHANGE}


def test_one_bad_value_saves_nothing_and_each_error_names_its_position(figures, an_vien_officer):
    body = {"values": [
        {"element": "households_fibre", "unit": "26296", "period": "2025", "value": 1390},
        {"element": "nope", "unit": "26296", "period": "2025", "value": 1},
        {"element": "households_total", "unit": "26170", "period": "2025", "value": 5},  # Trị An: not theirs
        {"element": "households_total", "unit": "26296", "period": "2025-02-01/P1Y", "value": 5},
    ]}  # fmt: skip
    response = api(an_vien_officer).post(JSON_URL, body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_rows"
    errors = {(e["column"], e["code"]) for e in response.json()["errors"]}
    assert errors == {("values[2]/element", "unknown_element"), ("values[3]/unit", "out_of_scope"),
                      ("values[4]/period", "bad_period")}  # fmt: skip
    assert stored()[("households_fibre", "2025")] == 1384


def test_a_figure_newer_here_is_kept_and_listed_as_a_conflict(figures, an_vien_officer):
    here = DataValue.objects.get(unit__code="26296", data_element__code="households_fibre").updated_at
    older, newer = (here - timedelta(hours=1)).isoformat(), (here + timedelta(hours=1)).isoformat()
    body = {"values": [
        {"element": "households_fibre", "unit": "26296", "period": "2025", "value": 1000, "updated_at": older},
        {"element": "households_total", "unit": "26296", "period": "2025", "value": 2000, "updated_at": newer},
    ]}  # fmt: skip
    receipt = api(an_vien_officer).post(JSON_URL, body, format="json").json()
    assert [(c["position"], c["code"]) for c in receipt["conflicts"]] == [("values[1]", "newer_at_receiver")]
    assert receipt["updated"] == 1
    assert stored()[("households_fibre", "2025")] == 1384 and stored()[("households_total", "2025")] == 2000


def test_the_same_batch_id_is_applied_once(figures, an_vien_officer):
    body = {"batch_id": "6f1c-1", "values": [
        {"element": "households_fibre", "unit": "26296", "period": "2025", "value": 1390}]}  # fmt: skip
    first = api(an_vien_officer).post(JSON_URL, body, format="json").json()
    changes = DataValueChange.objects.count()
    body["values"][0]["value"] = 1500  # a replay, even altered, is the same batch
    again = api(an_vien_officer).post(JSON_URL, body, format="json").json()
    assert first["updated"] == again["updated"] == 1 and again["duplicate"] is True and first["duplicate"] is False
    assert DataValueChange.objects.count() == changes and stored()[("households_fibre", "2025")] == 1390


def test_dry_run_counts_without_saving(figures, an_vien_officer):
    body = {"dry_run": True, "values": [
        {"element": "households_fibre", "unit": "26296", "period": "2025", "value": 1390}]}  # fmt: skip
    receipt = api(an_vien_officer).post(JSON_URL, body, format="json").json()
    assert receipt["updated"] == 1 and receipt["dry_run"] is True
    assert stored()[("households_fibre", "2025")] == 1384


def test_shapes_are_checked_by_position(figures, an_vien_officer):
    body = {"values": [{"element": "households_fibre", "unit": "26296", "period": "2025"},
                       {"element": "households_fibre", "unit": "26296", "period": "2025", "value": 1, "extra": 1},
                       {"element": "households_fibre", "unit": "26296", "period": "2025", "value": 1,
                        "updated_at": "2026-01-01T00:00:00"}]}  # fmt: skip
    errors = api(an_vien_officer).post(JSON_URL, body, format="json").json()["errors"]
    assert {e["column"] for e in errors} == {"values[1]/value", "values[2]/extra", "values[3]/updated_at"}


def fibre(unit: str, value: float) -> dict:
    return {"element": "households_fibre", "unit": unit, "period": "2025", "value": value}


def test_a_province_analyst_sends_figures_for_the_provinces_units_only(figures, province_analyst, dong_nai,
                                                                       thanh_hoa):  # fmt: skip
    """The province operations centre sends back what it collected: its analyst writes the province's communes by
    exchange, never another province's; a district analyst or the province analyst of elsewhere does not."""
    hoang_hoa = make_unit("16000", "Xã Hoằng Hóa", Level.COMMUNE, thanh_hoa)
    sent = api(province_analyst).post(JSON_URL, {"values": [fibre("26296", 1400)]}, format="json")
    assert sent.status_code == 200, sent.json()
    assert sent.json()["updated"] == 1 and stored()[("households_fibre", "2025")] == 1400
    # one unit of another province in the batch: all refused, named by position, nothing saved
    mixed = api(province_analyst).post(JSON_URL, {"values": [fibre("26296", 1500), fibre(hoang_hoa.code, 10)]},
                                       format="json")  # fmt: skip
    assert mixed.status_code == 400
    assert [(e["column"], e["code"]) for e in mixed.json()["errors"]] == [("values[2]/unit", "out_of_scope")]
    assert stored()[("households_fibre", "2025")] == 1400
    elsewhere = make_user("thanh_hoa_analyst", Role.ANALYST, thanh_hoa)
    district = make_unit("75-D1", "Khu vực 1", Level.DISTRICT, dong_nai)
    district_analyst = make_user("district_analyst", Role.ANALYST, district)
    below = make_unit("26299", "Xã Dưới Khu", Level.COMMUNE, district)
    for user, unit in ((elsewhere, "26296"), (district_analyst, below.code)):
        refused = api(user).post(JSON_URL, {"values": [fibre(unit, 1)]}, format="json")
        assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "out_of_scope", user
    assert stored()[("households_fibre", "2025")] == 1400 and not stored(below.code)


ADX = """<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015" xmlns:xaso="urn:xaso:exchange:2026"
     exported="2026-03-01T08:00:00Z" xaso:batch="adx-7">
  <group orgUnit="26296" period="2025-01-01/P1Y" dataSet="XASO">
    <dataValue dataElement="households_fibre" value="1400"><annotation>Số liệu VNPT</annotation></dataValue>
    <dataValue dataElement="households_total" value="1961"/>
  </group>
  <group orgUnit="26296" period="2026-01-01/P1M" dataSet="XASO">
    <dataValue dataElement="dossiers_received" value="130"/>
  </group>
</adx>"""


def post_adx(user, text, **extra):
    return api(user).post(ADX_URL, text.encode() if isinstance(text, str) else text,
                          content_type="application/adx+xml", **extra)  # fmt: skip


def test_adx_import_writes_and_receipts(figures, an_vien_officer):
    response = post_adx(an_vien_officer, ADX)
    assert response.status_code == 200, response.json()
    receipt = response.json()
    assert (receipt["batch_id"], receipt["updated"], receipt["ignored"], receipt["imported"]) == ("adx-7", 2, 1, 0)
    assert stored()[("households_fibre", "2025")] == 1400 and stored()[("dossiers_received", "2026-01")] == 130
    assert DataValue.objects.get(data_element__code="households_fibre", unit__code="26296").comment == "Số liệu VNPT"
    assert post_adx(an_vien_officer, ADX).json()["duplicate"] is True


def test_adx_errors_name_group_and_value(figures, an_vien_officer):
    bad = ADX.replace('dataElement="households_total"', 'dataElement="unknown_one"').replace(
        'orgUnit="26296" period="2026', 'orgUnit="26170" period="2026'
    )
    response = post_adx(an_vien_officer, bad)
    assert response.status_code == 400
    assert {(e["column"], e["code"]) for e in response.json()["errors"]} == {
        ("group[1]/dataValue[2]/element", "unknown_element"),
        ("group[2]/dataValue[1]/unit", "out_of_scope"),
    }
    assert stored()[("households_fibre", "2025")] == 1384


def test_xxe_and_billion_laughs_are_refused_and_nothing_is_read(figures, an_vien_officer):
    xxe = ADX.replace("<adx xmlns", '<!DOCTYPE adx [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<adx xmlns').replace(
        "Số liệu VNPT", "&x;"
    )
    laughs = ADX.replace('<adx xmlns', '<!DOCTYPE adx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                         ']>\n<adx xmlns').replace("Số liệu VNPT", "&b;&b;&b;&b;&b;&b;&b;&b;")  # fmt: skip
    for attack in (xxe, laughs):
        response = post_adx(an_vien_officer, attack)
        assert response.status_code == 400 and "DOCTYPE" in str(response.json())
        assert "root:" not in str(response.json())
    assert stored()[("households_fibre", "2025")] == 1384


def test_a_body_over_the_limit_is_refused_before_it_is_read(figures, an_vien_officer, settings):
    settings.XASO_EXCHANGE_MAX_IMPORT_BYTES = 200
    assert post_adx(an_vien_officer, ADX).status_code == 413
    body = {"values": [{"element": "households_fibre", "unit": "26296", "period": "2025", "value": 1}] * 5}
    assert api(an_vien_officer).post(JSON_URL, body, format="json").status_code == 413


def test_adx_not_xml_or_not_adx_is_a_clear_400(figures, an_vien_officer):
    assert "XML" in post_adx(an_vien_officer, "<adx").json()["errors"][0]["message"]
    assert post_adx(an_vien_officer, b"").status_code == 400
    missing = ADX.replace(' exported="2026-03-01T08:00:00Z"', "")
    response = post_adx(an_vien_officer, missing)
    assert response.status_code == 400 and "exported" in str(response.json())


def test_receiver_clock_decides_nothing_without_a_stamp(figures, an_vien_officer):
    """A value with no xaso:updated is applied whatever the stored figure's time (the sender asserts it)."""
    DataValue.objects.filter(unit__code="26296").update(updated_at=timezone.now() + timedelta(days=365))
    assert post_adx(an_vien_officer, ADX).json()["conflicts"] == []
    assert stored()[("households_fibre", "2025")] == 1400


def test_a_received_figure_as_new_as_the_stored_one_is_applied(figures, an_vien_officer):
    """The rule keeps the stored figure only when the received one is strictly older."""
    here = DataValue.objects.get(unit__code="26296", data_element__code="households_fibre").updated_at
    body = {"values": [{"element": "households_fibre", "unit": "26296", "period": "2025", "value": 1000,
                        "updated_at": here.isoformat()}]}  # fmt: skip
    receipt = api(an_vien_officer).post(JSON_URL, body, format="json").json()
    assert receipt["conflicts"] == [] and receipt["updated"] == 1


def test_a_stamp_on_a_figure_not_stored_here_is_no_conflict(figures, an_vien_officer):
    body = {"values": [{"element": "population_total", "unit": "26296", "period": "2025", "value": 7420,
                        "updated_at": "2000-01-01T00:00:00+07:00"}]}  # fmt: skip
    receipt = api(an_vien_officer).post(JSON_URL, body, format="json").json()
    assert receipt["conflicts"] == [] and receipt["imported"] == 1


def test_batch_ids_are_per_account(figures, an_vien_officer, an_vien_leader):
    body = {"batch_id": "same-id", "values": [
        {"element": "households_fibre", "unit": "26296", "period": "2025", "value": 1390}]}  # fmt: skip
    assert api(an_vien_officer).post(JSON_URL, body, format="json").json()["duplicate"] is False
    body["values"][0]["value"] = 1395
    second = api(an_vien_leader).post(JSON_URL, body, format="json").json()
    assert second["duplicate"] is False and stored()[("households_fibre", "2025")] == 1395


def test_a_refused_import_does_not_record_its_batch_id(figures, an_vien_officer):
    bad = {"batch_id": "b-9", "values": [{"element": "nope", "unit": "26296", "period": "2025", "value": 1}]}
    assert api(an_vien_officer).post(JSON_URL, bad, format="json").status_code == 400
    good = {"batch_id": "b-9", "values": [{"element": "households_fibre", "unit": "26296", "period": "2025",
                                           "value": 1390}]}  # fmt: skip
    receipt = api(an_vien_officer).post(JSON_URL, good, format="json").json()
    assert receipt["duplicate"] is False and receipt["updated"] == 1
