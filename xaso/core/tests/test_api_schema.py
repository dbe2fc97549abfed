"""The OpenAPI schema: valid OpenAPI 3, every operation declares the one error body, pagination is bounded."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from xaso.core.pagination import MAX_OFFSET, MAX_PAGE_SIZE

ERROR_REF = "#/components/schemas/Error"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on the first violation of the OpenAPI 3 JSON schema


@pytest.mark.django_db
def test_served_schema_is_the_generated_one(schema):
    served = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert served["paths"].keys() == schema["paths"].keys()
    validate_schema(served)


def test_every_operation_declares_every_error_status_in_the_error_body(schema):
    checked = 0
    for path, method, operation in operations(schema):
        has_body = method in ("post", "put", "patch")
        needs_token = operation.get("security") != [{}] and "security" in operation
        expected = {"400", "403", "404", "406", "429", "500"} | ({"413", "415"} if has_body else set())
        expected |= {"401"} if needs_token else set()
        responses = operation["responses"]
        assert expected <= responses.keys(), (method, path, expected - responses.keys())
        for status in expected:
            content = responses[status]["content"]
            assert content["application/json"]["schema"] == {"$ref": ERROR_REF}, (method, path, status)
        checked += 1
    assert checked == 67  # every operation of /api/v1/ (exchange 4, token revocation 1, dti 5, census 4): none left


def test_token_endpoint_needs_no_token_so_declares_no_401(schema):
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "401" not in operation["responses"]
    assert "429" in operation["responses"]


def test_error_body_names_detail_code_and_errors(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail"]
    by_field, by_row = error["properties"]["errors"]["oneOf"]
    assert by_field["additionalProperties"]["items"] == {"$ref": "#/components/schemas/FieldError"}
    assert by_row["items"] == {"$ref": "#/components/schemas/RowError"}


def test_every_list_declares_limit_and_offset_with_bounds(schema):
    lists = 0
    for path, _method, operation in operations(schema):
        params = {p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "query"}
        ok = operation["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        if "$ref" in ok and ok["$ref"].startswith("#/components/schemas/Paginated"):
            lists += 1
            assert params["limit"] == {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}, path
            assert params["offset"] == {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, path
    assert lists >= 10


def test_nullable_fields_are_declared_nullable(schema):
    components = schema["components"]["schemas"]
    assert components["Unit"]["properties"]["parent"]["nullable"] is True
    assert components["Indicator"]["properties"]["stated_rate_element"]["nullable"] is True
    assert components["DataValueChange"]["properties"]["changed_by"]["nullable"] is True
    assert components["Target"]["properties"]["latest"]["nullable"] is True


def test_filters_declare_their_choices(schema):
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert params["level"]["enum"] == ["commune", "district", "province", "village"]
    assert params["is_legacy"]["type"] == "boolean"
