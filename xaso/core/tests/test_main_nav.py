"""The main menu (`{% main_nav %}`, components/nav.html): rendered once per process per language and section, it
must still mark the section of the page shown and speak the reader's language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from xaso.core.templatetags.ui import NAV_GROUPS, nav_section

pytestmark = pytest.mark.django_db


def menu_of(html: str) -> str:
    return html[html.index('<ul class="usa-nav__primary') : html.index('<div class="xaso-account"')]


def current_items(html: str) -> list[str]:
    return re.findall(r'usa-nav-link usa-current"[^>]*><span>([^<]+)</span>', menu_of(html))


def current_groups(html: str) -> list[str]:
    return re.findall(r'usa-nav__link usa-current"[^>]*><span>([^<]+)</span>', menu_of(html))


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
        ("steering", "review", "steering"),
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


def test_the_menu_marks_the_group_holding_the_page_shown(client, an_vien, an_vien_officer, catalog):
    """Six entries fit a desktop's header on one line: the sections a commune opens less often sit in four groups,
    and the group holding the page shown is marked as well as the page."""
    client.force_login(an_vien_officer)
    page = client.get(reverse("indicators:import")).content.decode()
    assert current_groups(page) == ["Số liệu"] and current_items(page) == ["Nhập từ tệp"]
    page = client.get(reverse("census:home"), follow=True).content.decode()
    assert current_groups(page) == ["Người dân"] and current_items(page) == ["Điều tra hộ"]
    page = client.get(reverse("coc:unit", args=["26296"])).content.decode()
    assert current_groups(page) == [] and current_items(page) == ["Điều hành"]
    top = re.findall(r'<li class="usa-nav__primary-item">\s*<(?:a|button)[^>]*><span>([^<]+)</span>', menu_of(page))
    assert top == ["Điều hành", "Kế hoạch", "Số liệu", "Người dân", "Đánh giá", "Báo cáo"]


def test_every_section_of_a_group_is_in_that_groups_drop_down(client, an_vien, province_analyst, catalog):
    client.force_login(province_analyst)  # the analyst's menu holds every item, the exchange one included
    menu = menu_of(client.get(reverse("indicators:import")).content.decode())
    submenus = dict(re.findall(r'<ul id="nav-(\w+)" class="usa-nav__submenu" hidden>(.*?)</ul>', menu, re.S))
    assert set(submenus) == set(NAV_GROUPS.values())
    for section, group in NAV_GROUPS.items():
        sections = {nav_section(*_resolve(link)) for link in re.findall(r'href="([^"]+)"', submenus[group])}
        assert section in sections, (section, group)


def _resolve(path: str) -> tuple[str, str]:
    from django.urls import resolve

    match = resolve(path)
    return match.namespace, match.url_name or ""


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
