"""API access: tokens for machine clients, 401 in Vietnamese, and an OpenAPI schema that generates cleanly."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from xaso.accounts.models import ApiKey
from xaso.accounts.services import api_key_digest, api_key_issue

pytestmark = pytest.mark.django_db


def test_token_from_username_and_password_opens_the_api(an_vien_officer):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "an_vien_officer", "password": "pw-an_vien_officer"}, format="json"
    )
    assert response.status_code == 200
    key = response.json()["token"]
    # only the digest is stored: the database holds no key in clear
    stored = ApiKey.objects.get(user=an_vien_officer)
    assert (stored.digest, stored.prefix) == (api_key_digest(key), key[:8])
    assert not ApiKey.objects.filter(digest=key).exists() and key not in (stored.digest, stored.prefix)

    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    units = client.get("/api/v1/units/")
    assert units.status_code == 200
    assert [u["code"] for u in units.json()["results"]] == ["26296"]
    # asking again gives a second key (the first cannot be shown again); both work
    again = APIClient().post("/api/v1/auth/token/", {"username": "an_vien_officer", "password": "pw-an_vien_officer"})
    second = again.json()["token"]
    assert second != key and ApiKey.objects.filter(user=an_vien_officer).count() == 2
    assert units.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get("/api/v1/units/").status_code == 200


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
    stored = ApiKey.objects.filter(digest=api_key_digest(key))
    stored.update(created_at=timezone.now() - timedelta(days=29, hours=23))
    assert client.get("/api/v1/units/").status_code == 200
    stored.update(created_at=timezone.now() - timedelta(days=30))
    refused = client.get("/api/v1/units/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == (
        "Khóa API đã hết hạn (sau 30 ngày): lấy khóa mới bằng POST /api/v1/auth/token/."
    )
    assert not stored.exists()
    assert client.get("/api/v1/units/").status_code == 401  # gone, not revived
    fresh = APIClient().post("/api/v1/auth/token/", credentials, format="json").json()["token"]
    assert fresh != key
    client.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
    assert client.get("/api/v1/units/").status_code == 200


def test_a_user_holds_at_most_five_keys_the_oldest_go_first(an_vien_officer, an_vien_leader):
    keys = [api_key_issue(user=an_vien_officer) for _ in range(6)]
    api_key_issue(user=an_vien_leader)  # another user's key is never counted against this one
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {keys[0]}")
    assert client.get("/api/v1/units/").status_code == 401  # the oldest of six was deleted
    for key in keys[1:]:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get("/api/v1/units/").status_code == 200
    assert ApiKey.objects.filter(user=an_vien_officer).count() == 5
    assert ApiKey.objects.filter(user=an_vien_leader).count() == 1


def test_a_client_revokes_the_key_it_sends(an_vien_officer):
    kept = api_key_issue(user=an_vien_officer)
    revoked = api_key_issue(user=an_vien_officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {revoked}")
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert client.get("/api/v1/units/").status_code == 401
    assert client.delete("/api/v1/auth/token/").status_code == 401  # nothing to revoke twice
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401  # no key, nothing revoked
    client.credentials(HTTP_AUTHORIZATION=f"Token {kept}")
    assert client.get("/api/v1/units/").status_code == 200


def test_last_use_is_recorded_at_most_every_five_minutes(an_vien_officer):
    from datetime import timedelta

    from django.utils import timezone

    key = api_key_issue(user=an_vien_officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get("/api/v1/units/")
    first = ApiKey.objects.get().last_used_at
    assert first is not None
    client.get("/api/v1/units/")
    assert ApiKey.objects.get().last_used_at == first
    ApiKey.objects.update(last_used_at=timezone.now() - timedelta(minutes=5))
    client.get("/api/v1/units/")
    assert ApiKey.objects.get().last_used_at > first


@pytest.mark.django_db(transaction=True)  # SQLite alters its schema outside a transaction only
def test_keys_issued_before_hashing_keep_working_as_digests(an_vien_officer):
    """The migration to hashed keys moves DRF's clear keys (authtoken_token) to digests and drops that table."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("xaso.accounts.migrations.0002_api_key")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer, created timestamp)")
        row = ["0123456789abcdef0123456789abcdef01234567", an_vien_officer.pk, "2026-11-20 08:00:00"]
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", row)
    with connection.schema_editor() as editor:
        migration.keys_from_authtoken(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    moved = ApiKey.objects.get(user=an_vien_officer)
    assert moved.prefix == "01234567" and moved.created_at.date().isoformat() == "2026-11-20"
    assert moved.digest == api_key_digest("0123456789abcdef0123456789abcdef01234567")


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
    assert not ApiKey.objects.exists()


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
    key = api_key_issue(user=an_vien_officer)
    an_vien_officer.is_active = False
    an_vien_officer.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
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
