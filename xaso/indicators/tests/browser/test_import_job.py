"""A large file in a real browser: uploaded through the import page, the job page polls its progress (htmx) and
swaps in the import report once the worker has run, at a phone's width and on a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest

from xaso.core.browser import DESKTOP, PHONE
from xaso.indicators import importjobs
from xaso.indicators.models import DataValue, ImportJob
from xaso.indicators.tests.test_importexport import xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots"
ROWS = [
    ["households_total", "26296", 2023, 1961, "Điều tra hộ"],
    ["households_fibre", "26296", 2023, 2500, None],  # more fibre than households: the rule refuses the file
]


@pytest.fixture
def queued_imports(settings, tmp_path):
    settings.XASO_PRIVATE_ROOT = tmp_path
    settings.XASO_IMPORT_BACKGROUND_BYTES = 1000
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # the test is the worker


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_large_file_shows_its_progress_then_the_report(
    open_session, queued_imports, tmp_path, catalog, an_vien, an_vien_officer, viewport
):
    session = open_session(viewport)
    session.login("an_vien_officer")
    page = session.page
    page.goto("/data/import/")
    upload = tmp_path / "so-lieu-lon.xlsx"
    upload.write_bytes(xlsx_bytes(ROWS))
    page.set_input_files("input[type=file]", str(upload))
    with page.expect_navigation():
        page.click("button[type=submit]")
    job = ImportJob.objects.get()
    assert page.url.endswith(f"/data/import/jobs/{job.pk}/")
    status = page.locator("[data-testid=import-job-status]")
    assert status.get_attribute("data-status") == "queued"
    assert page.locator("progress").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = "phone" if viewport == PHONE else "desktop"
    page.screenshot(path=str(SCREENSHOTS / f"import-job-queued-{name}.png"), full_page=True)
    importjobs.import_job_run(job.pk)  # what `manage.py db_worker` does
    page.wait_for_selector("[data-testid=import-job-status][data-status=done]", timeout=10_000)  # htmx polled it
    errors = page.locator("[data-testid=import-errors]")
    assert "Có 1 lỗi: không có số liệu nào được lưu." in errors.inner_text()
    assert "2.500 so với 1.961" in errors.inner_text()
    page.screenshot(path=str(SCREENSHOTS / f"import-job-report-{name}.png"), full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], width  # nothing wider than the screen
    assert DataValue.objects.count() == 0 and session.errors == [] and session.foreign_requests() == []
