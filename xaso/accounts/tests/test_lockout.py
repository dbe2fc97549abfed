"""Password guessing: failed logins lock the pair (5), the account (10) and the address (20) for 15 minutes.

Every test goes through a real door (HTML login, admin login, API token) with Django's test client, setting the
peer address (REMOTE_ADDR) and the forwarded headers an attacker would send.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db

DOORS = {"html": "/accounts/login/", "admin": "/admin/login/", "token": "/api/v1/auth/token/"}
OFFICER, OFFICER_PW = "an_vien_officer", "pw-an_vien_officer"
A, B, C, D = "203.0.113.10", "203.0.113.20", "198.51.100.30", "198.51.100.40"
LOCKED_VI = "Đăng nhập tạm thời bị khóa vì nhập sai mật khẩu quá nhiều lần. Hãy thử lại sau 15 phút"


def attempt(door: str, username: str, password: str, address: str, **meta):
    """One login through `door` from a fresh browser or client at `address` (META extras: forwarded headers)."""
    data = {"username": username, "password": password}
    if door == "token":
        return Client().post(DOORS[door], data, content_type="application/json", REMOTE_ADDR=address, **meta)
    return Client().post(DOORS[door], data, REMOTE_ADDR=address, **meta)


def outcome(response) -> str:
    """locked (429), ok (a redirect after login, or a token), or wrong (the form again, or a 400)."""
    if response.status_code == 429:
        return "locked"
    if response.status_code == 302 or (response.status_code == 200 and "json" in response["Content-Type"]):
        return "ok"
    assert response.status_code in (200, 400), response.status_code
    return "wrong"


def fail(door: str, username: str, address: str, times: int = 1, **meta) -> list[str]:
    return [outcome(attempt(door, username, "doan-sai", address, **meta)) for _ in range(times)]


@pytest.fixture
def officer(an_vien_officer):
    return an_vien_officer


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The token endpoint's burst throttle lives in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


# --- the three rules ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("door", ["html", "token"])
def test_five_failures_from_one_address_lock_the_account_there_but_not_from_elsewhere(officer, door):
    assert fail(door, OFFICER, A, 5) == ["wrong"] * 4 + ["locked"]
    # the right password from A is refused too: the lock is checked before the password
    assert outcome(attempt(door, OFFICER, OFFICER_PW, A)) == "locked"
    # the owner at another address still gets in: one address alone cannot lock someone out of their account
    assert outcome(attempt(door, OFFICER, OFFICER_PW, B)) == "ok"


def test_ten_failures_from_several_addresses_lock_the_account_from_any_address(officer):
    # 4 + 4 + 1 from three addresses: no pair reaches 5, the account stands at 9
    fail("html", OFFICER, A, 4)
    fail("token", OFFICER, B, 4)
    assert fail("html", OFFICER, C) == ["wrong"]
    assert AccessAttempt.objects.filter(username=OFFICER).count() == 3
    assert fail("token", OFFICER, C) == ["locked"]  # the 10th
    # now even the right password from an address that never failed is refused
    assert outcome(attempt("html", OFFICER, OFFICER_PW, D)) == "locked"
    assert outcome(attempt("token", OFFICER, OFFICER_PW, D)) == "locked"


def test_nine_failures_across_addresses_do_not_lock_the_account(officer):
    fail("html", OFFICER, A, 4)
    fail("html", OFFICER, B, 4)
    fail("html", OFFICER, C, 1)
    assert outcome(attempt("html", OFFICER, OFFICER_PW, D)) == "ok"


def test_twenty_failures_from_one_address_lock_that_address_for_every_account(officer, tri_an_officer):
    # password spraying: 4 tries on each of 5 names (none of which exist), so no pair and no account is locked
    for name in ["an", "binh", "chi", "dung"]:
        assert fail("html", name, A, 4) == ["wrong"] * 4
    assert fail("token", "em", A, 4) == ["wrong"] * 3 + ["locked"]  # the address's 20th failure
    # every account is now refused from A, with or without the right password
    assert outcome(attempt("html", OFFICER, OFFICER_PW, A)) == "locked"
    assert outcome(attempt("token", "tri_an_officer", "pw-tri_an_officer", A)) == "locked"
    # and nobody else is affected
    assert outcome(attempt("html", OFFICER, OFFICER_PW, B)) == "ok"


def test_nineteen_failures_from_one_address_do_not_lock_it(officer):
    for name in ["an", "binh", "chi", "dung"]:
        fail("html", name, A, 4)
    fail("html", "em", A, 3)
    assert outcome(attempt("html", OFFICER, OFFICER_PW, A)) == "ok"


# --- the client address ---------------------------------------------------------------------------------------


def test_varying_x_forwarded_for_from_an_untrusted_peer_neither_bypasses_nor_resets(officer):
    spoofed = [{"HTTP_X_FORWARDED_FOR": f"192.0.2.{i}", "HTTP_X_REAL_IP": f"192.0.2.{i}"} for i in range(1, 7)]
    answers = [outcome(attempt("token", OFFICER, "doan-sai", A, **headers)) for headers in spoofed]
    assert answers == ["wrong"] * 4 + ["locked"] * 2
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {A}
    assert outcome(attempt("html", OFFICER, OFFICER_PW, A, HTTP_X_FORWARDED_FOR=B)) == "locked"


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(officer, settings):
    settings.XASO_TRUSTED_PROXIES = ["10.0.0.0/24"]
    proxy = "10.0.0.5"
    # the client prepends a fake address; the proxy appends the one it saw (A)
    assert fail("html", OFFICER, proxy, 5, HTTP_X_FORWARDED_FOR=f"192.0.2.99, {A}") == ["wrong"] * 4 + ["locked"]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {A}
    # another client behind the same proxy is not the locked one
    assert outcome(attempt("html", OFFICER, OFFICER_PW, proxy, HTTP_X_FORWARDED_FOR=B)) == "ok"
    assert outcome(attempt("html", OFFICER, OFFICER_PW, proxy, HTTP_X_FORWARDED_FOR=A)) == "locked"


def test_a_trusted_proxy_list_does_not_make_other_peers_trusted(officer, settings):
    settings.XASO_TRUSTED_PROXIES = ["10.0.0.5"]
    assert fail("html", OFFICER, "10.0.0.6", 5, HTTP_X_FORWARDED_FOR=A) == ["wrong"] * 4 + ["locked"]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.6"}


# --- cool-off and reset ---------------------------------------------------------------------------------------


def test_the_lock_lasts_fifteen_minutes_after_the_last_counted_failure(officer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert fail("token", OFFICER, A, 5)[-1] == "locked"
        response = attempt("token", OFFICER, OFFICER_PW, A)
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        clock.shift(timedelta(minutes=5))
        assert attempt("token", OFFICER, OFFICER_PW, A)["Retry-After"] == "600"
        # retrying while locked does not extend the lock
        clock.shift(timedelta(minutes=9, seconds=59))
        assert attempt("token", OFFICER, OFFICER_PW, A)["Retry-After"] == "1"
        clock.shift(timedelta(seconds=1, microseconds=1))  # the lock covers 15:00 itself
        assert outcome(attempt("token", OFFICER, OFFICER_PW, A)) == "ok"


def test_failures_are_forgotten_fifteen_minutes_after_the_last_one(officer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail("html", OFFICER, A, 4)
        clock.shift(timedelta(minutes=14, seconds=59))
        assert fail("html", OFFICER, A) == ["locked"]  # still counted: 5
    AccessAttempt.objects.all().delete()
    with time_machine.travel(start, tick=False) as clock:
        fail("html", OFFICER, A, 4)
        clock.shift(timedelta(minutes=15))
        assert fail("html", OFFICER, A, 4) == ["wrong"] * 4  # the first four were forgotten


def test_success_clears_the_accounts_failures_from_that_address(officer):
    fail("html", OFFICER, A, 4)
    assert outcome(attempt("html", OFFICER, OFFICER_PW, A)) == "ok"
    assert fail("html", OFFICER, A, 5) == ["wrong"] * 4 + ["locked"]


def test_a_token_success_clears_the_accounts_failures_too(officer):
    fail("token", OFFICER, A, 4)
    assert outcome(attempt("token", OFFICER, OFFICER_PW, A)) == "ok"
    assert fail("token", OFFICER, A, 4) == ["wrong"] * 4


def test_success_does_not_clear_failures_from_other_addresses(officer):
    fail("html", OFFICER, A, 4)
    fail("html", OFFICER, B, 4)
    assert outcome(attempt("html", OFFICER, OFFICER_PW, C)) == "ok"
    # A's and B's failures may be someone else's: the account still stands at 8
    assert fail("html", OFFICER, D, 2) == ["wrong", "locked"]


def test_a_valid_account_cannot_reset_its_addresss_count_on_other_accounts(officer):
    for name in ["an", "binh", "chi", "dung"]:
        fail("html", name, A, 4)
    fail("html", "em", A, 3)  # 19 from A
    assert outcome(attempt("html", OFFICER, OFFICER_PW, A)) == "ok"
    assert fail("html", "giang", A) == ["locked"]  # 20


@pytest.fixture
def still_clock():
    """A clock that does not move by itself: a lock's Retry-After is exact however slow the machine is."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


# --- every door -----------------------------------------------------------------------------------------------


def test_the_admin_login_is_limited_and_shows_the_message_in_its_form(administrator, still_clock):
    assert fail("admin", "administrator", A, 4) == ["wrong"] * 4
    response = attempt("admin", "administrator", "doan-sai", A)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert LOCKED_VI in response.content.decode()
    assert outcome(attempt("admin", "administrator", "pw-admin", A)) == "locked"
    assert outcome(attempt("admin", "administrator", "pw-admin", B)) == "ok"


def test_failures_count_across_doors(officer):
    fail("html", OFFICER, A, 2)
    fail("admin", OFFICER, A, 2)
    assert fail("token", OFFICER, A) == ["locked"]


def test_the_html_login_shows_the_vietnamese_message_in_its_error_area(officer, still_clock):
    fail("html", OFFICER, A, 4)
    response = attempt("html", OFFICER, "doan-sai", A)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    html = response.content.decode()
    assert f'<p class="usa-alert__text">{LOCKED_VI}, hoặc nhờ quản trị viên mở khóa.</p>' in html
    # before the lock, the form said only that the name or password is wrong
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in attempt("html", OFFICER, "doan-sai", B).content.decode()


def test_the_html_message_is_english_for_an_english_reader(officer):
    fail("html", OFFICER, A, 4)
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/login/", {"username": OFFICER, "password": "x"}, REMOTE_ADDR=A)
    assert "Sign-in is temporarily locked" in response.content.decode()


def test_the_token_endpoint_answers_429_in_the_api_error_format(officer, still_clock):
    fail("token", OFFICER, A, 4)
    response = attempt("token", OFFICER, "doan-sai", A)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert response.json() == {"detail": f"{LOCKED_VI}, hoặc nhờ quản trị viên mở khóa.", "code": "locked_out"}


# --- nothing to learn about which accounts exist --------------------------------------------------------------


@pytest.mark.parametrize("door", ["html", "token", "admin"])
def test_a_nonexistent_username_is_locked_and_answered_exactly_like_a_real_one(officer, door, still_clock):
    answers = {}
    for name, address in [(OFFICER, A), ("khong_ton_tai", B)]:
        sequence = fail(door, name, address, 5)
        with CaptureQueriesContext(connection) as queries:
            response = attempt(door, name, "doan-sai", address)
        body = re.sub(r'csrf[^"]*" value="[^"]+"|"X-CSRFToken": "[^"]+"', "CSRF", response.content.decode())
        body = re.sub(r'nonce="[^"]+"', "NONCE", body)  # the CSP nonce is new on every response, by design
        body = body.replace(name, "NAME")
        answers[name] = (sequence, response.status_code, response["Retry-After"], body)
        # refused before any account is looked up or any password hashed: the same work, so the same time
        assert not [q for q in queries.captured_queries if "accounts_user" in q["sql"]]
    assert answers[OFFICER] == answers["khong_ton_tai"]
    assert answers[OFFICER][:3] == (["wrong"] * 4 + ["locked"], 429, "900")


# --- the record -----------------------------------------------------------------------------------------------


def test_failures_refusals_and_lockouts_are_logged_without_the_password(officer, caplog):
    caplog.set_level(logging.INFO, logger="xaso.security")
    fail("html", OFFICER, A, 4)
    attempt("html", OFFICER, "mat-khau-bi-mat-9", A)
    attempt("token", OFFICER, OFFICER_PW, A)
    records = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "xaso.security"]
    assert records[0] == ("INFO", f"login failed: username='{OFFICER}' address={A} path=/accounts/login/")
    assert len([r for r in records if r[1].startswith("login failed")]) == 4
    level, locked = records[4]
    assert level == "WARNING"
    assert locked.startswith(
        f"login locked out: username='{OFFICER}' address={A} path=/accounts/login/ rules=account_address until="
    )
    assert records[5] == (
        "WARNING", f"login refused while locked out: username='{OFFICER}' address={A} path=/api/v1/auth/token/"
    )  # fmt: skip
    assert "mat-khau-bi-mat-9" not in caplog.text and OFFICER_PW not in caplog.text and "doan-sai" not in caplog.text


def test_a_forged_log_line_in_the_username_stays_on_one_line(db, caplog):
    caplog.set_level(logging.INFO, logger="xaso.security")
    fail("token", "x\nlogin succeeded: username='admin'", A)
    (message,) = [r.getMessage() for r in caplog.records if r.name == "xaso.security"]
    assert "\n" not in message


def test_administrators_read_every_failure_in_the_admin(officer, administrator):
    fail("html", OFFICER, A, 5)
    fail("token", "khong_ton_tai", B, 2)
    failures = AccessFailureLog.objects.order_by("attempt_time").values_list("username", "ip_address", "locked_out")
    assert list(failures) == [
        *[(OFFICER, A, False)] * 4, (OFFICER, A, True), ("khong_ton_tai", B, False), ("khong_ton_tai", B, False),
    ]  # fmt: skip
    client = Client()
    client.force_login(administrator)
    page = client.get("/admin/axes/accessfailurelog/")
    assert page.status_code == 200
    assert page.content.decode().count("khong_ton_tai") >= 2
    assert client.get("/admin/axes/accessattempt/").status_code == 200


def test_when_two_rules_lock_the_answer_waits_for_the_later_one(officer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for name, times in [("an", 4), ("binh", 4), ("chi", 4), ("dung", 3)]:
            fail("html", name, A, times)
        fail("html", OFFICER, A, 4)  # 19 from A, 4 of them on the officer
        clock.shift(timedelta(minutes=10))
        # one more on the officer locks both the pair (5, the latest now) and the address (20)
        assert fail("html", OFFICER, A) == ["locked"]
        # the address is free once the 15 older failures are forgotten (in 5 minutes), the pair only in 15
        assert attempt("token", OFFICER, OFFICER_PW, A)["Retry-After"] == "900"
        clock.shift(timedelta(minutes=5, seconds=1))
        assert fail("html", "giang", A) == ["wrong"]
        assert attempt("token", OFFICER, OFFICER_PW, A)["Retry-After"] == "599"
