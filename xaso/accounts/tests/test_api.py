"""API access: tokens for machine clients, 401 in Vietnamese, and an OpenAPI schema that generates cleanly."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_token_from_username_and_password_opens_the_api(an_vien_officer):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "an_vien_officer", "password": "pw-an_vien_officer"}, format="json"
    )
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=an_vien_officer).key == key

    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    units = client.get("/api/v1/units/")
    assert units.status_code == 200
    assert [u["code"] for u in units.json()["results"]] == ["26296"]
    # asking again gives the same key
    again = APIClient().post("/api/v1/auth/token/", {"username": "an_vien_officer", "password": "pw-an_vien_officer"})
    assert again.json()["token"] == key


def test_a_token_expires_after_the_configured_days_and_a_new_one_is_issued(an_vien_officer, settings):
    """30 days by default (XASO_API_TOKEN_DAYS): a key issued 29 days ago opens the API, one issued 30 days ago is
    refused with a Vietnamese 401 and deleted; asking again with the password gives a new key."""
    from datetime import timedelta

    from django.utils import timezone

    assert settings.XASO_API_TOKEN_DAYS == 30
    credentials = {"username": "an_vien_officer", "password": "pw-an_vien_officer"}
    key = APIClient().post("/api/v1/auth/token/", credentials, format="json").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=29, hours=23))
    assert client.get("/api/v1/units/").status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=30))
    refused = client.get("/api/v1/units/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == (
        "Khóa API đã hết hạn (sau 30 ngày): lấy khóa mới bằng POST /api/v1/auth/token/."
    )
    assert not Token.objects.filter(key=key).exists()
    assert client.get("/api/v1/units/").status_code == 401  # gone, not revived
    fresh = APIClient().post("/api/v1/auth/token/", credentials, format="json").json()["token"]
    assert fresh != key
    client.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
    assert client.get("/api/v1/units/").status_code == 200


def test_asking_for_a_token_replaces_an_expired_one(an_vien_officer, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.XASO_API_TOKEN_DAYS = 7
    old = Token.objects.create(user=an_vien_officer)
    Token.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=8))
    credentials = {"username": "an_vien_officer", "password": "pw-an_vien_officer"}
    key = APIClient().post("/api/v1/auth/token/", credentials, format="json").json()["token"]
    assert key != old.key and Token.objects.get(user=an_vien_officer).key == key


def test_wrong_password_is_a_vietnamese_400_without_a_token(an_vien_officer):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "an_vien_officer", "password": "sai"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    error = body["errors"]["non_field_errors"][0]
    assert error["code"] == "invalid_credentials"
    assert "mật khẩu không đúng" in error["message"]
    assert not Token.objects.exists()


def test_missing_fields_are_named_in_vietnamese(db):
    response = APIClient().post("/api/v1/auth/token/", {"username": "ai_do"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": [{"message": "Trường này là bắt buộc.", "code": "required"}]}


def test_inactive_user_gets_no_token(an_vien_officer):
    an_vien_officer.is_active = False
    an_vien_officer.save()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "an_vien_officer", "password": "pw-an_vien_officer"}, format="json"
    )
    assert response.status_code == 400


def test_without_credentials_the_api_answers_401_asking_for_a_token(db):
    response = APIClient().get("/api/v1/units/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"
    assert "Authorization: Token" in response.json()["detail"]


def test_unknown_token_is_401_in_vietnamese(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = client.get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Khóa xác thực không đúng hoặc đã bị thu hồi.",
        "code": "authentication_failed",
    }


def test_revoked_users_token_stops_working(an_vien_officer):
    token = Token.objects.create(user=an_vien_officer)
    an_vien_officer.is_active = False
    an_vien_officer.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Người dùng không còn hoạt động, hoặc đã bị xoá."


def test_openapi_schema_generates_without_warnings_or_errors(db):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert (GENERATOR_STATS._warn_cache, GENERATOR_STATS._error_cache) == ({}, {})
    for path in [
        "/api/v1/auth/token/", "/api/v1/units/", "/api/v1/units/{code}/", "/api/v1/units/{code}/villages/",
        "/api/v1/data-elements/", "/api/v1/data-elements/{code}/", "/api/v1/indicators/", "/api/v1/indicators/{code}/",
        "/api/v1/data-values/", "/api/v1/data-values/history/", "/api/v1/validation/", "/api/v1/indicator-values/",
    ]:  # fmt: skip
        assert path in schema["paths"], path
    token_scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (token_scheme["in"], token_scheme["name"]) == ("header", "Authorization")
    # and the command CI would run, validating against the OpenAPI 3 specification
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_schema_and_docs_are_served(an_vien_officer):
    client = APIClient()
    assert client.get("/api/docs/").status_code == 200
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/indicator-values/" in schema.json()["paths"]


def test_token_endpoint_throttles_bursts_per_real_address_whatever_x_forwarded_for_says(an_vien_officer):
    """20 requests a minute per address, right passwords included; failed ones also lock (test_lockout.py)."""
    from django.core.cache import cache

    cache.clear()
    client = APIClient()
    answers = [
        client.post("/api/v1/auth/token/", {"username": "an_vien_officer", "password": "pw-an_vien_officer"},
                    format="json", REMOTE_ADDR="203.0.113.10", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        for i in range(21)
    ]  # fmt: skip
    assert [a.status_code for a in answers[:20]] == [200] * 20
    assert answers[20].status_code == 429
    assert answers[20].json()["code"] == "throttled"
    assert "Quá nhiều yêu cầu" in answers[20].json()["detail"]
    other = client.post("/api/v1/auth/token/", {"username": "an_vien_officer", "password": "pw-an_vien_officer"},
                        format="json", REMOTE_ADDR="203.0.113.20")  # fmt: skip
    assert other.status_code == 200
    cache.clear()
