"""A district plan's covered communes on a phone and a desktop: the commune whose name in the document could not be
matched with certainty shows both names, and nothing overflows the screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xaso.core.browser import PHONE
from xaso.plans.loader import plans_load
from xaso.plans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = """
plans:
  - key: dong_nai_2026
    unit: "75"
    title: Kế hoạch xây dựng mô hình chuyển đổi số cấp xã năm 2026 tại hai xã
    year_from: 2026
    covered_units:
      - {unit: "26296", name_in_source: An Viễn mới, match: uncertain}
      - {unit: "26170", name_in_source: Trị An}
"""
SHOTS = Path(os.environ.get("XASO_SCREENSHOTS", "")) if os.environ.get("XASO_SCREENSHOTS") else None


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_covered_communes_show_the_documents_name_beside_an_uncertain_match(
    open_session, tmp_path, an_vien, tri_an, administrator, phone
):
    path = tmp_path / "plans.yaml"
    path.write_text(PLAN, encoding="utf-8")
    plans_load(path)
    session = open_session(PHONE) if phone else open_session()
    session.login("administrator", "pw-admin")
    page = session.page
    page.goto(f"/plans/{Plan.objects.get().pk}/")
    block = page.get_by_test_id("covered-units")
    assert block.locator('[data-unit="26296"]').inner_text().split() == [
        "Xã", "An", "Viễn", "văn", "bản", "ghi", "“An", "Viễn", "mới”", "·", "khớp", "chưa", "chắc", "chắn"
    ]  # fmt: skip
    assert block.locator('[data-unit="26170"]').inner_text().strip() == "Xã Trị An"  # same name: nothing to add
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    if SHOTS:
        block.screenshot(path=str(SHOTS / f"covered-units-{'phone' if phone else 'desktop'}.png"))
    assert session.errors == []
