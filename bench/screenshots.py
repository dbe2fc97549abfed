#!/usr/bin/env python
"""Screenshots of every main page at a phone's and a desktop's width: docs/screenshots/<page>-phone.png, -desktop.png.

    make screenshots                                      # the same as the next line
    .venv/bin/python bench/screenshots.py                 # build the database, serve it, take every picture
    .venv/bin/python bench/screenshots.py --reuse         # keep the database of the previous run

It builds a fresh SQLite database (bench/out/screenshots.sqlite3) with what `make demo` loads (official units,
the indicator catalog, the demo figures), then adds sample figures for 2022–2024 to the five Đồng Nai demo
communes: the demo holds 2025 only, so every trend chart would be a single point. Those figures are the 2025 ones
with the parts (households on fibre, adults with a smartphone...) scaled down year by year and the wholes
(`*_total`) and yes/no figures kept; they exist only in this database, which also publishes An Viễn's public
page. The pages are served by `runserver` and photographed at 390×844 (phone) and 1366×900 (desktop), the first
screen of each page, by Debian's Chromium driven by Playwright (XASO_CHROMIUM, default /usr/bin/chromium).
The README shows the operations centre's pair.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from xaso.core.browser import CHROMIUM_ARGS  # the same flags as the browser tests

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SHOTS = ROOT / "docs" / "screenshots"
DB = OUT / "screenshots.sqlite3"
DONG_NAI_DEMO = ["26296", "26116", "26170", "26173", "26179"]
#: share of the 2025 figure reached in each earlier year (a commune's gentle climb), varied a little per commune
HISTORY = {2022: 0.68, 2023: 0.79, 2024: 0.9}
PROVINCE_COLUMNS = [
    "dossiers_online_rate",
    "full_online_services_rate",
    "households_fibre_rate",
    "adults_smartphone_rate",
    "population_vneid_rate",
    "adults_digital_signature_rate",
    "camera_points",
]
PROVINCE_QUERY = f"year=2025&indicators={','.join(PROVINCE_COLUMNS)}&sort=households_fibre_rate&dir=desc&with_data=1"


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": f"sqlite:///{DB}"})
    return env


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment(), check=True)


def setup_django() -> None:
    os.environ.update(environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def add_history() -> int:
    """Sample figures for 2022–2024 in the Đồng Nai demo communes, derived from their 2025 figures."""
    from xaso.accounts.models import User
    from xaso.indicators.models import ChangeSource, DataValue, ValueType
    from xaso.indicators.services import ValueInput, values_write

    admin = User.objects.get(username="admin")
    rows = []
    values = DataValue.objects.filter(unit__code__in=DONG_NAI_DEMO, period__start__year=2025).select_related(
        "unit", "data_element", "period"
    )
    for dv in values:
        element = dv.data_element
        keep = element.code.endswith("_total") or element.value_type == ValueType.BOOLEAN
        wiggle = 1 + (int(dv.unit.code) % 7 - 3) / 100
        for year, share in HISTORY.items():
            value = dv.value if keep else round(dv.value * min(share * wiggle, 1))
            period = str(year) + dv.period.code[4:]  # 2025 → 2022, 2025-07 → 2022-07
            rows.append(ValueInput(element.code, dv.unit.code, period, value, comment="Dữ liệu mẫu (ảnh chụp)"))
    return values_write(user=admin, rows=rows, source=ChangeSource.SYSTEM).total


def publish_an_vien() -> None:
    """The demo keeps An Viễn's public page unpublished; this database publishes its fibre and online-dossier rates."""
    from xaso.accounts.models import User
    from xaso.coc.services import publication_save
    from xaso.geo.models import AdminUnit
    from xaso.indicators.models import Indicator

    officer = User.objects.get(username="anvien")
    indicators = Indicator.objects.filter(code__in=["households_fibre_rate", "dossiers_online_rate", "camera_points"])
    publication_save(
        user=officer, unit=AdminUnit.objects.get(code="26296"), is_published=True, indicators=list(indicators),
        show_targets=True,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (a local test server)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


#: page → (who signs in, path); the same main pages the browser tests check (xaso/core/tests/browser/test_pages.py)
PAGES = {
    "coc-commune": ("anvien", "/coc/unit/26296/?year=2025"),
    "coc-province": ("dongnai", f"/coc/province/75/?{PROVINCE_QUERY}"),
    "scorecard": ("dongnai", "/coc/province/75/scorecard/"),
    "data-entry": ("anvien", "/data/entry/?unit=26296&period=2025"),
    "import": ("anvien", "/data/import/"),
    "plan": ("anvien", "/plans/{plan}/"),
    "task-form": ("anvien", "/plans/{plan}/tasks/new/"),
    "public": (None, "/public/26296/"),
    "api-docs": ("anvien", "/api/docs/"),
}
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def an_vien_plan() -> int:
    from xaso.plans.models import Plan

    return Plan.objects.filter(unit__code="26296").order_by("-year_from").values_list("pk", flat=True).first()


def photograph(base: str, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    from xaso.demo.services import DEMO_PASSWORD

    SHOTS.mkdir(parents=True, exist_ok=True)
    plan = an_vien_plan()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for size, viewport in VIEWPORTS.items():
            contexts = {}
            for name, (username, path) in PAGES.items():
                if username not in contexts:
                    context = browser.new_context(viewport=viewport, locale="vi-VN")
                    page = context.new_page()
                    if username:
                        page.goto(base + "/accounts/login/")
                        page.fill("input[name=username]", username)
                        page.fill("input[name=password]", DEMO_PASSWORD)
                        page.click("button[type=submit]")
                        page.wait_for_load_state("networkidle")
                    contexts[username] = (context, page)
                page = contexts[username][1]
                page.goto(base + path.format(plan=plan))
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(300)
                out = SHOTS / f"{name}-{size}.png"
                page.screenshot(path=str(out))
                print(out.relative_to(ROOT))
            for context, _page in contexts.values():
                context.close()
        browser.close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="keep the database of the previous run")
    parser.add_argument("--chromium", default=os.environ.get("XASO_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    setup_django()
    if not (args.reuse and DB.exists()):
        DB.unlink(missing_ok=True)
        manage("migrate", "--noinput", "-v0")
        manage("load_units")
        manage("load_catalog")
        manage("load_demo")
        print(f"{add_history()} sample figures for 2022–2024")
    publish_an_vien()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/accounts/login/")
        photograph(base, args.chromium)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
