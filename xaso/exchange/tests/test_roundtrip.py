"""Round trip between two xaso installations: ADX exported by this one (the test database, SQLite or PostgreSQL)
is imported by another one — a second xaso on its own SQLite file, run as a separate process through its
management commands — and that one's figures are then the same figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from xaso.exchange.adx import adx_schema
from xaso.geo.models import AdminUnit
from xaso.indicators.models import DataElement, DataValue

from .conftest import api, write

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]

OTHER_XASO = """
import json
from pathlib import Path
from django.core.management import call_command
from xaso.accounts.models import Role, User
from xaso.geo.models import AdminUnit
from xaso.indicators.models import DataElement

work = Path({work!r})
for row in json.loads((work / "units.json").read_text()):
    parent = row.pop("parent")
    unit = AdminUnit.objects.create(parent=AdminUnit.objects.get(code=parent) if parent else None, **row)
    for level in ("province", "district", "commune"):
        if unit.level == level:
            setattr(unit, level, unit)
        elif unit.parent is not None:
            setattr(unit, level, getattr(unit.parent, level))
    unit.save()
for row in json.loads((work / "elements.json").read_text()):
    DataElement.objects.create(**row)
User.objects.create_superuser(username="ioc", password="x", role=Role.ADMIN)
call_command("exchange_import", str(work / "export.xml"), user="ioc", stdout=open(work / "receipt.json", "w"))
call_command("exchange_export", user="ioc", format="json", output=str(work / "figures.json"))
"""


def test_adx_exported_here_and_imported_by_another_xaso_gives_the_same_figures(
    figures, an_vien_officer, province_analyst, tmp_path
):
    write(an_vien_officer, [("households_fibre_rate_stated", "26296", "2025", 70.6),
                            ("lan_completed", "26296", "2025", 1)])  # fmt: skip
    response = api(province_analyst).get("/api/v1/exchange/adx/", {"units": "75", "subtree": "true"})
    document = b"".join(response.streaming_content)
    assert adx_schema("adx.xsd").validate(etree.fromstring(document))
    (tmp_path / "export.xml").write_bytes(document)
    units = list(AdminUnit.objects.order_by("path").values(
        "code", "official_code", "name", "division_type", "level", "path", "is_legacy", "data_version",
        "parent__code"))  # fmt: skip
    for unit in units:
        unit["parent"] = unit.pop("parent__code")
    (tmp_path / "units.json").write_text(json.dumps(units))
    elements = list(DataElement.objects.values("code", "name", "value_type", "aggregation", "period_type", "area"))
    (tmp_path / "elements.json").write_text(json.dumps(elements))

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "config.settings.test"}  # fmt: skip
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    script = OTHER_XASO.format(work=str(tmp_path))
    done = subprocess.run([*manage, "shell", "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]

    receipt = json.loads((tmp_path / "receipt.json").read_text())
    assert (receipt["imported"], receipt["updated"], receipt["ignored"], receipt["conflicts"]) == (8, 0, 0, [])
    there = {(v["element"], v["unit"], v["period"], v["value"])
             for v in json.loads((tmp_path / "figures.json").read_text())["values"]}  # fmt: skip
    here = set(DataValue.objects.values_list("data_element__code", "unit__code", "period__code", "value"))
    assert there == here and len(here) == 8
    assert ("households_fibre_rate_stated", "26296", "2025", 70.6) in there
