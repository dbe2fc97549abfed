"""The committed deployment files: systemd units that systemd itself accepts, and docs/deploy.md naming every
environment variable the production settings and the gunicorn configuration read."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
UNITS = sorted((BASE_DIR / "deploy" / "systemd").glob("xaso-*.*"))
APP_DIR = "/srv/xaso/app"  # where docs/deploy.md installs xaso; the units name it


def _verify(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["systemd-analyze", "verify", "--man=no", *sorted(p.name for p in folder.iterdir())],
                          cwd=folder, capture_output=True, text=True, timeout=120)  # fmt: skip


def _units_here(tmp_path: Path) -> Path:
    """The units with the install folder replaced by this checkout, whose .venv has the programs they start."""
    folder = tmp_path / "units"
    folder.mkdir()
    for unit in UNITS:
        (folder / unit.name).write_text(unit.read_text().replace(APP_DIR, str(BASE_DIR)))
    return folder


needs_systemd = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                   reason="systemd-analyze is not installed (Debian: the systemd package)")  # fmt: skip


def test_the_units_are_the_ones_docs_deploy_names():
    assert [u.name for u in UNITS] == [
        "xaso-backup.service", "xaso-backup.timer", "xaso-housekeeping.service", "xaso-housekeeping.timer",
        "xaso-web.service", "xaso-worker.service",
    ]  # fmt: skip
    for unit in UNITS:
        assert unit.name in (BASE_DIR / "docs" / "deploy.md").read_text()


@needs_systemd
def test_systemd_accepts_the_units(tmp_path):
    result = _verify(_units_here(tmp_path))
    # systemd-analyze exits 0 on some mistakes (an unknown value is "ignoring"): any message is a failure
    assert (result.returncode, result.stderr.strip(), result.stdout.strip()) == (0, "", "")


@needs_systemd
def test_the_check_catches_a_mistyped_unit(tmp_path):
    folder = _units_here(tmp_path)
    web = folder / "xaso-web.service"
    web.write_text(web.read_text().replace("Type=notify", "Type=notifyy").replace("/.venv/bin/gunicorn", "/nope"))
    result = _verify(folder)
    assert "Failed to parse service type" in result.stderr
    assert "is not executable" in result.stderr
    assert result.returncode != 0


def test_docs_deploy_names_every_environment_variable_production_reads():
    read = set()
    for source in (BASE_DIR / "config" / "settings" / "production.py", BASE_DIR / "config" / "settings" / "base.py",
                   BASE_DIR / "config" / "gunicorn.conf.py"):  # fmt: skip
        read |= set(re.findall(r"os\.environ(?:\.get|\.setdefault)?[\[(]\"([A-Z_]+)\"", source.read_text()))
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "XASO_METRICS_TOKEN", "WEB_CONCURRENCY"} <= read | {"DATABASE_URL"}
    documented = (BASE_DIR / "docs" / "deploy.md").read_text()
    missing = sorted(name for name in read if f"`{name}`" not in documented)
    assert missing == []
    example = (BASE_DIR / "deploy" / "xaso.env.example").read_text()
    for required in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "XASO_TRUSTED_PROXIES"):
        assert f"\n{required}=" in example


def test_nginx_sets_the_headers_xaso_trusts_and_hides_the_private_files():
    conf = (BASE_DIR / "deploy" / "nginx" / "xaso.conf").read_text()
    params = (BASE_DIR / "deploy" / "nginx" / "xaso_proxy_params").read_text()
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in params  # SECURE_PROXY_SSL_HEADER
    assert "proxy_set_header X-Real-IP $remote_addr;" in params  # set, never passed on from the client
    assert "proxy_set_header X-Request-ID $request_id;" in params
    assert re.search(r"location /_private/ \{\s*internal;", conf)  # only through X-Accel-Redirect
    assert f"location {settings.STATIC_URL}" in conf
