"""The question versions: version 1 asks what the catalog needs and nothing else; the form definition is JSON; a
new version keeps old records readable and the export carries every version's columns."""

from __future__ import annotations

import dataclasses
import json

import pytest
import yaml

from xaso.census import questions as q
from xaso.indicators.catalog import CATALOG_PATH


def test_every_counted_element_is_in_the_catalog():
    codes = {e["code"] for e in yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))["data_elements"]}
    assert set(q.counted_elements()) <= codes


def test_version_1_asks_only_what_an_element_counts():
    form = q.version_get(1)
    assert all(question.element for question in form.household + form.person)
    keys = {question.key for question in form.household + form.person}
    assert not keys & {"cccd", "id_number", "sex", "gender", "income", "ethnicity", "religion", "birth_date"}


def test_form_definition_is_json_with_purpose_and_consent():
    definition = json.loads(json.dumps(q.form_definition()))
    assert definition["version"] == q.CURRENT_VERSION
    assert "Mục đích" in definition["purpose"]
    assert [c["value"] for c in definition["consent"]["choices"]] == ["verbal", "written", "self"]
    assert [f["key"] for f in definition["household_fields"]] == ["head_name", "address", "phone"]
    assert {"key": "fibre", "type": "bool", "element": "households_fibre"}.items() <= definition["household"][0].items()


@pytest.fixture
def version_2(monkeypatch):
    """A version 2 that drops "sms_registered" and adds "internet_speed" (an int question)."""
    v1 = q.VERSIONS[1]
    v2 = dataclasses.replace(
        v1,
        version=2,
        household=tuple(x for x in v1.household if x.key != "sms_registered")
        + (q.Question("internet_speed", "Tốc độ Internet (Mbps)", "Internet speed", "int", min=0, max=10000),),
    )
    monkeypatch.setitem(q.VERSIONS, 2, v2)
    monkeypatch.setattr(q, "CURRENT_VERSION", 2)
    return v2


def test_export_carries_every_versions_columns_and_old_records_stay_readable(
    version_2, client, census_catalog, an_vien_villages, an_vien_officer, an_vien
):
    from django.urls import reverse

    from xaso.census.services import household_submit

    from .conftest import record

    village = an_vien_villages[0]
    old = record(village, head_name="Hộ cũ", sms_registered=True) | {"form_version": 1}
    new = record(village, head_name="Hộ mới", internet_speed=100) | {"form_version": 2}
    household_submit(user=an_vien_officer, record=old)
    household_submit(user=an_vien_officer, record=new)
    bad = record(village, head_name="Hộ sai", sms_registered=True) | {"form_version": 2}
    from xaso.census.services import CensusError

    with pytest.raises(CensusError, match="sms_registered"):
        household_submit(user=an_vien_officer, record=bad)
    client.force_login(an_vien_officer)
    response = client.post(reverse("census:export", kwargs={"code": an_vien.code}), {"reason": "Kiểm tra phiên bản"})
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    header = rows[0].split(",")
    assert "h_sms_registered" in header and "h_internet_speed" in header
    by_head = {row.split(",")[2]: dict(zip(header, row.split(","), strict=True)) for row in rows[1:]}
    assert (by_head["Hộ cũ"]["h_sms_registered"], by_head["Hộ cũ"]["h_internet_speed"]) == ("1", "")
    assert (by_head["Hộ mới"]["h_sms_registered"], by_head["Hộ mới"]["h_internet_speed"]) == ("", "100")
    page = client.get(reverse("census:household", kwargs={"uid": old["uid"]}))
    assert page.status_code == 200 and "hệ thống tin nhắn" in page.content.decode()
