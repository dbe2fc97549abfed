"""The main menu (`{% main_nav %}`, components/nav.html): rendered once per process per language and section, it
must still mark the section of the page shown and speak the reader's language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from xaso.core.templatetags.ui import nav_section

pytestmark = pytest.mark.django_db


def current_items(html: str) -> list[str]:
    menu = html[html.index('<ul class="usa-nav__primary') : html.index("</ul>", html.index("usa-nav__primary"))]
    return re.findall(r'usa-nav-link usa-current"[^>]*><span>([^<]+)</span>', menu)


@pytest.mark.parametrize(
    ("namespace", "url_name", "section"),
    [
        ("coc", "unit", "coc"),
        ("plans", "detail", "plans"),
        ("indicators", "entry", "entry"),
        ("geo", "villages", "entry"),
        ("indicators", "import", "import"),
        ("indicators", "violations", "violations"),
        ("reports", "jobs", "reports"),
        ("exchange", "list", "exchange"),
        ("correspondence", "list", "correspondence"),
        ("reportforms", "list", "reportforms"),
        ("accounts", "login", ""),
        ("", "import", ""),  # a url named "import" elsewhere is not the import screen
    ],
)
def test_each_view_marks_its_own_menu_item(namespace, url_name, section):
    assert nav_section(namespace, url_name) == section


def test_the_menu_marks_the_page_shown_on_every_request(client, an_vien, an_vien_officer, catalog):
    client.force_login(an_vien_officer)
    assert current_items(client.get(reverse("coc:unit", args=["26296"])).content.decode()) == ["Điều hành"]
    assert current_items(client.get(reverse("indicators:import")).content.decode()) == ["Nhập từ tệp"]
    assert current_items(client.get(reverse("indicators:entry")).content.decode()) == ["Nhập số liệu"]
    assert current_items(client.get(reverse("coc:unit", args=["26296"])).content.decode()) == ["Điều hành"]


def test_the_menu_speaks_the_readers_language(client, an_vien, an_vien_officer, catalog):
    client.force_login(an_vien_officer)
    url = reverse("indicators:import")
    assert "<span>Kế hoạch</span>" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "<span>Kế hoạch</span>" not in english and "<span>Plans</span>" in english
    assert current_items(english) == ["Import from file"]


def test_an_anonymous_visitor_gets_no_menu(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "usa-nav__primary" not in html


def test_the_exchange_item_is_offered_to_province_analysts_only(client, an_vien_officer, province_analyst, catalog):
    url = reverse("indicators:import")
    client.force_login(an_vien_officer)
    assert "Gửi số liệu" not in client.get(url).content.decode()  # the officer's menu, rendered first
    client.force_login(province_analyst)
    assert "Gửi số liệu" in client.get(url).content.decode()
    client.force_login(an_vien_officer)
    assert "Gửi số liệu" not in client.get(url).content.decode()
