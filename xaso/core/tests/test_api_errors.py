"""One error body for every API error: {detail, code} (+ errors with a 400), whatever went wrong and wherever."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from rest_framework.exceptions import ErrorDetail
from rest_framework.test import APIClient

from xaso.core.api import _flatten
from xaso.core.pagination import MAX_OFFSET, MAX_PAGE_SIZE
from xaso.core.views import server_error
from xaso.indicators.tests.conftest import catalog  # noqa: F401

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def error(response, status: int, code: str) -> dict:
    """The response is the API's error body with this status and code (JSON, nothing else in it)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) <= {"detail", "code", "errors"}
    assert body["code"] == code
    assert body["detail"]
    return body


# bodies


def test_unparsable_json_is_a_400_saying_so(an_vien_officer):
    response = api(an_vien_officer).post("/api/v1/plans/", '{"unit": "26296",', content_type="application/json")
    body = error(response, 400, "parse_error")
    assert body["detail"].startswith("Nội dung gửi lên không phải JSON hợp lệ")


def test_empty_body_is_a_400_naming_each_required_field(db):
    response = APIClient().post("/api/v1/auth/token/", "", content_type="application/json")
    body = error(response, 400, "invalid")
    assert body["errors"] == {
        "username": [{"message": "Trường này là bắt buộc.", "code": "required"}],
        "password": [{"message": "Trường này là bắt buộc.", "code": "required"}],
    }


def test_a_body_that_is_not_json_is_a_415(db):
    response = APIClient().post("/api/v1/auth/token/", {"username": "a", "password": "b"}, format="multipart")
    body = error(response, 415, "unsupported_media_type")
    assert "application/json" in body["detail"]


def test_unknown_field_is_a_400_naming_it_and_changes_nothing(an_vien_officer):
    response = api(an_vien_officer).post("/api/v1/plans/", {"unit": "26296", "year": 2026, "yaer": 2027}, format="json")
    body = error(response, 400, "invalid")
    assert list(body["errors"]) == ["yaer"]
    assert body["errors"]["yaer"][0]["code"] == "unknown_field"
    assert not an_vien_officer.unit.plans.exists()


def test_nested_field_errors_are_named_by_their_dotted_path():
    detail = {"legal_bases": [{}, {"number": [ErrorDetail("Trường này là bắt buộc.", code="required")]}],
              "title": [ErrorDetail("Tối đa 5 ký tự.", code="max_length")]}  # fmt: skip
    assert _flatten(detail) == {
        "legal_bases.1.number": [{"message": "Trường này là bắt buộc.", "code": "required"}],
        "title": [{"message": "Tối đa 5 ký tự.", "code": "max_length"}],
    }
    assert _flatten([ErrorDetail("Sai.", code="bad")]) == {"non_field_errors": [{"message": "Sai.", "code": "bad"}]}


# methods, paths, negotiation


def test_method_not_allowed_is_a_405(an_vien_officer):
    error(api(an_vien_officer).delete("/api/v1/units/"), 405, "method_not_allowed")


def test_accept_other_than_json_is_a_406(an_vien_officer):
    error(api(an_vien_officer).get("/api/v1/units/", HTTP_ACCEPT="text/html"), 406, "not_acceptable")


@pytest.mark.parametrize("path", ["/api/v1/khong-co/", "/api/khong-co", "/api/v1/plans/abc/document.docx"])
def test_unknown_path_under_api_is_a_json_404(an_vien_officer, path):
    body = error(api(an_vien_officer).get(path), 404, "not_found")
    assert "/api/docs/" in body["detail"]


def test_unknown_path_outside_the_api_keeps_the_html_page(an_vien_officer):
    response = api(an_vien_officer).get("/khong-co/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_unknown_object_is_a_404_in_vietnamese(an_vien_officer):
    body = error(api(an_vien_officer).get("/api/v1/plans/987654/"), 404, "not_found")
    assert body["detail"] == "Không tìm thấy."


def test_a_crash_on_an_api_path_is_a_json_500():
    response = server_error(RequestFactory().get("/api/v1/units/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.content.decode() == (
        '{"detail": "Lỗi máy chủ: yêu cầu chưa được thực hiện, thử lại sau.", "code": "server_error"}'
    )
    assert server_error(RequestFactory().get("/plans/"))["Content-Type"].startswith("text/html")


# query values


@pytest.mark.parametrize(
    "query",
    ["offset=null", "offset=-1", "offset=", "offset=1.5", f"offset={MAX_OFFSET + 1}", "offset=99999999999999999999",
     "limit=0", "limit=abc", f"limit={MAX_PAGE_SIZE + 1}", "limit=null", "limit=10&limit=20", "offset=٣"],
)  # fmt: skip
def test_bad_limit_or_offset_is_a_400_naming_it(an_vien, an_vien_officer, query):
    body = error(api(an_vien_officer).get(f"/api/v1/units/?{query}"), 400, "invalid")
    [name] = body["errors"]
    assert name == query.split("=")[0]


def test_limit_and_offset_at_their_bounds_are_taken(an_vien, tri_an, province_analyst):
    client = api(province_analyst)
    page = client.get(f"/api/v1/units/?limit={MAX_PAGE_SIZE}&offset=1").json()
    assert [u["code"] for u in page["results"]] == ["26170", "26296"]
    assert client.get("/api/v1/units/?limit=1&offset=0").json()["results"][0]["code"] == "75"
    assert client.get(f"/api/v1/units/?offset={MAX_OFFSET}").json()["results"] == []


@pytest.mark.parametrize("query", ["level=", "is_legacy="])
def test_empty_choice_is_a_400_not_no_filter(an_vien, province_analyst, query):
    body = error(api(province_analyst).get(f"/api/v1/units/?{query}"), 400, "invalid")
    [name] = body["errors"]
    assert body["errors"][name][0]["code"] == "blank"


def test_empty_free_text_filter_is_no_filter(an_vien, province_analyst):
    assert api(province_analyst).get("/api/v1/units/?q=").status_code == 200


def test_unknown_choice_is_a_400(catalog, an_vien_officer):  # noqa: F811
    body = error(api(an_vien_officer).get("/api/v1/data-elements/?value_type=float"), 400, "invalid")
    assert body["errors"]["value_type"][0]["code"] == "invalid_choice"


@pytest.mark.parametrize("value", ["", "abc", "0", "-3", "99999999999999999999", "1.0"])
def test_malformed_plan_id_in_the_query_is_a_400(an_vien_officer, value):
    for path in ("/api/v1/targets/", "/api/v1/tasks/", "/api/v1/budget-lines/"):
        body = error(api(an_vien_officer).get(f"{path}?plan={value}"), 400, "invalid")
        assert list(body["errors"]) == ["plan"]
    body = error(api(an_vien_officer).get(f"/api/v1/task-updates/?task={value}"), 400, "invalid")
    assert list(body["errors"]) == ["task"]


# authentication and scope


def test_unauthenticated_is_a_401(db):
    error(APIClient().get("/api/v1/plans/"), 401, "not_authenticated")


def test_unit_outside_scope_is_a_403_naming_it(an_vien_officer, tri_an):
    body = error(api(an_vien_officer).get("/api/v1/units/26170/"), 403, "out_of_scope")
    assert "Xã Trị An (26170)" in body["detail"]


# NUL characters (PostgreSQL refuses them in any text it compares)


@pytest.mark.parametrize("path", ["/api/v1/units/%00/", "/api/v1/units/?q=a%00b", "/api/v1/data-elements/x%00/"])
def test_nul_in_the_url_is_a_400(an_vien_officer, path):
    error(api(an_vien_officer).get(path), 400, "bad_request")


def test_nul_in_a_screen_url_is_a_400_page(an_vien_officer, client):
    client.force_login(an_vien_officer)
    response = client.get("/units/%00/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("field", ["element", "unit", "period", "comment"])
def test_nul_in_a_bulk_item_is_a_row_error(catalog, an_vien, an_vien_officer, field):  # noqa: F811
    item = {"element": "households_total", "unit": "26296", "period": "2025", "value": 10, "comment": "ghi chú"}
    item[field] = item[field][:2] + "\x00"
    response = api(an_vien_officer).post("/api/v1/data-values/", {"values": [item]}, format="json")
    body = error(response, 400, "invalid_rows")
    assert body["errors"] == [
        {"row": 1, "column": field, "message": "Không được chứa ký tự NUL.", "code": "null_characters_not_allowed"}
    ]


def test_a_body_over_the_upload_limit_is_a_413(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # 1 MB
    body = '{"username": "' + "a" * (1024 * 1024) + '", "password": "x"}'
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    body = error(response, 413, "request_too_large")
    assert body["detail"].startswith("Nội dung gửi lên quá lớn: tối đa 1,0 MB")
