"""Whole pages kept per reader (docs/decisions/0058-whole-page-cache.md): the commune page, the province page and
the scorecard are served from one cache read with this request's CSRF token filled in; everything else that
depends on the person — their name, their rights, the address, a message waiting — is in the key or keeps the
page from being stored."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from xaso.accounts.models import Role
from xaso.conftest import make_user
from xaso.core import fragments
from xaso.indicators.tests.conftest import write

pytestmark = pytest.mark.django_db

URL = reverse("coc:unit", args=["26296"])
PROVINCE = reverse("coc:province", args=["75"])
SCORECARD = reverse("coc:scorecard", args=["75"])


@pytest.fixture
def an_vien_2025(catalog, an_vien, an_vien_officer):
    """An Viễn 2025: 6,420 of 8,560 households on fibre = 75.0%."""
    write(an_vien_officer, an_vien, "2025", households_total=8560, households_fibre=6420)
    return catalog


def csrf_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def kept_pages() -> list[str]:
    store = caches["fragments"]
    return [v for v in (store.get(k.split(":", 2)[-1]) for k in list(store._cache)) if isinstance(v, str)]


def test_a_page_opened_again_is_served_whole_with_this_requests_token(
    client, an_vien_officer, an_vien_2025, django_assert_num_queries
):
    client.force_login(an_vien_officer)
    first = client.get(URL).content.decode()
    with django_assert_num_queries(3):  # the session, the user with their unit, the unit's version: no rendering
        again = client.get(URL).content.decode()
    assert fragments.CSRF_HOLE not in again and fragments.NONCE_HOLE not in again
    assert csrf_in(again) and csrf_in(again) != fragments.CSRF_HOLE
    # the same page, but for the masked token (a fresh mask on every answer, as Django's own tag gives)
    assert re.sub(r'value="[^"]{64}"|"X-CSRFToken": "[^"]{64}"', "", first) == re.sub(
        r'value="[^"]{64}"|"X-CSRFToken": "[^"]{64}"', "", again
    )
    assert len(kept_pages()) == 1


def test_the_token_of_a_kept_page_is_accepted_by_a_form_it_holds(an_vien_officer, an_vien_2025):
    client = Client(enforce_csrf_checks=True)
    client.force_login(an_vien_officer)
    client.get(URL)
    html = client.get(URL).content.decode()  # from the kept page
    answer = client.post(reverse("set_language"), {"language": "en", "next": URL, "csrfmiddlewaretoken": csrf_in(html)})
    assert answer.status_code == 302  # a hole left unfilled, or another session's token, would be refused: 403
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(an_vien_officer)
    forged.get(URL)
    refused = forged.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": fragments.CSRF_HOLE})
    assert refused.status_code == 403


def test_two_officers_of_one_commune_each_get_their_own_page(client, an_vien, an_vien_officer, an_vien_2025):
    colleague = make_user("an_vien_second", Role.COMMUNE_OFFICER, an_vien, full_name="Lê Thị Hai")
    client.force_login(an_vien_officer)
    client.get(URL)
    assert "Nguyễn Văn An" in client.get(URL).content.decode()
    client.force_login(colleague)
    mine = client.get(URL).content.decode()
    assert "Lê Thị Hai" in mine and "Nguyễn Văn An" not in mine
    assert (
        "75,0"
        in client.get(
            reverse("coc:unit_area", args=["26296", "society"]), {"year": 2025}, HTTP_HX_REQUEST="true"
        ).content.decode()
    )


def test_a_change_of_the_readers_account_shows_at_once(client, an_vien_officer, an_vien_2025):
    client.force_login(an_vien_officer)
    client.get(URL)
    an_vien_officer.full_name = "Nguyễn Văn Bình"
    an_vien_officer.save(update_fields=["full_name"])
    html = client.get(URL).content.decode()
    assert "Nguyễn Văn Bình" in html and "Nguyễn Văn An" not in html


def test_a_message_waiting_is_shown_once_and_never_kept(client, an_vien_officer, an_vien_2025):
    client.force_login(an_vien_officer)
    client.get(URL)  # the page is kept
    # what a view's `messages.success(…)` before a redirect leaves: the message in the messages cookie
    client.cookies[CookieStorage.cookie_name] = CookieStorage(HttpRequest())._encode(
        [Message(constants.SUCCESS, "Đã lưu số liệu.")]
    )
    shown = client.get(URL).content.decode()
    assert "Đã lưu số liệu." in shown
    assert "Đã lưu số liệu." not in client.get(URL).content.decode()
    assert all("Đã lưu số liệu." not in page for page in kept_pages())


def test_each_address_and_language_is_its_own_page(client, an_vien_officer, an_vien_2025):
    client.force_login(an_vien_officer)
    assert '<option value="2025" selected>' in client.get(URL).content.decode()
    asked = client.get(URL, {"year": "2024"}).content.decode()
    assert '<option value="2024" selected>' in asked and 'value="/coc/unit/26296/?year=2024"' in asked
    bad = client.get(URL, {"year": "abc"}).content.decode()
    assert 'role="alert"' in bad
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL).content.decode()
    assert "<span>Plans</span>" in english and "<span>Kế hoạch</span>" not in english


def test_a_figure_written_shows_in_the_next_whole_page(client, an_vien, an_vien_officer, an_vien_2025):
    client.force_login(an_vien_officer)
    area = reverse("coc:unit_area", args=["26296", "society"])
    client.get(URL)
    client.get(URL)
    write(an_vien_officer, an_vien, "2026", households_total=8600, households_fibre=6880)  # 80.0%
    html = client.get(URL).content.decode()
    assert '<option value="2026" selected>' in html  # the newer year, the page rendered again
    assert "80,0" in client.get(area, {"year": 2026}, HTTP_HX_REQUEST="true").content.decode()


def test_an_htmx_swap_is_never_served_a_whole_page(client, an_vien_officer, province_analyst, an_vien_2025):
    client.force_login(province_analyst)
    client.get(PROVINCE)
    swap = client.get(PROVINCE, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in swap and "<table" in swap


def test_the_province_pages_are_kept_per_reader(client, province_analyst, an_vien_2025, django_assert_max_num_queries):
    client.force_login(province_analyst)
    for url in (PROVINCE, SCORECARD, f"{PROVINCE}?year=2025&sort=name&dir=desc"):
        first = client.get(url)
        assert first.status_code == 200
        with django_assert_max_num_queries(4):  # session, user with unit, the province and its version
            again = client.get(url)
        assert again.status_code == 200 and fragments.CSRF_HOLE not in again.content.decode()
    assert len(kept_pages()) == 3
