"""The team register: automatic figures per village (hand-counted, each condition flipped), the commune's
overview (villages without a team, teams without training), who writes, and the bounds of the input."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from xaso.accounts.models import Role
from xaso.census.tests.conftest import YEAR, figures
from xaso.conftest import make_user
from xaso.indicators.models import ChangeSource, DataValueChange, ElementRollup
from xaso.teams.models import MemberRole, Team
from xaso.teams.selectors import teams_overview
from xaso.teams.services import TeamError, member_save, team_save, training_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_villages(an_vien, an_vien_officer, an_vien_villages):
    from xaso.geo.services import village_create

    return [*an_vien_villages, village_create(commune=an_vien, name="Ấp 3", user=an_vien_officer)]


def test_team_figures_per_village(census_catalog, three_villages, an_vien_officer, an_vien):
    """Ấp 1: active team, 3 members (one left), 1 of the 2 active trained → 1, 1, 2, 1. Ấp 2: a team with no member
    → 1 team, 0 village with a working team. Ấp 3: no team → zeros. Commune: 2 teams, 1 village, 2 members, 1
    trained."""
    first, second, third = three_villages
    team = team_save(user=an_vien_officer, village=first, name="Tổ CNS Ấp 1", established_on="2024-03-15")
    lead = member_save(user=an_vien_officer, team=team, full_name="Trưởng ấp", role=MemberRole.LEAD,
                       phone="0912 345 678")  # fmt: skip
    member_save(user=an_vien_officer, team=team, full_name="Đoàn viên")
    gone = member_save(user=an_vien_officer, team=team, full_name="Đã nghỉ")
    training_record(user=an_vien_officer, member=gone, title="VNeID", trained_on="2025-05-01")
    member_save(user=an_vien_officer, team=team, member=gone, full_name="Đã nghỉ", active=False)
    training_record(user=an_vien_officer, member=lead, title="Bình dân học vụ số", trained_on="2025-06-01")
    team_save(user=an_vien_officer, village=second, name="Tổ CNS Ấp 2")
    assert figures(first) == {"community_digital_teams": 1, "villages_digital_team": 1, "digital_team_members": 2,
                              "digital_team_members_trained": 1}  # fmt: skip
    assert figures(second) == {"community_digital_teams": 1, "villages_digital_team": 0, "digital_team_members": 0,
                               "digital_team_members_trained": 0}  # fmt: skip
    assert figures(third) == dict.fromkeys(figures(third), 0) and len(figures(third)) == 4
    rollup = dict(ElementRollup.objects.filter(unit=an_vien, period__code=str(YEAR)).values_list(
        "data_element__code", "value"))  # fmt: skip
    assert rollup == {"community_digital_teams": 2, "villages_digital_team": 1, "digital_team_members": 2,
                      "digital_team_members_trained": 1}  # fmt: skip
    assert DataValueChange.objects.filter(source=ChangeSource.TEAMS).exists()
    assert lead.phone == "0912345678"


def test_flipped_an_inactive_team_counts_for_nothing(census_catalog, three_villages, an_vien_officer):
    first = three_villages[0]
    team = team_save(user=an_vien_officer, village=first, name="Tổ")
    member_save(user=an_vien_officer, team=team, full_name="A")
    assert figures(first)["villages_digital_team"] == 1
    team_save(user=an_vien_officer, village=first, name="Tổ", active=False)
    assert figures(first)["community_digital_teams"] == 0 and figures(first)["villages_digital_team"] == 0


def test_overview_lists_villages_without_team_and_teams_without_training(
    census_catalog, three_villages, an_vien_officer, an_vien, province_analyst
):
    first, second, third = three_villages
    trained = team_save(user=an_vien_officer, village=first, name="Tổ 1")
    training_record(user=an_vien_officer, member=member_save(user=an_vien_officer, team=trained, full_name="A"),
                    title="Kỹ năng số", trained_on=date(2025, 1, 2))  # fmt: skip
    untrained = team_save(user=an_vien_officer, village=second, name="Tổ 2")
    member_save(user=an_vien_officer, team=untrained, full_name="B")
    overview = teams_overview(province_analyst, an_vien)
    assert overview.without_team == [third]
    assert [r.team for r in overview.without_training] == [untrained]
    assert (overview.teams, overview.members, overview.trained) == (2, 2, 1)


def test_overview_page_shows_counts_not_names_to_the_province(client, census_catalog, three_villages,
                                                               an_vien_officer, an_vien, province_analyst):  # fmt: skip
    team = team_save(user=an_vien_officer, village=three_villages[0], name="Tổ 1")
    member_save(user=an_vien_officer, team=team, full_name="Nguyễn Bí Mật", phone="0911111111")
    client.force_login(province_analyst)
    page = client.get(reverse("teams:overview", kwargs={"code": an_vien.code}))
    text = page.content.decode()
    assert page.status_code == 200 and "Tổ 1" in text
    assert "Nguyễn Bí Mật" not in text and "0911111111" not in text
    assert client.get(reverse("teams:team", kwargs={"code": three_villages[0].code})).status_code == 404


def test_only_the_communes_officers_write(census_catalog, three_villages, province_analyst, tri_an_officer,
                                          an_vien_officer, team_user):  # fmt: skip
    for user in (province_analyst, tri_an_officer, team_user):
        with pytest.raises(TeamError):
            team_save(user=user, village=three_villages[0], name="Tổ")
    assert not Team.objects.exists()


def test_one_active_lead_per_team_and_linked_account_rules(census_catalog, three_villages, an_vien_officer, an_vien,
                                                           tri_an):  # fmt: skip
    team = team_save(user=an_vien_officer, village=three_villages[0], name="Tổ")
    member_save(user=an_vien_officer, team=team, full_name="Lead", role=MemberRole.LEAD)
    with pytest.raises(TeamError, match="tổ trưởng"):
        member_save(user=an_vien_officer, team=team, full_name="Lead 2", role=MemberRole.LEAD)
    officer_account = make_user("officer2", Role.COMMUNE_OFFICER, an_vien)
    with pytest.raises(TeamError, match="Tài khoản liên kết"):
        member_save(user=an_vien_officer, team=team, full_name="X", account=officer_account)
    foreign = make_user("foreign_member", Role.TEAM_MEMBER, tri_an)
    with pytest.raises(TeamError, match="Tài khoản liên kết"):
        member_save(user=an_vien_officer, team=team, full_name="X", account=foreign)
    own = make_user("own_member", Role.TEAM_MEMBER, an_vien)
    member_save(user=an_vien_officer, team=team, full_name="Y", account=own)
    with pytest.raises(TeamError, match="đã liên kết"):
        member_save(user=an_vien_officer, team=team, full_name="Z", account=own)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"full_name": ""}, "Họ và tên"), ({"full_name": "A" * 151}, "Họ và tên"),
     ({"full_name": "A", "phone": "12"}, "Số điện thoại"), ({"full_name": "A", "role": "boss"}, "Vai trò"),
     ({"full_name": "A", "joined_on": "2099-01-01"}, "Ngày tham gia")],
)  # fmt: skip
def test_bad_member_input_is_refused(census_catalog, three_villages, an_vien_officer, kwargs, message):
    team = team_save(user=an_vien_officer, village=three_villages[0], name="Tổ")
    with pytest.raises(TeamError, match=message):
        member_save(user=an_vien_officer, team=team, **kwargs)
    assert not team.members.exists()


def test_a_team_is_set_up_from_the_pages(client, census_catalog, three_villages, an_vien_officer):
    village = three_villages[0]
    client.force_login(an_vien_officer)
    url = reverse("teams:team", kwargs={"code": village.code})
    assert client.post(url, {"name": "Tổ CNS", "active": "1"}).status_code == 302
    client.post(reverse("teams:member_new", kwargs={"code": village.code}),
                {"full_name": "Lê Tổ Trưởng", "role": "lead", "phone": "0912345678"})  # fmt: skip
    member = Team.objects.get().members.get()
    client.post(reverse("teams:training", kwargs={"code": village.code, "pk": member.pk}),
                {"title": "Bình dân học vụ số", "trained_on": "2025-09-01"})  # fmt: skip
    assert member.trainings.count() == 1
    assert figures(village)["digital_team_members_trained"] == 1
    assert "Lê Tổ Trưởng" in client.get(url).content.decode()
