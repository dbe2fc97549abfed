"""Indicators API: catalog, bulk data values (all or nothing), history, validation and indicator tables.

Figures from seed 003 (Nga Điền, 2023): 1,384 of 1,961 households on fibre = 70.6%; 5,187 of 7,410 people
with a smartphone = 70.0% (the document's own base, the whole population), which it states as 75%.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from xaso.accounts.services import api_key_issue
from xaso.geo.services import village_create
from xaso.indicators.errors import BulkValueError
from xaso.indicators.models import ChangeSource, DataValue, DataValueChange, ValidationRule
from xaso.indicators.services import ValueInput, values_write

pytestmark = pytest.mark.django_db

SEED_003 = {
    "households_total": 1961,
    "households_fibre": 1384,
    "population_total": 7410,
    "adults_smartphone": 5187,
    "households_fibre_rate_stated": 70.6,
    "adults_smartphone_rate_stated": 75,
}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_issue(user=user)}")
    return client


def items(unit: str, period: str, figures: dict) -> list[dict]:
    return [{"element": k, "unit": unit, "period": period, "value": v} for k, v in figures.items()]


def post_values(client, values):
    return client.post("/api/v1/data-values/", {"values": values}, format="json")


def stored(unit_code: str) -> dict[str, float]:
    return dict(DataValue.objects.filter(unit__code=unit_code).values_list("data_element__code", "value"))


# catalog


def test_catalog_lists_elements_and_indicators_by_code(catalog, an_vien_officer):
    client = api(an_vien_officer)
    elements = client.get("/api/v1/data-elements/", {"area": "government"}).json()
    assert [e["code"] for e in elements["results"]] == ["dossiers_online", "dossiers_received"]
    fibre = client.get("/api/v1/indicators/households_fibre_rate/").json()
    assert fibre["formula"] == "households_fibre / households_total * 100"
    assert sorted(fibre["elements"]) == ["households_fibre", "households_total"]
    assert fibre["stated_rate_element"] == "households_fibre_rate_stated"
    government = client.get("/api/v1/indicators/", {"area": "government"}).json()
    assert [i["code"] for i in government["results"]] == ["dossiers_online_rate"]
    assert client.get("/api/v1/indicators/", {"q": "cáp quang"}).json()["count"] == 1
    assert client.get("/api/v1/indicators/khong_co/").status_code == 404


# bulk write


def test_bulk_upsert_creates_updates_deletes_and_keeps_history(catalog, nga_dien, nga_dien_officer):
    client = token_client(nga_dien_officer)
    created = post_values(client, items("legacy:16150", "2023", SEED_003))
    assert created.status_code == 200, created.json()
    assert created.json() == {"created": 6, "updated": 0, "deleted": 0, "unchanged": 0}
    assert stored("legacy:16150")["households_fibre"] == 1384

    again = post_values(client, [
        {"element": "households_fibre", "unit": "legacy:16150", "period": 2023, "value": "1.400",
         "comment": "Rà soát lại"},
        {"element": "households_total", "unit": "legacy:16150", "period": "2023", "value": 1961},
        {"element": "households_fibre_rate_stated", "unit": "legacy:16150", "period": "2023", "value": None},
    ])  # fmt: skip
    assert again.json() == {"created": 0, "updated": 1, "deleted": 1, "unchanged": 1}
    assert stored("legacy:16150")["households_fibre"] == 1400  # “1.400” read the Vietnamese way
    assert "households_fibre_rate_stated" not in stored("legacy:16150")

    history = client.get(
        "/api/v1/data-values/history/", {"element": "households_fibre", "unit": "legacy:16150", "period": "2023"}
    ).json()
    assert [(h["old_value"], h["new_value"]) for h in history["results"]] == [(1384, 1400), (None, 1384)]
    assert {h["source"] for h in history["results"]} == {ChangeSource.API}
    assert history["results"][0]["changed_by"] == "nga_dien_officer"
    assert history["results"][0]["comment"] == "Rà soát lại"


def test_batch_with_one_bad_row_saves_nothing_and_names_row_and_column(catalog, nga_dien, nga_dien_officer):
    values = items("legacy:16150", "2023", SEED_003)
    values[2]["value"] = "bảy nghìn"  # population_total
    response = post_values(api(nga_dien_officer), values)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert body["detail"] == "Có 1 lỗi; không có số liệu nào được lưu."
    assert body["errors"] == [
        {
            "row": 3,
            "column": "value",
            "message": "“bảynghìn” không phải là số (viết 1.384 hoặc 1384 cho số nguyên, 70,6 cho số thập phân).",
            "code": "bad_value",
        }
    ]
    assert not DataValue.objects.exists()


def test_every_problem_of_every_item_is_reported_at_once(catalog, nga_dien, nga_dien_officer):
    response = post_values(api(nga_dien_officer), [
        {"element": "households_total", "unit": "legacy:16150", "period": "2023", "value": 1961},
        {"unit": "legacy:16150", "period": "2023", "value": 5},
        {"element": "households_fibre", "unit": "legacy:16150", "period": "2023-13", "value": {"n": 1}},
        "households_fibre=1384",
        {"element": "khong_co", "unit": "legacy:16150", "period": "2023", "value": 1},
    ])  # fmt: skip
    assert response.status_code == 400
    errors = [(e["row"], e["column"], e["code"]) for e in response.json()["errors"]]
    assert errors == [
        (2, "element", "required"),
        (3, "value", "invalid"),
        (4, "values", "invalid"),
        (5, "element", "unknown_element"),
    ]
    assert response.json()["errors"][0]["message"] == "Trường này là bắt buộc."
    assert not DataValue.objects.exists()  # not even the good first row


def test_batch_breaking_a_validation_rule_saves_nothing(catalog, nga_dien, nga_dien_officer):
    response = post_values(api(nga_dien_officer), items("legacy:16150", "2023", {
        "households_total": 1961, "households_fibre": 1999, "population_total": 7410,
    }))  # fmt: skip
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["row"], error["column"], error["code"]) == (2, "value", "rule_fibre_le_households")
    assert error["message"].startswith("Số hộ có cáp quang lớn hơn tổng số hộ. (1.999 so với 1.961")
    assert not DataValue.objects.exists()


def test_malformed_or_misshapen_body_is_a_400(catalog, nga_dien_officer):
    client = api(nga_dien_officer)
    broken = client.post("/api/v1/data-values/", '{"values": [', content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["code"] == "parse_error"
    assert broken.json()["detail"].startswith("Nội dung gửi lên không phải JSON hợp lệ")
    bare_list = client.post("/api/v1/data-values/", json.dumps([]), content_type="application/json")
    assert bare_list.status_code == 400
    assert list(bare_list.json()["errors"]) == ["values"]
    form = client.post("/api/v1/data-values/", {"values": "1"}, format="multipart")
    assert form.status_code == 415
    assert post_values(client, []).json() == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}


# scope


def test_officer_cannot_write_another_commune(catalog, an_vien, tri_an, nga_dien, an_vien_officer):
    response = post_values(api(an_vien_officer), [
        {"element": "households_total", "unit": "26296", "period": "2025", "value": 100},
        {"element": "households_total", "unit": "26170", "period": "2025", "value": 100},
        {"element": "households_total", "unit": "legacy:16150", "period": "2023", "value": 1961},
    ])  # fmt: skip
    assert response.status_code == 400
    assert [(e["row"], e["column"], e["code"]) for e in response.json()["errors"]] == [
        (2, "unit", "out_of_scope"),
        (3, "unit", "out_of_scope"),
    ]
    assert response.json()["errors"][1]["message"] == "Bạn không có quyền nhập số liệu cho Xã Nga Điền."
    assert not DataValue.objects.exists()


def test_officer_cannot_read_another_commune(catalog, an_vien, nga_dien, an_vien_officer, nga_dien_officer):
    post_values(api(nga_dien_officer), items("legacy:16150", "2023", SEED_003))
    client = api(an_vien_officer)
    for url, params in [
        ("/api/v1/data-values/", {"unit": "legacy:16150"}),
        ("/api/v1/data-values/history/", {"element": "households_fibre", "unit": "legacy:16150", "period": "2023"}),
        ("/api/v1/validation/", {"unit": "legacy:16150", "period": "2023"}),
        ("/api/v1/indicator-values/", {"units": "26296,legacy:16150", "periods": "2023"}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 403, url
        assert response.json()["code"] == "out_of_scope"
        assert "Xã Nga Điền (legacy:16150)" in response.json()["detail"]
    # and the unfiltered list holds nothing of Nga Điền
    assert client.get("/api/v1/data-values/").json()["count"] == 0


def test_a_commune_reads_the_old_commune_it_absorbed_but_cannot_write_it(
    catalog, nga_dien, nga_dien_officer, nga_an, nga_an_officer
):
    assert post_values(api(nga_dien_officer), items("legacy:16150", "2023", SEED_003)).status_code == 200
    client = api(nga_an_officer)
    values = client.get("/api/v1/data-values/", {"unit": "legacy:16150", "element": "households_fibre"})
    assert values.status_code == 200
    assert [(v["unit"], v["period"], v["value"]) for v in values.json()["results"]] == [("legacy:16150", "2023", 1384)]
    assert client.get("/api/v1/data-values/").json()["count"] == 6  # the unfiltered list holds them too
    table = client.get(
        "/api/v1/indicator-values/",
        {"units": "16144,legacy:16150", "indicators": "households_fibre_rate", "periods": "2023"},
    )
    assert table.status_code == 200
    assert [(r["unit"], r["value"]) for r in table.json()] == [("16144", None), ("legacy:16150", 70.6)]
    history = client.get(
        "/api/v1/data-values/history/", {"element": "households_fibre", "unit": "legacy:16150", "period": "2023"}
    )
    assert history.status_code == 200 and history.json()["count"] == 1
    assert client.get("/api/v1/validation/", {"unit": "legacy:16150", "period": "2023"}).status_code == 200

    refused = post_values(client, items("legacy:16150", "2023", {"households_fibre": 1500}))
    assert refused.status_code == 400
    assert [(e["row"], e["column"], e["code"]) for e in refused.json()["errors"]] == [(1, "unit", "absorbed_read_only")]
    assert "đơn vị cũ đã sáp nhập" in refused.json()["errors"][0]["message"]
    with pytest.raises(BulkValueError) as raised:
        values_write(user=nga_an_officer, rows=[ValueInput("households_fibre", "legacy:16150", "2023", None)],
                     allow_delete=True)  # fmt: skip
    assert [e.code for e in raised.value.errors] == ["absorbed_read_only"]
    assert stored("legacy:16150")["households_fibre"] == 1384
    assert DataValueChange.objects.count() == 6  # only Nga Điền's own writes


def test_an_unrelated_commune_cannot_read_or_write_the_old_commune_another_absorbed(
    catalog, nga_dien, nga_dien_officer, nga_an, an_vien, an_vien_officer
):
    post_values(api(nga_dien_officer), items("legacy:16150", "2023", SEED_003))
    client = api(an_vien_officer)
    for params in ({"unit": "legacy:16150"}, {"unit": "16144"}):
        response = client.get("/api/v1/data-values/", params)
        assert response.status_code == 403 and response.json()["code"] == "out_of_scope"
    assert client.get("/api/v1/data-values/").json()["count"] == 0
    refused = post_values(client, items("legacy:16150", "2023", {"households_fibre": 1500}))
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "out_of_scope"
    assert stored("legacy:16150")["households_fibre"] == 1384


def test_province_analyst_reads_the_province_table_but_cannot_write(
    catalog, dong_nai, an_vien, tri_an, nga_dien, an_vien_officer, tri_an_officer, province_analyst
):
    post_values(api(an_vien_officer), items("26296", "2025", {"households_total": 500, "households_fibre": 400}))
    post_values(api(tri_an_officer), items("26170", "2025", {"households_total": 300, "households_fibre": 150}))
    client = api(province_analyst)
    table = client.get(
        "/api/v1/indicator-values/",
        {"units": "75", "children_of": "75", "indicators": "households_fibre_rate", "periods": "2025"},
    )
    assert table.status_code == 200, table.json()
    assert [(r["unit"], r["value"]) for r in table.json()] == [
        ("75", 68.8),  # (400 + 150) / (500 + 300) = 68.75%, half up
        ("26170", 50.0),
        ("26296", 80.0),
    ]
    assert table.json()[0]["inputs"] == {"households_fibre": 550, "households_total": 800}
    # a commune's children are its villages; a village has none
    village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    fibre_2025 = {"indicators": "households_fibre_rate", "periods": "2025"}
    villages = client.get("/api/v1/indicator-values/", {"children_of": "26296", **fibre_2025}).json()
    assert [(r["unit"], r["value"]) for r in villages] == [("26296-001", None)]
    assert client.get("/api/v1/indicator-values/", {"children_of": "26296-001", **fibre_2025}).json() == []
    values = client.get("/api/v1/data-values/", {"unit": "75", "include_descendants": "true", "period": "2025"})
    assert values.json()["count"] == 4
    assert client.get("/api/v1/data-values/", {"unit": "75"}).json()["count"] == 0  # the province itself holds none

    refused = post_values(client, items("26296", "2025", {"households_total": 501}))
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "out_of_scope"
    assert stored("26296")["households_total"] == 500


# indicator values


def test_indicator_values_give_seed_003_rates_and_flag_the_stated_75(catalog, nga_dien, nga_dien_officer):
    client = token_client(nga_dien_officer)
    assert post_values(client, items("legacy:16150", "2023", SEED_003)).status_code == 200
    response = client.get(
        "/api/v1/indicator-values/",
        {
            "units": "legacy:16150",
            "indicators": "households_fibre_rate,adults_smartphone_population_rate",
            "periods": "2023",
        },
    )
    assert response.status_code == 200
    fibre, smartphone = response.json()
    assert fibre == {
        "unit": "legacy:16150", "unit_name": "Xã Nga Điền", "indicator": "households_fibre_rate", "period": "2023",
        "value": 70.6, "stated": 70.6, "stated_mismatch": False,
        "inputs": {"households_fibre": 1384.0, "households_total": 1961.0},
    }  # fmt: skip
    assert (smartphone["value"], smartphone["stated"], smartphone["stated_mismatch"]) == (70.0, 75.0, True)
    assert smartphone["inputs"] == {"adults_smartphone": 5187, "population_total": 7410}


def test_period_never_stored_gives_empty_cells_and_creates_nothing(catalog, nga_dien, nga_dien_officer):
    from xaso.core.models import Period

    response = api(nga_dien_officer).get(
        "/api/v1/indicator-values/", {"units": "legacy:16150", "indicators": "households_fibre_rate", "periods": "2021"}
    )
    assert response.json() == [
        {
            "unit": "legacy:16150", "unit_name": "Xã Nga Điền", "indicator": "households_fibre_rate", "period": "2021",
            "value": None, "stated": None, "stated_mismatch": False,
            "inputs": {"households_fibre": None, "households_total": None},
        }
    ]  # fmt: skip
    assert not Period.objects.exists()


def test_bad_period_and_unknown_codes_are_field_level_400s(catalog, nga_dien, nga_dien_officer):
    client = api(nga_dien_officer)
    bad_period = client.get("/api/v1/indicator-values/", {"units": "legacy:16150", "periods": "2023,2023Q5"})
    assert bad_period.status_code == 400
    assert bad_period.json()["errors"]["periods"] == [
        {
            "message": "Kỳ báo cáo “2023Q5” không hợp lệ: dùng dạng 2023 (năm), 2023Q4 (quý) hoặc 2023-11 (tháng).",
            "code": "bad_period",
        }
    ]
    unknown = client.get(
        "/api/v1/indicator-values/", {"units": "legacy:16150,12345", "indicators": "khong_co", "periods": "2023"}
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"]["indicators"][0]["message"] == "Không có chỉ số mã “khong_co”."
    no_units = client.get("/api/v1/indicator-values/", {"periods": "2023"})
    assert list(no_units.json()["errors"]) == ["units"]
    missing = client.get("/api/v1/indicator-values/", {"units": "legacy:16150"})
    assert missing.json()["errors"]["periods"][0]["message"] == "Trường này là bắt buộc."
    unknown_unit = client.get("/api/v1/indicator-values/", {"units": "legacy:16150,12345", "periods": "2023"})
    assert unknown_unit.json()["errors"]["units"][0]["message"] == "Không có đơn vị hành chính mã “12345”."


def test_a_3_by_3_by_2_table_takes_a_handful_of_queries(
    catalog, dong_nai, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst,
    django_assert_max_num_queries,
):  # fmt: skip
    post_values(api(an_vien_officer), [
        *items("26296", "2025", {"households_total": 500, "households_fibre": 400, "population_total": 2000,
                                 "adults_total": 1875, "adults_smartphone": 1500}),
        *items("26296", "2025-01", {"dossiers_received": 100, "dossiers_online": 80}),
        *items("26296", "2025-04", {"dossiers_received": 200, "dossiers_online": 150}),
    ])  # fmt: skip
    post_values(api(tri_an_officer), items("26170", "2025-02", {"dossiers_received": 150, "dossiers_online": 30}))
    client = token_client(province_analyst)
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/indicator-values/", {
            "units": "75,26296,26170", "periods": "2025,2025Q1",
            "indicators": "households_fibre_rate,adults_smartphone_rate,dossiers_online_rate",
        })  # fmt: skip
    assert response.status_code == 200
    rows = {(r["unit"], r["indicator"], r["period"]): r["value"] for r in response.json()}
    assert len(rows) == 18
    assert rows[("26296", "dossiers_online_rate", "2025Q1")] == 80.0
    assert rows[("26296", "dossiers_online_rate", "2025")] == 76.7  # 230 / 300
    assert rows[("75", "dossiers_online_rate", "2025Q1")] == 44.0  # (80 + 30) / (100 + 150)
    assert rows[("75", "adults_smartphone_rate", "2025")] == 80.0  # 1.500 / 1.875 adults, not / 2.000 people
    assert rows[("26170", "households_fibre_rate", "2025")] is None


# data values and validation


def test_data_values_filter_by_unit_period_and_element(catalog, nga_dien, nga_dien_villages, nga_dien_officer):
    village = nga_dien_villages[0].code
    post_values(api(nga_dien_officer), [
        *items("legacy:16150", "2023", {"households_total": 1961, "households_fibre": 1384}),
        *items(village, "2023", {"households_total": 600}),
        *items(village, "2024-03", {"dossiers_received": 12}),
    ])  # fmt: skip
    client = api(nga_dien_officer)

    def listed(**params):
        response = client.get("/api/v1/data-values/", params)
        assert response.status_code == 200, response.json()
        return [(v["element"], v["unit"], v["period"], v["value"]) for v in response.json()["results"]]

    assert listed(unit="legacy:16150") == [
        ("households_fibre", "legacy:16150", "2023", 1384),
        ("households_total", "legacy:16150", "2023", 1961),
    ]
    assert listed(unit="legacy:16150", include_descendants="true", element="households_total") == [
        ("households_total", "legacy:16150", "2023", 1961),
        ("households_total", village, "2023", 600),
    ]
    assert listed(period="2024") == [("dossiers_received", village, "2024-03", 12)]  # months inside the year
    bad = client.get("/api/v1/data-values/", {"period": "năm 2023", "element": "khong_co"})
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["element"]
    assert client.get("/api/v1/data-values/", {"unit": "99999"}).json()["errors"]["unit"][0]["code"] == "unknown_unit"


def test_validation_lists_stored_figures_that_break_a_rule(catalog, nga_dien, nga_dien_villages, nga_dien_officer):
    # figures stored before the rule existed: the rule now flags them
    ValidationRule.objects.update(is_active=False)
    village = nga_dien_villages[1].code
    post_values(api(nga_dien_officer), [
        *items("legacy:16150", "2023", {"households_total": 1961, "households_fibre": 1384}),
        *items(village, "2023", {"households_total": 300, "households_fibre": 320}),
        *items(village, "2023-05", {"dossiers_received": 10, "dossiers_online": 12}),
    ])  # fmt: skip
    ValidationRule.objects.update(is_active=True)
    response = api(nga_dien_officer).get("/api/v1/validation/", {"unit": "legacy:16150", "period": "2023"})
    assert response.status_code == 200, response.json()
    found = [(v["rule"], v["unit"], v["period"], v["left"], v["right"]) for v in response.json()["results"]]
    assert found == [
        ("fibre_le_households", village, "2023", 320, 300),
        ("online_le_received", village, "2023-05", 12, 10),
    ]
    assert response.json()["results"][0]["message"] == "Số hộ có cáp quang lớn hơn tổng số hộ."
    assert response.json()["results"][0]["unit_name"] == "Thôn 2"
    assert (
        api(nga_dien_officer).get("/api/v1/validation/", {"unit": "legacy:16150", "period": "2022"}).json()["count"]
        == 0
    )


def test_history_of_a_figure_never_stored_is_empty(catalog, nga_dien, nga_dien_officer):
    response = api(nga_dien_officer).get(
        "/api/v1/data-values/history/", {"element": "households_total", "unit": "legacy:16150", "period": "2019"}
    )
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert not DataValueChange.objects.exists()


def test_json_booleans_answer_yes_no_elements_and_are_never_counts(catalog, nga_dien, nga_dien_officer):
    refused = post_values(api(nga_dien_officer), items("legacy:16150", "2023", {
        "households_total": True, "households_fibre_rate_stated": False, "lan_completed": True,
    }))  # fmt: skip
    assert refused.status_code == 400
    assert [(e["row"], e["column"], e["code"], e["message"]) for e in refused.json()["errors"]] == [
        (1, "value", "bad_value", "Giá trị đúng/sai (true) không phải là số: ghi số, ví dụ 1384."),
        (2, "value", "bad_value", "Giá trị đúng/sai (false) không phải là số: ghi số, ví dụ 1384."),
    ]
    assert not DataValue.objects.exists()
    saved = post_values(api(nga_dien_officer), items("legacy:16150", "2023", {"lan_completed": True}))
    assert saved.status_code == 200, saved.json()
    assert stored("legacy:16150") == {"lan_completed": 1.0}
