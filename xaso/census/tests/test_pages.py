"""The census pages as the commune's officer, the village's team member, a province analyst and the public use them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xaso.census.models import Household
from xaso.census.services import household_submit
from xaso.privacy.models import AccessLog

from .conftest import person, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    uids = []
    for i, name in enumerate(["Lê Văn Một", "Trần Thị Hai", "Phạm Văn Ba"]):
        rec = record(village, head_name=name, address=f"Xóm {i}", members=[person(1980, name=name + " con")])
        uids.append(household_submit(user=an_vien_officer, record=rec).uid)
    return village, uids


def test_officer_pages_render_and_log(client, recorded, an_vien, an_vien_officer):
    village, uids = recorded
    client.force_login(an_vien_officer)
    progress = client.get(reverse("census:progress", kwargs={"code": an_vien.code}))
    assert progress.status_code == 200
    listing = client.get(reverse("census:village", kwargs={"code": village.code}))
    assert listing.status_code == 200 and "Lê Văn Một" in listing.content.decode()
    detail = client.get(reverse("census:household", kwargs={"uid": uids[0]}))
    assert detail.status_code == 200 and "Lê Văn Một con" in detail.content.decode()
    edit = client.get(reverse("census:household_edit", kwargs={"code": village.code, "uid": uids[0]}))
    assert edit.status_code == 200
    new = client.get(reverse("census:household_new", kwargs={"code": village.code}))
    assert new.status_code == 200
    teams = client.get(reverse("teams:overview", kwargs={"code": an_vien.code}))
    assert teams.status_code == 200
    team = client.get(reverse("teams:team", kwargs={"code": village.code}))
    assert team.status_code == 200
    log = client.get(reverse("census:access_log", kwargs={"code": an_vien.code}))
    assert log.status_code == 200
    assert AccessLog.objects.filter(action="list", subject_type="household").count() == 1
    assert AccessLog.objects.filter(action="view", subject_id=uids[0]).count() == 2
    assert Household.objects.count() == 3
