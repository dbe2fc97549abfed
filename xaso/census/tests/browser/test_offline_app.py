"""Issue 14's proof, in a real Chromium on a 390 px phone: a team member opens the census app once with a signal,
loses it, records three households, reloads the page with no network (the app still draws, the three still
queued), gets the signal back, the queue is sent and the village's and the commune's figures on the operations
centre change; a second sync sends nothing.

"No network" is checked on the server's side too: while the browser is offline, not one request reaches it (the
page, its files and its data come from the service worker's caches and IndexedDB).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.signals import request_started
from django.utils import timezone

from xaso.census.models import Household, Person
from xaso.census.services import household_submit
from xaso.census.tests.conftest import record
from xaso.coc.tests.browser.test_coc import NO_HORIZONTAL_OVERFLOW, row_text
from xaso.core.browser import DESKTOP, PHONE
from xaso.core.tests.browser.test_csp import violations, watched
from xaso.indicators.catalog import catalog_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
CONTROLLED = "() => document.documentElement.dataset.offlineReady === '1' && !!navigator.serviceWorker.controller"


LOADED_FONTS = """async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.family.includes("Public Sans") && f.status === "loaded").length;
}"""


KEPT = """async () => {
    const db = await new Promise((ok) => {
        const r = indexedDB.open("xaso-census"); r.onsuccess = () => ok(r.result);
    });
    const list = await new Promise((ok) => {
        const r = db.transaction("meta").objectStore("meta").getAllKeys(); r.onsuccess = () => ok(r.result);
    });
    db.close();
    return {caches: await caches.keys(), list: list.filter((k) => String(k).startsWith("households:"))};
}"""


class ServerHits:
    """The paths of the requests that reach the live server (it runs in this process, in another thread)."""

    def __init__(self):
        self.paths: list[str] = []

    def __call__(self, sender, environ, **kwargs):
        self.paths.append(environ.get("PATH_INFO", ""))


@pytest.fixture
def full_catalog(db):
    """The shipped catalog: the operations centre shows its indicators (the fibre rate with its stated figure)."""
    catalog_load()


@pytest.fixture
def server_hits():
    hits = ServerHits()
    request_started.connect(hits)
    yield hits
    request_started.disconnect(hits)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"offline-app-{name}.png"), full_page=True)


def record_household(page, name: str, *, fibre: bool, people: list[tuple[str, int, bool]]) -> None:
    """Fill the form as a team member does: consent, the head's name, the household's answers, its members."""
    page.get_by_test_id("new-household").click()
    page.get_by_text("Đồng ý bằng lời, cán bộ ghi nhận").click()
    page.get_by_label("Họ tên chủ hộ").fill(name)
    if fibre:
        page.get_by_text("Hộ có Internet cáp quang").click()
    for number, (full_name, year, smartphone) in enumerate(people, start=1):
        page.get_by_test_id("add-member").click()
        card = page.locator("[data-member]").nth(number - 1)
        card.get_by_label("Họ và tên").fill(full_name)
        card.get_by_label("Năm sinh").fill(str(year))
        if smartphone:
            card.get_by_text("Có và dùng điện thoại thông minh").click()
    page.get_by_test_id("save").click()
    page.wait_for_selector("[data-view=list]:not([hidden])")


def figures(page, code: str, year: int) -> tuple[str, str]:
    page.goto(f"/coc/unit/{code}/?year={year}")
    return row_text(page, "households_fibre_rate"), row_text(page, "adults_smartphone_rate")


def test_team_member_records_three_households_offline_then_syncs_and_the_figures_change(
    open_session, server_hits, ap1_team, team_user, an_vien, an_vien_officer, an_vien_villages, full_catalog
):
    ap1 = an_vien_villages[0]
    year = timezone.localdate().year
    session = open_session(viewport=PHONE)
    console = watched(session)
    session.login("ap1_member")
    page = session.page
    syncs: list[str] = []
    page.on("request", lambda r: syncs.append(r.url) if r.method == "POST" and "/census/app/sync/" in r.url else None)

    officer = open_session(viewport=DESKTOP)  # the commune's officer watches the operations centre
    officer.login("an_vien_officer")
    village_before = figures(officer.page, ap1.code, year)
    commune_before = figures(officer.page, an_vien.code, year)
    assert "66,7%" not in village_before[0] and "66,7%" not in commune_before[0]

    # online once, from the census menu (the team's village page): the service worker installs, precaches the shell
    # and keeps the form and the household list
    page.goto("/census/")
    with page.expect_navigation():
        page.get_by_test_id("offline-app").click()
    assert page.url.endswith("/census/app/")
    page.wait_for_function(CONTROLLED)
    assert page.get_by_test_id("queue").inner_text() == "Không có hộ nào chờ gửi."
    assert page.get_by_test_id("net").inner_text() == "Có mạng"

    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    session.context.set_offline(True)
    hits_before = len(server_hits.paths)
    page.wait_for_function("() => !navigator.onLine")
    assert page.get_by_test_id("net").inner_text().startswith("Không có mạng")
    record_household(page, "Lê Văn Một", fibre=True, people=[("Lê Văn Một", 1975, True), ("Lê Thị Con", 2016, False)])
    assert page.get_by_test_id("queue").inner_text() == "1 hộ chưa gửi"
    record_household(page, "Trần Thị Hai", fibre=True, people=[("Trần Thị Hai", 1990, False)])
    record_household(page, "Phạm Văn Ba", fibre=False, people=[("Phạm Văn Ba", 1960, True)])
    assert page.get_by_test_id("queue").inner_text() == "3 hộ chưa gửi"
    shot(page, "offline-queue-phone")

    # a reload with no network: the page, its files, the form and the queue all come from the phone
    page.reload()
    page.wait_for_selector("[data-census-app][data-ready='1']")
    assert page.get_by_test_id("queue").inner_text() == "3 hộ chưa gửi"
    names = page.get_by_test_id("households").locator("strong").all_inner_texts()
    assert sorted(names) == ["Lê Văn Một", "Phạm Văn Ba", "Trần Thị Hai"]
    assert page.locator("[data-households] .xaso-tag[data-status=queued]").count() == 3
    assert page.evaluate(LOADED_FONTS)  # the text font came from the precache too
    page.get_by_test_id("new-household").click()  # the form draws from the kept definition
    assert page.get_by_test_id("purpose").inner_text().startswith("Mục đích: UBND xã thu thập")
    assert page.get_by_label("Họ tên chủ hộ").is_visible()
    page.get_by_test_id("add-member").click()
    page.locator("[data-member]").get_by_label("Năm sinh").fill("1985")  # an adult: the adult questions show
    assert page.get_by_text("Có và dùng điện thoại thông minh").is_visible()
    shot(page, "form-offline-phone")
    page.get_by_text("Thôi, quay lại danh sách").click()
    size = page.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert size["scroll"] <= size["viewport"] == 390
    assert server_hits.paths[hits_before:] == []  # nothing reached the server while offline
    assert failed == []  # and nothing the page asked for was missing: every file, font and icon came from the phone
    assert Household.objects.count() == 0 and syncs == []

    # the signal returns: the queue goes by itself (the `online` event), one batch, an answer per household
    session.context.set_offline(False)
    page.wait_for_function("() => document.querySelector('[data-queue]').dataset.count === '0'")
    page.wait_for_selector("[data-results] > [data-status=created] >> nth=2")
    assert page.locator("[data-results] > [data-status=created]").count() == 3
    assert page.get_by_test_id("sync-message").inner_text() == "Đã gửi 3 hộ."
    assert len(syncs) == 1
    shot(page, "synced-phone")
    assert Household.objects.count() == 3 and Person.objects.count() == 4
    assert set(Household.objects.values_list("village_id", flat=True)) == {ap1.id}

    # a second sync sends nothing
    page.get_by_test_id("sync").click()
    page.wait_for_function("() => document.querySelector('[data-sync-message]').textContent.startsWith('Không có')")
    assert len(syncs) == 1
    assert Household.objects.count() == 3

    # the operations centre: 2 of 3 households on fibre = 66,7%; 2 of 3 adults with a smartphone = 66,7%
    village_after = figures(officer.page, ap1.code, year)
    commune_after = figures(officer.page, an_vien.code, year)
    assert village_after != village_before and commune_after != commune_before
    assert "66,7%" in village_after[0] and "66,7%" in commune_after[0]
    assert "66,7%" in village_after[1] and "66,7%" in commune_after[1]
    officer.page.screenshot(path=str(SCREENSHOTS / "offline-app-coc-commune-desktop.png"), full_page=True)
    assert session.foreign_requests() == [] and session.errors == []
    assert violations(session, console) == []


def test_the_app_on_a_desktop_and_a_bad_household_shown_with_its_field(
    open_session, an_vien_officer, an_vien_villages, full_catalog
):
    """An officer on a desktop: the form lays out wide; a household the server refuses stays, with the reason."""
    session = open_session(viewport=DESKTOP)
    session.login("an_vien_officer")
    page = session.page
    page.goto("/census/app/")
    page.wait_for_function(CONTROLLED)
    # installable: Chromium finds the manifest, its icons and the worker good enough to offer "Add to home screen"
    # (a Playwright context is a private window, which Chromium names as the only reason it would not)
    errors = session.context.new_cdp_session(page).send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    page.get_by_test_id("new-household").click()
    page.get_by_label("Thôn, ấp").select_option(label=an_vien_villages[1].name)
    page.get_by_text("Ký phiếu giấy").click()
    page.get_by_label("Họ tên chủ hộ").fill("Võ Văn Bốn")
    page.get_by_label("Số điện thoại đại diện (không bắt buộc)").fill("12")  # too short for a phone number
    shot(page, "form-desktop")
    page.get_by_test_id("save").click()
    page.wait_for_selector("[data-results] > [data-status=error]")
    result = re.sub(r"\s+", " ", page.locator("[data-results] > [data-status=error]").inner_text())
    assert "Số điện thoại đại diện (không bắt buộc): số điện thoại không hợp lệ" in result
    assert page.get_by_test_id("queue").inner_text() == "Không có hộ nào chờ gửi."
    assert Household.objects.count() == 0
    page.locator("[data-fix]").click()  # fix it: the form comes back with what was typed
    assert page.get_by_label("Họ tên chủ hộ").input_value() == "Võ Văn Bốn"
    page.get_by_label("Số điện thoại đại diện (không bắt buộc)").fill("0912 345 678")
    page.get_by_test_id("save").click()
    page.wait_for_selector("[data-results] > [data-status=created]")
    assert Household.objects.get().phone == "0912345678"
    assert page.locator("[data-results] > [data-status=error]").count() == 0
    shot(page, "fixed-desktop")

    # an edit sends only what changed: the address, not the name nor the phone it never touched
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.method == "POST" and "/sync/" in r.url else None)
    page.locator("[data-households] [data-edit]").click()
    page.get_by_label("Địa chỉ ngắn (xóm, số nhà)").fill("Xóm Giữa, số 4")
    page.get_by_test_id("save").click()
    page.wait_for_selector("[data-results] > [data-status=updated]")
    [batch] = sent
    [edit] = batch["records"]
    assert (edit["base_version"], edit["fields"], edit["members"]) == (1, {"address": "Xóm Giữa, số 4"}, [])
    household = Household.objects.get()
    assert (household.version, household.address, household.phone) == (2, "Xóm Giữa, số 4", "0912345678")
    assert session.errors == []

    # signing out takes the kept household list (other people's names) and the kept page off the device
    kept = page.evaluate(KEPT)
    assert set(kept["caches"]) >= {"xaso-census-data", "xaso-census-pages"} and kept["list"]
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()
    kept = page.evaluate(KEPT)
    assert not set(kept["caches"]) & {"xaso-census-data", "xaso-census-pages"} and not kept["list"]


def test_two_people_edit_one_household_and_the_phone_shows_the_merge(
    open_session, ap1_team, team_user, an_vien_officer, an_vien_villages, full_catalog
):
    """The team member edits a household offline from version 1 while the commune's officer changes the same
    field on the server; the later recording wins the field and the phone says which field both changed."""
    ap1 = an_vien_villages[0]
    uid = str(uuid.uuid4())
    household_submit(user=an_vien_officer, record=record(ap1, uid=uid, head_name="Đỗ Văn Năm", phone="0911111111"))
    Household.objects.filter(uid=uid).update(assigned_member=ap1_team.members.get())  # the commune assigns it
    session = open_session(viewport=PHONE)
    session.login("ap1_member")
    page = session.page
    page.goto("/census/app/")
    page.wait_for_function(CONTROLLED)
    session.context.set_offline(True)
    officer_edit = record(ap1, uid=uid, base=1, consent=None, phone="0922222222")
    officer_edit["fields"].pop("head_name")
    household_submit(user=an_vien_officer, record=officer_edit)  # recorded first, on the server
    page.locator(f'[data-edit="{uid}"]').click()
    assert page.get_by_label("Số điện thoại đại diện (không bắt buộc)").input_value() == "0911111111"
    page.get_by_label("Số điện thoại đại diện (không bắt buộc)").fill("0933333333")
    page.get_by_test_id("save").click()
    page.wait_for_function("() => document.querySelector('[data-queue]').dataset.count === '1'")
    assert page.get_by_test_id("queue").inner_text() == "1 hộ chưa gửi"
    session.context.set_offline(False)
    page.wait_for_selector("[data-results] > [data-status=merged]")
    text = re.sub(r"\s+", " ", page.locator("[data-results] > [data-status=merged]").inner_text())
    assert "Đã gộp với bản sửa của người khác" in text
    assert "Hai người sửa cùng lúc các mục: Số điện thoại đại diện (không bắt buộc)." in text
    shot(page, "merged-phone")
    household = Household.objects.get(uid=uid)
    assert (household.version, household.phone, household.has_conflict) == (3, "0933333333", True)
    assert session.errors == []


def test_signing_out_or_in_on_any_page_takes_the_kept_names_off_the_phone(
    open_session, ap1_team, team_user, an_vien_officer, an_vien_villages, full_catalog
):
    """The app keeps the household list and its page (which names its account) for offline use. Whoever signs out
    from any page — not only the app's — or signs in on the same phone after a lapsed session must not find the
    previous account's names in the phone's caches (an offline visit would otherwise show them)."""
    ap1 = an_vien_villages[0]
    uid = str(uuid.uuid4())
    household_submit(user=an_vien_officer, record=record(ap1, uid=uid, head_name="Đỗ Văn Năm"))
    Household.objects.filter(uid=uid).update(assigned_member=ap1_team.members.get())
    session = open_session(viewport=PHONE)
    session.login("ap1_member")
    page = session.page

    def warm() -> None:
        page.goto("/census/app/")
        page.wait_for_function(CONTROLLED)
        page.wait_for_selector(f'[data-households] [data-uid="{uid}"]')
        kept = page.evaluate(KEPT)
        assert set(kept["caches"]) >= {"xaso-census-data", "xaso-census-pages"} and kept["list"]

    warm()
    page.goto(f"/census/village/{ap1.code}/")  # a page outside the app: its header's "Đăng xuất"
    page.get_by_role("button", name="Danh mục").click()  # on a phone the header's links are in the menu
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()
    kept = page.evaluate(KEPT)
    assert not set(kept["caches"]) & {"xaso-census-data", "xaso-census-pages"} and not kept["list"]

    # the next person signs in after the team member's session lapsed (no sign-out at all)
    session.login("ap1_member")
    warm()
    session.context.clear_cookies()
    session.login("an_vien_officer")
    kept = page.evaluate(KEPT)
    assert not set(kept["caches"]) & {"xaso-census-data", "xaso-census-pages"} and not kept["list"]
    assert session.errors == []
    # and with no network the app's address now shows nobody's names
    session.context.set_offline(True)
    try:
        page.goto("/census/app/")
    except Exception:  # noqa: BLE001 — no kept page: the browser's own offline error is the right answer
        page.wait_for_timeout(1000)
    assert "Đỗ Văn Năm" not in page.evaluate("() => document.documentElement.innerText")
