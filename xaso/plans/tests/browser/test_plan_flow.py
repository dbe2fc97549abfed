"""A plan from start to the operations centre, in a real browser (Debian's Chromium through Playwright):
an officer creates a plan from the template, adds a target and a task, submits; the chairman approves and
starts it; the officer enters the month's figures; the operations centre turns the target to achieved.
Another commune's officer cannot see any of it."""

from __future__ import annotations

import re

import pytest

from xaso.plans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def target_row(page) -> str:
    """The plan's first target on the operations centre: its status group's heading (the targets of a pillar are
    grouped by status, folded) and its own line (name, target, current figure)."""
    text = page.locator("li[data-target]").first.evaluate(
        "li => li.closest('ul').previousElementSibling.textContent + ' ' + li.textContent"
    )
    return re.sub(r"\s+", " ", text)


def test_plan_from_template_to_status_on_the_operations_centre(
    open_session, catalog, an_vien, an_vien_officer, an_vien_leader, tri_an_officer
):
    officer = open_session()
    officer.login("an_vien_officer")
    page = officer.page

    page.goto("/plans/new/")
    page.fill("input[name=year]", "2026")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "Kế hoạch chuyển đổi số năm 2026 của Xã An Viễn" in page.locator("h1").inner_text()
    plan = Plan.objects.get()

    page.click("text=+ Thêm chỉ tiêu")
    page.select_option("select[name=indicator]", str(catalog["online"].pk))
    page.select_option("select[name=comparator]", ">=")
    page.fill("input[name=value]", "85")
    page.fill("input[name=horizon_year]", "2026")
    with page.expect_navigation():
        page.click("button[type=submit]")

    page.click("text=+ Thêm nhiệm vụ")
    page.select_option("select[name=area]", "government")
    page.fill("textarea[name=title]", "Hướng dẫn người dân nộp hồ sơ trực tuyến")
    page.fill("input[name=person]", "Nguyễn Văn An")
    page.fill("input[name=lead_unit]", "Trung tâm Phục vụ Hành chính công")
    page.check("input[name=timeframe_kind][value=date]")
    page.fill("input[name=due_date]", "31/12/2026")
    page.fill("textarea[name=deliverable]", "Báo cáo tỷ lệ hồ sơ trực tuyến hằng quý")
    page.fill("input[name=approver]", "Chủ tịch UBND xã")
    page.click("summary:has-text('Thêm: chỉ tiêu phục vụ')")  # the target served is under "more"
    page.check(f"input[name=targets][value='{plan.targets.get().pk}']")
    with page.expect_navigation():
        page.click("button[type=submit]")
    with page.expect_navigation():
        page.click("text=Trình phê duyệt")
    assert page.locator('[data-testid="plan-status"]').inner_text() == "Đã trình"

    leader = open_session()
    leader.login("an_vien_leader")
    leader.page.goto(f"/plans/{plan.pk}/")
    leader.page.click("text=Phê duyệt và ban hành")
    leader.page.fill("input[name=number]", "30/KH-UBND")
    leader.page.fill("input[name=issued_on]", "12/02/2026")
    leader.page.fill("input[name=signer_name]", "Lê Văn Bình")
    with leader.page.expect_navigation():
        leader.page.click("button:has-text('Ban hành')")
    with leader.page.expect_navigation():
        leader.page.click("text=Đưa vào thực hiện")
    assert leader.page.locator('[data-testid="plan-status"]').inner_text() == "Đang thực hiện"

    page.goto("/coc/unit/26296/")
    assert "Chưa có số liệu" in target_row(page)

    page.goto("/data/entry/?unit=26296&period=2026-03")
    for code, value in (("dossiers_received", "200"), ("dossiers_online", "180")):
        page.fill(f"#v-{code}", value)
        page.locator(f"#v-{code}").dispatch_event("change")
        page.wait_for_selector(f"#row-{code} .entry-status .ok")

    page.goto("/coc/unit/26296/")
    row = target_row(page)
    assert "90,0%" in row and "Đã đạt" in row

    other = open_session()
    other.login("tri_an_officer")
    assert other.page.goto(f"/plans/{plan.pk}/").status == 404
    assert other.page.goto("/coc/unit/26296/").status == 404
    assert officer.errors == [] and officer.foreign_requests() == []


NO_HORIZONTAL_OVERFLOW = """() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)
    <= window.innerWidth"""


def test_plan_pages_fit_a_phone(open_session, catalog, an_vien, an_vien_officer):
    from datetime import date

    from xaso.core.browser import PHONE
    from xaso.plans import services

    plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    target = services.target_save(
        user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85, horizon_year=2026
    )
    services.task_save(
        user=an_vien_officer, plan=plan, area="government", title="Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        person="Nguyễn Văn An", lead_unit="Trung tâm Phục vụ Hành chính công", timeframe_kind="date",
        due_date=date(2026, 3, 31), deliverable="Báo cáo", approver="Chủ tịch UBND xã", targets=[target],
    )  # fmt: skip
    services.budget_line_save(user=an_vien_officer, plan=plan, area="government", item="Hệ thống hội nghị truyền hình",
                              invest_equipment=300_000_000, alloc_commune=300_000_000)  # fmt: skip
    session = open_session(viewport=PHONE)
    session.login("an_vien_officer")
    for url in ("/plans/", f"/plans/{plan.pk}/", f"/plans/{plan.pk}/tasks/new/", "/plans/new/"):
        session.page.goto(url)
        assert session.page.evaluate(NO_HORIZONTAL_OVERFLOW), f"{url} is wider than a phone"
    session.page.goto(f"/plans/{plan.pk}/")
    assert "300.000.000" in session.page.locator('[data-testid="budget"]').inner_text()
