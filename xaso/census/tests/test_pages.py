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


def test_officer_assigns_a_household_to_a_member_of_its_village_team(client, recorded, an_vien_villages, ap1_team,
                                                                     an_vien_officer):  # fmt: skip
    from xaso.teams.models import TeamMember
    from xaso.teams.services import member_save, team_save

    village, uids = recorded
    member = TeamMember.objects.get(team=ap1_team)
    other_team = team_save(user=an_vien_officer, village=an_vien_villages[1], name="Tổ Ấp 2")
    stranger = member_save(user=an_vien_officer, team=other_team, full_name="Người ấp khác")
    client.force_login(an_vien_officer)
    url = reverse("census:household_assign", kwargs={"uid": uids[0]})
    client.post(url, {"member": stranger.pk})  # flipped: a member of another village's team is refused
    assert Household.objects.get(uid=uids[0]).assigned_member is None
    client.post(url, {"member": member.pk})
    assert Household.objects.get(uid=uids[0]).assigned_member == member
    page = client.get(reverse("teams:overview", kwargs={"code": village.commune.code})).content.decode()
    assert "1 hộ được phân công" in page


def test_villages_are_listed_in_their_order_not_alphabetically(client, census_catalog, an_vien, an_vien_villages,
                                                               an_vien_officer):  # fmt: skip
    """Ấp 1, Ấp 2 … Ấp 10 as the commune numbers them (by code), not "Ấp 1, Ấp 10, Ấp 2" — census and teams."""
    from xaso.geo.services import village_create

    village_create(commune=an_vien, name="Ấp 10", user=an_vien_officer, division_type="ấp")
    client.force_login(an_vien_officer)
    for url in (reverse("census:progress", kwargs={"code": an_vien.code}),
                reverse("teams:overview", kwargs={"code": an_vien.code})):  # fmt: skip
        page = client.get(url).content.decode()
        assert page.index(">Ấp 1<") < page.index(">Ấp 2<") < page.index(">Ấp 10<"), url


def test_the_household_page_shows_a_conflict_in_the_forms_words_not_its_keys(
    client, census_catalog, an_vien_villages, an_vien_officer
):
    """Two recordings changed the same answers offline: the commune reads which question, what was kept and what
    lost, as the form says it (Có / Không), never "answers.fibre" or "True"."""
    from datetime import timedelta

    from django.utils import timezone

    village = an_vien_villages[0]
    t0 = timezone.now() - timedelta(hours=3)
    child = person(2010, name="Bé Hai", vneid=False)
    uid = household_submit(user=an_vien_officer, record=record(village, head_name="Hộ Xung Đột", fibre=False,
                                                                members=[child], recorded_at=t0)).uid  # fmt: skip
    changed = {"uid": child["uid"], "fields": {"answers": {"vneid": True}}}
    a = record(village, uid=uid, base=1, consent=None, recorded_at=t0 + timedelta(hours=2), fibre=True,
               members=[changed])  # fmt: skip
    b = record(village, uid=uid, base=1, consent=None, recorded_at=t0 + timedelta(hours=1), fibre=None,
               members=[{"uid": child["uid"], "fields": {"answers": {"vneid": None}}}])  # fmt: skip
    for rec in (a, b):
        rec["fields"].pop("head_name")
        household_submit(user=an_vien_officer, record=rec)
    client.force_login(an_vien_officer)
    page = client.get(reverse("census:household", kwargs={"uid": uid})).content.decode()
    assert "Hộ có Internet cáp quang: giữ <strong>Có</strong>, bị thay <s>—</s>" in page
    assert "Bé Hai: Có tài khoản định danh điện tử VNeID: giữ <strong>Có</strong>, bị thay <s>—</s>" in page
    assert "answers." not in page and "members." not in page and "True" not in page
