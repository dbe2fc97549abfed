"""The province administrator's screens: endpoints, their queue and attempt log; nobody else sees them."""

from __future__ import annotations

import pytest

from xaso.exchange.models import PushAttempt, PushBatch, PushEndpoint, PushItem
from xaso.exchange.push import batches_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_addresses(settings):
    settings.XASO_EXCHANGE_ALLOW_PRIVATE_ADDRESSES = True


def test_province_analyst_adds_an_endpoint_and_sees_its_secret_once(client, province_analyst, catalog, open_addresses):
    client.force_login(province_analyst)
    assert client.get("/exchange/new/").status_code == 200
    response = client.post(
        "/exchange/new/",
        {
            "name": "IOC Đồng Nai",
            "url": "https://127.0.0.1/push",
            "format": "json",
            "is_active": "on",
            "unit": province_analyst.unit_id,
        },
    )
    endpoint = PushEndpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exchange/{endpoint.pk}/"
    page = client.get(response["Location"])
    assert endpoint.secret in page.content.decode() and len(endpoint.secret) >= 32
    assert endpoint.secret not in client.get(response["Location"]).content.decode()  # shown once
    assert endpoint.secret not in client.get(f"/exchange/{endpoint.pk}/edit/").content.decode()
    assert endpoint.created_by == province_analyst


@pytest.mark.parametrize("header", ["Token abc\r\nX-Evil: 1", "Token a\tb\nc", "Token mật"])
def test_an_authorization_header_on_two_lines_or_with_accents_is_refused(client, province_analyst, catalog, header,
                                                                        open_addresses):  # fmt: skip
    """http.client refuses such a header at every send: the push would stall; the form says so at once."""
    client.force_login(province_analyst)
    response = client.post("/exchange/new/", {"name": "IOC", "url": "https://127.0.0.1/push", "format": "json",
                                              "unit": province_analyst.unit_id, "auth_header": header})  # fmt: skip
    assert response.status_code == 200 and "Tiêu đề Authorization phải viết trên một dòng" in response.content.decode()
    assert not PushEndpoint.objects.exists()


def test_the_admin_never_shows_a_secret_and_shows_the_one_it_makes_once(client, administrator, dong_nai,
                                                                        open_addresses):  # fmt: skip
    """Stored in clear because it signs (HMAC needs the key itself, a digest cannot sign), so it is only ever shown
    when made: the admin takes a new one and keeps the stored one when left empty."""
    client.force_login(administrator)
    response = client.post("/admin/exchange/pushendpoint/add/", {
        "name": "IOC", "unit": dong_nai.pk, "url": "https://127.0.0.1/push", "format": "json", "is_active": "on",
    }, follow=True)  # fmt: skip
    endpoint = PushEndpoint.objects.get()
    assert len(endpoint.secret) >= 32 and endpoint.secret in response.content.decode()  # the one time
    change = f"/admin/exchange/pushendpoint/{endpoint.pk}/change/"
    assert endpoint.secret not in client.get(change).content.decode()
    kept = endpoint.secret
    client.post(change, {"name": "IOC 2", "unit": dong_nai.pk, "url": "https://127.0.0.1/push", "format": "json",
                         "is_active": "on"})  # fmt: skip
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.secret) == ("IOC 2", kept)
    client.post(change, {"name": "IOC 2", "unit": dong_nai.pk, "url": "https://127.0.0.1/push", "format": "json",
                         "is_active": "on", "new_secret": "n" * 20})  # fmt: skip
    endpoint.refresh_from_db()
    assert endpoint.secret == "n" * 20 and "n" * 20 not in client.get(change).content.decode()


def test_a_private_address_is_refused_on_the_form(client, province_analyst, catalog):
    client.force_login(province_analyst)
    response = client.post("/exchange/new/", {"name": "x", "url": "https://127.0.0.1/push", "format": "json",
                                              "unit": province_analyst.unit_id, "secret": "a" * 20})  # fmt: skip
    assert response.status_code == 200 and "mạng nội bộ" in response.content.decode()
    assert not PushEndpoint.objects.exists()


def test_commune_officers_and_other_provinces_do_not_see_the_screens(client, an_vien_officer, dong_nai, thanh_hoa):
    from xaso.accounts.models import Role

    from ...conftest import make_user

    endpoint = PushEndpoint.objects.create(unit=dong_nai, name="x", url="https://example.org/", secret="s" * 20)
    client.force_login(an_vien_officer)
    assert client.get("/exchange/").status_code == 404
    assert client.get(f"/exchange/{endpoint.pk}/").status_code == 404
    other = make_user("thanh_hoa_analyst", Role.ANALYST, thanh_hoa)
    client.force_login(other)
    assert client.get("/exchange/").status_code == 200
    assert client.get(f"/exchange/{endpoint.pk}/").status_code == 404
    assert client.post(f"/exchange/{endpoint.pk}/action/", {"action": "resend_all"}).status_code == 404


def test_the_detail_shows_queue_and_log_and_a_failed_batch_can_be_sent_again(
    client, province_analyst, dong_nai, figures, an_vien_officer, django_assert_max_num_queries
):
    endpoint = PushEndpoint.objects.create(unit=dong_nai, name="IOC", url="https://example.org/", secret="s" * 20)
    assert client.force_login(province_analyst) is None
    response = client.post(f"/exchange/{endpoint.pk}/action/", {"action": "resend_all"})
    assert response.status_code == 302 and PushItem.objects.filter(endpoint=endpoint).count() == 6
    from django.utils import timezone

    batches_make(endpoint, now=timezone.now())
    batch = PushBatch.objects.get()
    batch.status, batch.attempts = PushBatch.Status.FAILED, 3
    batch.save()
    PushAttempt.objects.create(batch=batch, number=3, started_at=timezone.now(), duration_ms=1234, status_code=503,
                               ok=False, error="HTTP 503 Service Unavailable: busy")  # fmt: skip
    with django_assert_max_num_queries(12):
        page = client.get(f"/exchange/{endpoint.pk}/").content.decode()
    assert "HTTP 503" in page and "1.234 ms" in page and str(batch.batch_id) in page
    client.post(f"/exchange/{endpoint.pk}/action/", {"action": "retry", "batch": str(batch.pk)})
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == ("pending", 0)
    assert client.post(f"/exchange/{endpoint.pk}/action/", {"action": "retry", "batch": "abc"}).status_code == 404
    listing = client.get("/exchange/").content.decode()
    assert "IOC" in listing
