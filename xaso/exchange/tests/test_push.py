"""Push: a write queues its changed figures for the province's endpoint; the worker sends them in batches to a real
HTTP receiver (started here), retrying with exponential backoff, under one batch id, signed, applied once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from xaso.exchange.models import PayloadFormat, PushBatch, PushEndpoint, PushItem
from xaso.exchange.push import push_run, retry_delay
from xaso.exchange.services import endpoint_save
from xaso.exchange.transport import deliver, signature_valid
from xaso.indicators.models import DataElement

from .conftest import write
from .receiver import Receiver

pytestmark = pytest.mark.django_db

SECRET = "s3cret-of-dong-nai"


@pytest.fixture
def local(settings):
    """The test's receiver listens on 127.0.0.1 over plain HTTP: allowed here only."""
    settings.XASO_EXCHANGE_ALLOW_PRIVATE_ADDRESSES = True
    settings.XASO_EXCHANGE_REQUIRE_HTTPS = False
    settings.XASO_EXCHANGE_RETRY = {"base_seconds": 30, "max_seconds": 600, "max_attempts": 5}


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def endpoint(unit, url, *, user=None, fmt=PayloadFormat.JSON, elements=None) -> PushEndpoint:
    return endpoint_save(user=user, endpoint=PushEndpoint(unit=unit, name="IOC Đồng Nai", url=url, secret=SECRET,
                                                          format=fmt), elements=elements)  # fmt: skip


def written(officer, rows, capture):
    """A write as a request makes it: the push is asked for after the commit (the test backend runs it at once)."""
    with capture(execute=True):
        write(officer, rows)


def test_a_write_is_pushed_after_commit_with_retries_backoff_one_batch_id_and_a_valid_signature(
    local, receiver, catalog, dong_nai, an_vien_officer, django_capture_on_commit_callbacks
):
    receiver.fail_first = 2
    point = endpoint(dong_nai, receiver.url)
    start = timezone.now().replace(microsecond=0) + timedelta(seconds=5)
    with time_machine.travel(start, tick=False):
        written(
            an_vien_officer,
            [("households_total", "26296", "2025", 1961), ("households_fibre", "26296", "2025", 1384)],
            django_capture_on_commit_callbacks,
        )
    batch = PushBatch.objects.get(endpoint=point)
    assert (batch.status, batch.attempts, batch.next_attempt_at) == ("pending", 1, start + timedelta(seconds=30))
    with time_machine.travel(start + timedelta(seconds=29), tick=False):  # not due yet: nothing sent
        assert push_run(point.pk) == start + timedelta(seconds=30)
    assert len(receiver.requests) == 1
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert push_run(point.pk) == start + timedelta(seconds=90)  # second failure: 60 s more
    with time_machine.travel(start + timedelta(seconds=90), tick=False):
        assert push_run(point.pk) is None
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == ("sent", 3)
    log = list(batch.attempt_log.order_by("number").values_list("number", "status_code", "ok", "next_attempt_at"))
    assert log == [(1, 503, False, start + timedelta(seconds=30)), (2, 503, False, start + timedelta(seconds=90)),
                   (3, 200, True, None)]  # fmt: skip
    ids = {r.headers["X-Xaso-Batch-Id"] for r in receiver.requests}
    assert ids == {str(batch.batch_id)} and len({r.body for r in receiver.requests}) == 1
    assert [r.headers["X-Xaso-Attempt"] for r in receiver.requests] == ["1", "2", "3"]
    for request, moment in zip(receiver.requests, (0, 30, 90), strict=True):
        when = (start + timedelta(seconds=moment)).timestamp()
        assert signature_valid(SECRET, request.headers["X-Xaso-Signature"], request.body, now=when)
        assert not signature_valid("wrong", request.headers["X-Xaso-Signature"], request.body, now=when)
        assert not signature_valid(SECRET, request.headers["X-Xaso-Signature"], request.body + b" ", now=when)
    assert receiver.requests[0].path == "/xaso/push?key=1"
    assert len(receiver.applied) == 1
    values = receiver.applied[str(batch.batch_id)]
    assert sorted((v["element"], v["unit"], v["period"], v["value"]) for v in values) == [
        ("households_fibre", "26296", "2025", 1384),
        ("households_total", "26296", "2025", 1961),
    ]
    assert not PushItem.objects.exists()


def test_a_receiver_refuses_an_expired_a_future_a_forged_or_a_malformed_signature():
    """`signature_valid`, what a partner's receiver runs: the time within 5 minutes either way, the HMAC over this
    exact body with this secret; a mangled header is a plain refusal, never an exception (a 500 at the receiver)."""
    from xaso.exchange.transport import sign

    body, moment = b'{"values": []}', 1_790_000_000
    header = sign(SECRET, moment, body)
    assert signature_valid(SECRET, header, body, now=moment + 300)
    assert not signature_valid(SECRET, header, body, now=moment + 301)  # replayed too late
    assert not signature_valid(SECRET, header, body, now=moment - 301)  # stamped ahead
    assert not signature_valid(SECRET, header.replace(f"t={moment}", f"t={moment + 1}"), body, now=moment)  # re-timed
    forged = sign("another secret of the same length", moment, body)
    assert not signature_valid(SECRET, forged, body, now=moment)
    for mangled in ("", "t=,v1=", f"t={moment}", f"v1={header[-64:]}", "t=²,v1=00", "t=١٢٣,v1=00", "t=1e9,v1=00",
                    f"t={'9' * 400},v1=00", f"t={moment},v1=é", "garbage"):  # fmt: skip
        assert not signature_valid(SECRET, mangled, body, now=moment), mangled


def test_backoff_doubles_up_to_the_cap_and_honours_a_longer_retry_after(settings):
    settings.XASO_EXCHANGE_RETRY = {"base_seconds": 30, "max_seconds": 600, "max_attempts": 10}
    assert [retry_delay(n).total_seconds() for n in range(1, 8)] == [30, 60, 120, 240, 480, 600, 600]
    assert retry_delay(1, retry_after=200).total_seconds() == 200
    assert retry_delay(3, retry_after=10).total_seconds() == 120
    assert retry_delay(1, retry_after=9999).total_seconds() == 600


def test_after_max_attempts_the_batch_fails_and_the_next_one_goes(
    local, receiver, catalog, dong_nai, an_vien_officer, settings, django_capture_on_commit_callbacks
):
    settings.XASO_EXCHANGE_RETRY = {"base_seconds": 1, "max_seconds": 1, "max_attempts": 2}
    receiver.fail_first = 2
    point = endpoint(dong_nai, receiver.url)
    start = timezone.now() + timedelta(seconds=5)
    with time_machine.travel(start, tick=False):
        written(an_vien_officer, [("households_total", "26296", "2025", 1961)], django_capture_on_commit_callbacks)
        written(an_vien_officer, [("households_fibre", "26296", "2025", 1384)], django_capture_on_commit_callbacks)
    first, second = PushBatch.objects.filter(endpoint=point).order_by("id")
    assert (first.status, second.status, second.attempts) == ("pending", "pending", 0)  # the newer one waits
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        push_run(point.pk)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, first.attempts, second.status) == ("failed", 2, "sent")
    assert first.attempt_log.first().error.startswith("HTTP 503")


def test_a_refusal_a_retry_cannot_change_fails_at_once(
    local, receiver, catalog, dong_nai, an_vien_officer, django_capture_on_commit_callbacks
):
    receiver.fail_first, receiver.fail_status = 1, 401
    endpoint(dong_nai, receiver.url)
    written(an_vien_officer, [("households_total", "26296", "2025", 1961)], django_capture_on_commit_callbacks)
    batch = PushBatch.objects.get()
    assert (batch.status, batch.attempts, batch.next_attempt_at) == ("failed", 1, None)


def test_429_is_retried_after_the_receivers_retry_after(
    local, receiver, catalog, dong_nai, an_vien_officer, django_capture_on_commit_callbacks
):
    receiver.fail_first, receiver.fail_status, receiver.retry_after = 1, 429, "120"
    start = timezone.now() + timedelta(seconds=5)
    endpoint(dong_nai, receiver.url)
    with time_machine.travel(start, tick=False):
        written(an_vien_officer, [("households_total", "26296", "2025", 1961)], django_capture_on_commit_callbacks)
    assert PushBatch.objects.get().next_attempt_at == start + timedelta(seconds=120)


@pytest.mark.parametrize("header", ["²", "1.5", "-5", "Fri, 04 Dec 2026 08:00:00 GMT", "9" * 40])
def test_a_retry_after_that_is_not_plain_seconds_falls_back_to_the_backoff(
    header, local, receiver, catalog, dong_nai, an_vien_officer, django_capture_on_commit_callbacks, settings
):
    """A partner's answer is not trusted to be well formed: "²" passes str.isdigit() but not int(); the send is
    logged as a failure and retried after the backoff (40 digits: the cap), it does not crash the run."""
    receiver.fail_first, receiver.fail_status, receiver.retry_after = 1, 503, header
    start = timezone.now().replace(microsecond=0) + timedelta(seconds=5)
    endpoint(dong_nai, receiver.url)
    with time_machine.travel(start, tick=False):
        written(an_vien_officer, [("households_total", "26296", "2025", 1961)], django_capture_on_commit_callbacks)
    batch = PushBatch.objects.get()
    policy = settings.XASO_EXCHANGE_RETRY
    wait = timedelta(seconds=policy["max_seconds"] if len(header) == 40 else policy["base_seconds"])
    assert (batch.status, batch.attempts, batch.next_attempt_at) == ("pending", 1, start + wait)
    assert batch.attempt_log.get().status_code == 503


def test_a_header_the_http_client_refuses_is_a_logged_failure_not_a_stalled_queue(
    local, receiver, catalog, dong_nai, an_vien_officer, django_capture_on_commit_callbacks
):
    """An Authorization header saved with a line break (through the admin, before the form refused it): each send
    is a failed attempt in the log with the reason, retried, instead of an exception that leaves the batch unsent
    and no run asked for."""
    point = endpoint(dong_nai, receiver.url)
    PushEndpoint.objects.filter(pk=point.pk).update(auth_header="Token a\nb")
    start = timezone.now().replace(microsecond=0) + timedelta(seconds=5)
    with time_machine.travel(start, tick=False):
        written(an_vien_officer, [("households_total", "26296", "2025", 1961)], django_capture_on_commit_callbacks)
    batch = PushBatch.objects.get()
    assert (batch.status, batch.attempts, batch.next_attempt_at) == ("pending", 1, start + timedelta(seconds=30))
    attempt = batch.attempt_log.get()
    assert attempt.status_code is None and "ValueError" in attempt.error and receiver.requests == []


def test_only_the_endpoints_scope_is_queued_and_a_change_is_sent_once(
    local, receiver, catalog, dong_nai, an_vien, an_vien_officer, tri_an_officer, django_capture_on_commit_callbacks
):
    fibre = DataElement.objects.get(code="households_fibre")
    endpoint(an_vien, receiver.url, elements=[fibre])  # An Viễn's fibre only
    written(an_vien_officer, [("households_total", "26296", "2025", 1961), ("households_fibre", "26296", "2025", 1384)],
            django_capture_on_commit_callbacks)  # fmt: skip
    written(tri_an_officer, [("households_fibre", "26170", "2025", 1500)], django_capture_on_commit_callbacks)
    written(an_vien_officer, [("households_fibre", "26296", "2025", 1384)], django_capture_on_commit_callbacks)  # same
    assert len(receiver.requests) == 1
    values = json.loads(receiver.requests[0].body)["values"]
    assert [(v["element"], v["unit"], v["value"]) for v in values] == [("households_fibre", "26296", 1384)]


def test_a_deletion_is_pushed_as_null_and_adx_endpoints_get_adx(
    local, receiver, catalog, dong_nai, an_vien_officer, django_capture_on_commit_callbacks
):
    from lxml import etree

    from xaso.exchange.adx import adx_schema

    endpoint(dong_nai, receiver.url, fmt=PayloadFormat.ADX)
    written(an_vien_officer, [("households_total", "26296", "2025", 1961)], django_capture_on_commit_callbacks)
    request = receiver.requests[0]
    assert request.headers["Content-Type"] == "application/adx+xml"
    root = etree.fromstring(request.body)
    assert adx_schema("adx.xsd").validate(root) and adx_schema("xaso_adx.xsd").validate(root)
    assert root[0].get("period") == "2025-01-01/P1Y" and root[0][0].get("value") == "1961"


def test_changes_are_queued_in_the_writers_transaction_and_not_sent_before_commit(
    local, receiver, catalog, dong_nai, an_vien_officer
):
    endpoint(dong_nai, receiver.url)
    write(an_vien_officer, [("households_total", "26296", "2025", 1961)])  # on_commit callbacks not run
    assert PushItem.objects.count() == 1 and receiver.requests == []


def test_a_full_queue_counts_what_it_drops(local, catalog, dong_nai, an_vien_officer, settings):
    settings.XASO_EXCHANGE_QUEUE_MAX = 1
    point = endpoint(dong_nai, "http://127.0.0.1:9/")
    write(an_vien_officer, [("households_total", "26296", "2025", 1961)])
    write(an_vien_officer, [("households_fibre", "26296", "2025", 1384), ("population_total", "26296", "2025", 5)])
    point.refresh_from_db()
    assert (PushItem.objects.count(), point.dropped) == (1, 2)


def test_endpoints_on_private_addresses_are_refused_by_default(catalog, dong_nai):
    for url in ("https://127.0.0.1/x", "https://10.1.2.3/x", "https://[::1]/x", "https://169.254.169.254/latest",
                "https://localhost/x"):  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            endpoint(dong_nai, url)
        assert "nội bộ" in str(caught.value)
    with pytest.raises(ValidationError, match="https://"):
        endpoint(dong_nai, "http://example.org/x")
    with pytest.raises(ValidationError):
        endpoint(dong_nai, "file:///etc/passwd")


def test_sending_checks_the_address_again(receiver, settings):
    """An endpoint saved when its name pointed elsewhere is still refused once it resolves to a private address."""
    settings.XASO_EXCHANGE_REQUIRE_HTTPS = False
    result = deliver(url=receiver.url, body=b"{}", headers={}, timeout=2)
    assert result.status_code is None and "nội bộ" in result.error and receiver.requests == []


@pytest.mark.parametrize(("status", "final"), [(408, False), (425, False), (429, False), (500, False), (502, False),
                                               (400, True), (404, True), (410, True), (422, True)])  # fmt: skip
def test_which_answers_are_retried(
    status, final, local, receiver, catalog, dong_nai, an_vien_officer, django_capture_on_commit_callbacks
):
    receiver.fail_first, receiver.fail_status = 1, status
    endpoint(dong_nai, receiver.url)
    written(an_vien_officer, [("households_total", "26296", "2025", 1961)], django_capture_on_commit_callbacks)
    batch = PushBatch.objects.get()
    assert batch.status == ("failed" if final else "pending")
    assert (batch.next_attempt_at is None) is final


def test_a_network_failure_is_logged_and_retried(local, catalog, dong_nai, an_vien_officer,
                                                 django_capture_on_commit_callbacks):  # fmt: skip
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint(dong_nai, f"http://127.0.0.1:{port}/")
    written(an_vien_officer, [("households_total", "26296", "2025", 1961)], django_capture_on_commit_callbacks)
    attempt = PushBatch.objects.get().attempt_log.get()
    assert attempt.status_code is None and not attempt.ok and "Connection" in attempt.error
    assert attempt.next_attempt_at is not None


def test_an_inactive_endpoint_queues_and_sends_nothing(local, receiver, catalog, dong_nai, an_vien_officer,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    point = endpoint(dong_nai, receiver.url)
    PushEndpoint.objects.filter(pk=point.pk).update(is_active=False)
    written(an_vien_officer, [("households_total", "26296", "2025", 1961)], django_capture_on_commit_callbacks)
    assert not PushItem.objects.exists() and receiver.requests == [] and push_run(point.pk) is None


def test_a_change_made_while_a_batch_is_made_is_sent_in_the_next_one(
    local, receiver, catalog, dong_nai, an_vien_officer, django_capture_on_commit_callbacks
):
    """Items leave the queue before values are read: a later change of the same figure is queued again."""
    endpoint(dong_nai, receiver.url)
    written(an_vien_officer, [("households_total", "26296", "2025", 1961)], django_capture_on_commit_callbacks)
    written(an_vien_officer, [("households_total", "26296", "2025", 1962)], django_capture_on_commit_callbacks)
    sent = [json.loads(r.body)["values"][0]["value"] for r in receiver.requests]
    assert sent == [1961, 1962] and len({r.headers["X-Xaso-Batch-Id"] for r in receiver.requests}) == 2


def test_many_writes_ask_the_worker_for_one_run_which_sends_them_all(
    local, receiver, catalog, dong_nai, an_vien_officer, settings, django_capture_on_commit_callbacks
):
    """One pending run per endpoint: three writes before the worker starts make one task (not three), which sends
    the three changes in one batch; a write after the run started asks for a new one; a mark left by a lost task
    is overdue after the lease and asked again."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import task_backends

    queued = task_backends["default"].results
    point = endpoint(dong_nai, receiver.url)
    for element, value in (("households_total", 1961), ("households_fibre", 1384), ("population_total", 7420)):
        written(an_vien_officer, [(element, "26296", "2025", value)], django_capture_on_commit_callbacks)
    assert [r.args for r in queued] == [[point.pk]]
    assert push_run(point.pk) is None  # the worker runs the one task
    assert len(receiver.requests) == 1
    assert len(json.loads(receiver.requests[0].body)["values"]) == 3
    written(an_vien_officer, [("households_total", "26296", "2025", 1962)], django_capture_on_commit_callbacks)
    assert len(queued) == 2  # the run had started: the next write asks for the next one
    # a task lost with its mark (a worker that died): after the lease the next write (of another figure: the
    # queued one is queued once) asks again
    later = timezone.now() + timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        written(an_vien_officer, [("population_total", "26296", "2025", 7421)], django_capture_on_commit_callbacks)
    assert len(queued) == 3
    with time_machine.travel(later, tick=False):
        written(an_vien_officer, [("households_fibre", "26296", "2025", 1385)], django_capture_on_commit_callbacks)
    assert len(queued) == 3
