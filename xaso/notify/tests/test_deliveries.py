"""Deliveries against a real HTTP SMS gateway on this machine that fails as gateways do: temporary failures are
retried with exponential backoff and jitter, then delivered (by receipt); a permanent failure is recorded once;
nothing is sent twice."""

from __future__ import annotations

import json
import random
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from xaso.notify import deliveries
from xaso.notify.deliveries import deliveries_create, deliveries_run, delivery_send, retry_delay
from xaso.notify.models import Delivery, DeliveryAttempt, OutboxMessage
from xaso.notify.services import unsubscribe

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 12, 3, 8, 0, tzinfo=VN)


class Gateway:
    """An SMS gateway answering a script of (status, body) per request, recording what it was sent."""

    def __init__(self, script: list[tuple[int, dict]]):
        self.script = list(script)
        self.received: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.received.append(
                    {
                        "body": body,
                        "key": self.headers.get("Idempotency-Key"),
                        "auth": self.headers.get("Authorization"),
                    }
                )
                status, answer = gateway.script.pop(0) if gateway.script else (500, {})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    made = []

    def make(script):
        gw = Gateway(script)
        made.append(gw)
        settings.XASO_NOTIFY_PROVIDERS = {
            "sms": {"backend": "http_sms", "url": gw.url, "token": "gw-secret", "receipt_token": "receipt-secret"}
        }
        return gw

    yield make
    for gw in made:
        gw.close()


@pytest.fixture(autouse=True)
def no_worker(monkeypatch):
    """The test runs the sends itself, at the times it chooses."""
    monkeypatch.setattr(deliveries, "after_commit", lambda callback: None)


def queue(unit, *addresses, channel="sms") -> list[Delivery]:
    with time_machine.travel(T0 - timedelta(seconds=1), tick=False):
        return deliveries_create(
            channel=channel,
            unit=unit,
            addresses=addresses or ["0912345678"],
            body="Lịch tiêm chủng mở rộng: 8 giờ sáng thứ Bảy tại Trạm y tế xã.",
            purpose="announcement",
        )


def test_temporary_failures_are_retried_with_backoff_then_delivered_once(an_vien, gateway, client):
    gw = gateway([(503, {}), (429, {}), (202, {"id": "gw-77"})])
    [delivery] = queue(an_vien)
    rng = random.Random(7)
    # first try: 503 → temporary failure, next try after 15–30 s (base 30 s: half fixed, half random)
    due = deliveries_run("sms", now=T0, rng=rng)
    delivery.refresh_from_db()
    assert delivery.status == "temporary_failure" and delivery.attempts == 1
    assert T0 + timedelta(seconds=15) <= delivery.next_attempt_at <= T0 + timedelta(seconds=30)
    assert due == delivery.next_attempt_at
    # before it is due nothing is sent
    deliveries_run("sms", now=delivery.next_attempt_at - timedelta(seconds=1), rng=rng)
    assert len(gw.received) == 1
    # second try: 429 → temporary failure, the wait doubles: 30–60 s
    second_at = delivery.next_attempt_at
    deliveries_run("sms", now=second_at, rng=rng)
    delivery.refresh_from_db()
    assert delivery.status == "temporary_failure" and delivery.attempts == 2
    assert second_at + timedelta(seconds=30) <= delivery.next_attempt_at <= second_at + timedelta(seconds=60)
    # third try: accepted by the gateway → sending, until its receipt
    deliveries_run("sms", now=delivery.next_attempt_at, rng=rng)
    delivery.refresh_from_db()
    assert delivery.status == "sending" and delivery.reference == "gw-77" and delivery.next_attempt_at is None
    receipt = client.post(
        "/notify/receipts/sms/",
        {"reference": "gw-77", "status": "delivered"},
        content_type="application/json",
        headers={"Authorization": "Bearer receipt-secret"},
    )
    assert receipt.status_code == 200, receipt.content
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.delivered_at is not None
    # the same message, three times under one idempotency key, and never again
    assert [r["key"] for r in gw.received] == [str(delivery.key)] * 3
    assert gw.received[0]["body"]["to"] == "0912345678" and gw.received[0]["auth"] == "Bearer gw-secret"
    deliveries_run("sms", now=T0 + timedelta(hours=2), rng=rng)
    assert len(gw.received) == 3
    assert list(DeliveryAttempt.objects.filter(delivery=delivery).values_list("outcome", flat=True)) == [
        "temporary_failure",
        "temporary_failure",
        "sending",
    ]


def test_a_permanent_failure_is_recorded_and_not_retried(an_vien, gateway):
    gw = gateway([(400, {"error": "invalid number"})])
    [delivery] = queue(an_vien)
    deliveries_run("sms", now=T0)
    delivery.refresh_from_db()
    assert delivery.status == "permanent_failure" and delivery.next_attempt_at is None
    assert "HTTP 400" in delivery.error and "invalid number" in delivery.error
    deliveries_run("sms", now=T0 + timedelta(days=1))
    assert len(gw.received) == 1


def test_after_the_last_attempt_a_temporary_failure_is_final(an_vien, gateway, settings):
    settings.XASO_NOTIFY_LIMITS = {"sms": {"max_attempts": 3}}
    gw = gateway([(503, {})] * 5)
    [delivery] = queue(an_vien)
    now = T0
    for _try in range(3):
        deliveries_run("sms", now=now)
        delivery.refresh_from_db()
        now = delivery.next_attempt_at or now
    assert delivery.status == "temporary_failure" and delivery.attempts == 3 and delivery.next_attempt_at is None
    deliveries_run("sms", now=T0 + timedelta(days=1))
    assert len(gw.received) == 3


def test_an_unreachable_gateway_is_a_temporary_failure(an_vien, settings):
    settings.XASO_NOTIFY_PROVIDERS = {"sms": {"backend": "http_sms", "url": "http://127.0.0.1:9/send", "token": "t"}}
    [delivery] = queue(an_vien)
    deliveries_run("sms", now=T0)
    delivery.refresh_from_db()
    assert delivery.status == "temporary_failure" and delivery.next_attempt_at is not None


def test_a_provider_without_its_configuration_is_a_technical_failure(an_vien, settings):
    settings.XASO_NOTIFY_PROVIDERS = {"sms": {"backend": "http_sms"}}
    [delivery] = queue(an_vien)
    deliveries_run("sms", now=T0)
    delivery.refresh_from_db()
    assert delivery.status == "technical_failure" and "needs url and token" in delivery.error


def test_two_workers_never_send_one_delivery_twice(an_vien):
    [delivery] = queue(an_vien)
    stale = Delivery.objects.get(pk=delivery.pk)  # what a second worker read before the first one claimed it
    assert delivery_send(delivery, now=T0) is True
    assert delivery_send(stale, now=T0) is False
    assert OutboxMessage.objects.filter(delivery_key=delivery.key).count() == 1


def test_the_rate_per_minute_holds_the_rest_for_the_next_minute(an_vien, settings):
    settings.XASO_NOTIFY_LIMITS = {"sms": {"rate_per_minute": 2}}
    queue(an_vien, "0912000001", "0912000002", "0912000003", "0912000004", "0912000005")
    due = deliveries_run("sms", now=T0)
    assert OutboxMessage.objects.count() == 2 and due == T0 + timedelta(minutes=1)
    deliveries_run("sms", now=T0 + timedelta(seconds=30))
    assert OutboxMessage.objects.count() == 2  # the two of the last minute still count
    deliveries_run("sms", now=T0 + timedelta(minutes=1, seconds=1))
    assert OutboxMessage.objects.count() == 4


def test_the_daily_cap_refuses_the_whole_send(an_vien, settings):
    settings.XASO_NOTIFY_LIMITS = {"sms": {"daily_cap": 3}}
    queue(an_vien, "0912000001", "0912000002")
    with pytest.raises(ValidationError, match="giới hạn 3 tin một ngày"):
        queue(an_vien, "0912000003", "0912000004")
    assert Delivery.objects.count() == 2


def test_an_unsubscribed_address_gets_nothing(an_vien):
    unsubscribe(channel="sms", address="0912000002")
    made = queue(an_vien, "0912000001", "0912000002", "0912000001")
    assert [d.address for d in made] == ["0912000001"]


def test_retry_delay_doubles_within_its_cap_with_jitter():
    rng = random.Random(1)
    for failures, (low, high) in {1: (15, 30), 2: (30, 60), 3: (60, 120), 8: (1800, 3600), 20: (1800, 3600)}.items():
        waits = [retry_delay(failures, channel="sms", rng=rng).total_seconds() for _i in range(50)]
        assert all(low <= w <= high for w in waits)
        assert len(set(waits)) > 1  # jittered


def test_receipts_need_the_channel_token(an_vien, gateway, client):
    gateway([(202, {"id": "gw-1"})])
    queue(an_vien)
    deliveries_run("sms", now=T0)
    refused = client.post(
        "/notify/receipts/sms/",
        {"reference": "gw-1", "status": "delivered"},
        content_type="application/json",
        headers={"Authorization": "Bearer wrong"},
    )
    assert refused.status_code == 403
    bad = client.post(
        "/notify/receipts/sms/",
        {"reference": "gw-1", "status": "lost"},
        content_type="application/json",
        headers={"Authorization": "Bearer receipt-secret"},
    )
    assert bad.status_code == 400 and "không hợp lệ" in bad.json()["detail"]
    assert Delivery.objects.get().status == "sending"
