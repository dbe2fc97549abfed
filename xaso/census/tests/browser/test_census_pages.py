"""An officer records a household in a real browser at a phone's and a desktop's width: from the operations centre to
the census progress, the village list, the new-household form (purpose and consent first), the household page, and
the village's figures; every page fits the screen. Screenshots: var/screenshots/census-*."""

from __future__ import annotations

import pytest
from django.utils import timezone

from xaso.census.models import Household
from xaso.core.browser import DESKTOP, OVERFLOW, PHONE, SHOTS
from xaso.indicators.models import DataValue
from xaso.teams.services import member_save, team_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str, size: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert page.evaluate(OVERFLOW), name
    page.screenshot(path=str(SHOTS / f"census-{name}-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_officer_records_a_household_and_the_village_figure_follows(size, open_session, census_catalog, an_vien,
                                                                     an_vien_villages, an_vien_officer):  # fmt: skip
    village = an_vien_villages[0]
    team = team_save(user=an_vien_officer, village=village, name="Tổ công nghệ số cộng đồng Ấp 1")
    member_save(user=an_vien_officer, team=team, full_name="Phạm Văn Tổ", role="lead", phone="0912345678")
    session = open_session(PHONE if size == "phone" else DESKTOP)
    session.login(an_vien_officer.username)
    page = session.page
    page.goto(f"/coc/unit/{an_vien.code}/")
    with page.expect_navigation():
        page.locator("[data-testid=census-link]").click()
    _shot(page, "progress", size)
    with page.expect_navigation():
        page.get_by_role("link", name="Ấp 1").click()
    with page.expect_navigation():
        page.locator("[data-testid=new-household]").click()
    assert "Mục đích" in page.locator("[data-testid=purpose]").inner_text()
    page.get_by_label("Đồng ý bằng lời, cán bộ ghi nhận").check()
    page.fill("#head_name", "Nguyễn Văn Mới")
    page.fill("#address", "Xóm Chùa")
    page.select_option("#h-fibre", "1")
    page.fill("#m-new-full_name", "Nguyễn Văn Mới")
    page.fill("#m-new-birth_year", "1975")
    page.select_option("#m-new-smartphone", "1")
    _shot(page, "form", size)
    with page.expect_navigation():
        page.locator("[data-testid=save]").click()
    assert page.locator("[data-testid=head-name]").inner_text() == "Nguyễn Văn Mới"
    _shot(page, "household", size)
    household = Household.objects.get()
    assert household.consent_method == "verbal" and household.members.get().answers == {
        "smartphone": True, "vneid": None, "ehr": None, "bank_account": None, "epayment_account": None,
        "cashless_payment": None, "online_public_services": None, "digital_signature": None, "digital_skills": None,
    }  # fmt: skip
    year = str(timezone.localdate().year)
    fibre = DataValue.objects.get(unit=village, period__code=year, data_element__code="households_fibre")
    assert fibre.value == 1
    page.goto(f"/census/village/{village.code}/")
    assert page.locator("[data-testid=figure-rules] tr[data-element=households_fibre] td").first.inner_text() == "1"
    _shot(page, "village", size)
    page.goto(f"/teams/commune/{an_vien.code}/")
    assert page.locator("[data-testid=teams-count]").inner_text() == "1"
    _shot(page, "teams", size)
    page.goto(f"/teams/village/{village.code}/")
    _shot(page, "team", size)
