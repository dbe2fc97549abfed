"""`make run` serves the app with the development settings (config.settings.local): DEBUG, static files from the
apps, no collectstatic. The production storage (hashed names, base.py) needs the manifest collectstatic writes; a
development setting that kept it answered every page with a server error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
page = client.get("/accounts/login/")
css = client.get("/static/xaso/xaso.css")
body = page.content.decode()
print(page.status_code, css.status_code, "/static/xaso/xaso.css" in body, "Đăng nhập" in body)
"""


def test_the_development_settings_serve_a_page_and_its_stylesheet(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
    }
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["200", "200", "True", "True"], out.stderr[-3000:]
