"""Personal data: a province analyst and the public see no name anywhere (pages, exports, the API, the operations
centre); counts under 5 are "<5" for them; every read of personal data is in the access log; an export needs a
reason; only the commune's officers and the village's own team see names."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from xaso.census.models import Household
from xaso.conftest import make_user
from xaso.privacy.models import AccessLog
from xaso.teams.models import TeamMember

from .conftest import NAMES, SECRETS

pytestmark = pytest.mark.django_db


def name_pages(first, uids, commune):
    household = uids[0]
    return [
        ("get", reverse("census:village", kwargs={"code": first.code}), {}),
        ("get", reverse("census:village", kwargs={"code": first.code}) + "?q=Lê", {}),
        ("get", reverse("census:household", kwargs={"uid": household}), {}),
        ("get", reverse("census:household_edit", kwargs={"code": first.code, "uid": household}), {}),
        ("get", reverse("census:household_new", kwargs={"code": first.code}), {}),
        ("get", reverse("census:access_log", kwargs={"code": commune.code}), {}),
        ("get", reverse("census:export", kwargs={"code": commune.code}), {}),
        ("post", reverse("census:export", kwargs={"code": commune.code}), {"reason": "Đối chiếu danh sách hộ"}),
        ("post", reverse("census:household_withdraw", kwargs={"uid": household}), {}),
        ("post", reverse("census:household_conflict_seen", kwargs={"uid": household}), {}),
        ("post", reverse("census:village_complete", kwargs={"code": first.code}), {"complete": "1"}),
        ("post", reverse("census:household_edit", kwargs={"code": first.code, "uid": household}),
         {"head_name": "Đổi tên"}),
        ("get", reverse("teams:team", kwargs={"code": first.code}), {}),
        ("post", reverse("teams:member_new", kwargs={"code": first.code}), {"full_name": "Người lạ"}),
    ]  # fmt: skip


def open_pages(first, commune):
    return [
        reverse("census:progress", kwargs={"code": commune.code}),
        reverse("teams:overview", kwargs={"code": commune.code}),
        reverse("coc:unit", kwargs={"code": commune.code}),
        reverse("coc:unit", kwargs={"code": commune.code}) + "?area=society",
        "/api/v1/data-values/?unit=" + first.code,
        "/api/v1/data-values/history/?unit=" + first.code + "&element=households_total&period=2026",
        "/api/v1/units/" + first.code + "/",
    ]


def assert_no_secret(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    for secret in SECRETS:
        assert secret not in text, (response.request["PATH_INFO"], secret)


def test_province_analyst_sees_no_personal_data_anywhere(client, census, an_vien, province_analyst):
    first, _second, uids = census
    client.force_login(province_analyst)
    for method, url, data in name_pages(first, uids, an_vien):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert_no_secret(response)
    for url in open_pages(first, an_vien):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_no_secret(response)
    assert Household.objects.get(uid=uids[0]).head_name == NAMES[0]  # nothing changed
    assert not AccessLog.objects.exists()  # nothing personal was read


def test_public_sees_no_personal_data_anywhere(census, an_vien):
    first, _second, uids = census
    client = Client()
    for method, url, data in name_pages(first, uids, an_vien):
        response = getattr(client, method)(url, data)
        assert response.status_code in (302, 403), (method, url)
        assert_no_secret(response)
    for url in open_pages(first, an_vien):
        response = client.get(url)
        assert response.status_code in (302, 401, 403), url
        assert_no_secret(response)
    public = client.get(reverse("coc:public", kwargs={"code": an_vien.code}))
    assert_no_secret(public)
    assert not AccessLog.objects.exists()


def test_small_cells_are_suppressed_for_the_province_not_for_the_commune(
    client, census, an_vien, province_analyst, an_vien_officer
):
    first, second, _uids = census
    client.force_login(province_analyst)
    page = client.get(reverse("census:progress", kwargs={"code": an_vien.code})).content.decode()
    row_first = page.split(f'data-village="{first.code}"')[1].split("</tr>")[0]
    row_second = page.split(f'data-village="{second.code}"')[1].split("</tr>")[0]
    assert "&lt;5" in row_first  # 4 households, 5 people
    assert ">5<" in row_second and "&lt;5" not in row_second  # flipped: 5 households is shown
    client.force_login(an_vien_officer)
    page = client.get(reverse("census:progress", kwargs={"code": an_vien.code})).content.decode()
    row_first = page.split(f'data-village="{first.code}"')[1].split("</tr>")[0]
    assert ">4<" in row_first and "&lt;5" not in row_first


def test_the_team_overview_suppresses_a_small_count_of_assigned_households(
    client, census, an_vien, province_analyst, an_vien_officer
):
    first, _second, uids = census
    Household.objects.filter(uid__in=uids[:3]).update(assigned_member=TeamMember.objects.get())
    overview = reverse("teams:overview", kwargs={"code": an_vien.code})

    def row(user) -> str:
        client.force_login(user)
        page = client.get(overview).content.decode()
        return page.split(f'data-village="{first.code}"')[1].split("</tr>")[0]

    shown = row(province_analyst)
    assert "dưới 5 hộ được phân công" in shown and "3 hộ" not in shown
    assert "3 hộ được phân công" in row(an_vien_officer)  # the commune sees its own count
    Household.objects.filter(village=first).update(assigned_member=None)
    assert "0 hộ được phân công" in row(province_analyst)  # zero reveals nobody


def test_another_commune_and_another_village_team_see_no_names(client, census, tri_an_officer, an_vien):
    first, second, uids = census
    client.force_login(tri_an_officer)
    assert client.get(reverse("census:village", kwargs={"code": first.code})).status_code == 404
    assert client.get(reverse("census:progress", kwargs={"code": an_vien.code})).status_code == 404
    outsider = make_user("ap2_member", "team_member", an_vien)
    TeamMember.objects.create(team=TeamMember.objects.first().team, full_name="x", user=None)
    client.force_login(outsider)  # an account of the role, but no membership
    assert client.get(reverse("census:village", kwargs={"code": first.code})).status_code == 404
    assert client.get(reverse("census:household", kwargs={"uid": uids[0]})).status_code == 404


def test_team_member_sees_the_names_of_households_assigned_to_them_only_and_it_is_logged(client, census, team_user):
    first, second, uids = census
    member = TeamMember.objects.get(user=team_user)
    Household.objects.filter(uid__in=uids[:2]).update(assigned_member=member)
    client.force_login(team_user)
    assert client.get(reverse("census:home")).url == reverse("census:village", kwargs={"code": first.code})
    listing = client.get(reverse("census:village", kwargs={"code": first.code})).content.decode()
    assert NAMES[0] in listing and NAMES[1] in listing
    assert NAMES[2] not in listing and NAMES[3] not in listing  # the village's other households: not theirs
    assert "2 hộ được giao cho bạn" in listing
    assert client.get(reverse("census:village", kwargs={"code": second.code})).status_code == 404
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.subject_type, log.count, log.unit) == (team_user, "list", "household", 2, first)
    assert client.get(reverse("census:household", kwargs={"uid": uids[2]})).status_code == 404
    edit = reverse("census:household_edit", kwargs={"code": first.code, "uid": uids[3]})
    assert client.get(edit).status_code == 404
    assert client.get(reverse("census:household", kwargs={"uid": uids[0]})).status_code == 200
    assert AccessLog.objects.count() == 2
    # the team member may not export, read the log or mark the village complete
    assert client.get(reverse("census:export", kwargs={"code": first.commune.code})).status_code == 404
    assert client.get(reverse("census:access_log", kwargs={"code": first.commune.code})).status_code == 404


def test_every_personal_data_read_is_logged(client, census, an_vien, an_vien_officer):
    first, _second, uids = census
    client.force_login(an_vien_officer)
    client.get(reverse("census:village", kwargs={"code": first.code}))
    client.get(reverse("census:household", kwargs={"uid": uids[1]}) + "?why=Người dân hỏi")
    client.get(reverse("census:household_edit", kwargs={"code": first.code, "uid": uids[2]}))
    client.get(reverse("teams:team", kwargs={"code": first.code}))
    export = client.post(reverse("census:export", kwargs={"code": an_vien.code}), {"reason": "Đối chiếu với thôn"})
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 5 + 5  # header; Ấp 1: 2 + 1 + 1 + 1 people; Ấp 2: 5 people
    logs = list(AccessLog.objects.order_by("id").values_list("action", "subject_type", "subject_id", "count",
                                                              "reason"))  # fmt: skip
    assert logs == [
        ("list", "household", "", 4, "Xem danh sách hộ của thôn"),
        ("view", "household", uids[1], 1, "Người dân hỏi"),
        ("view", "household", uids[2], 1, ""),
        ("list", "team_member", str(TeamMember.objects.get().team_id), 1, "Xem tổ của thôn"),
        ("export", "household", "", 9, "Đối chiếu với thôn"),
    ]
    assert all(log.user == an_vien_officer for log in AccessLog.objects.all())


def test_export_without_a_reason_is_refused_and_not_logged(client, census, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.post(reverse("census:export", kwargs={"code": an_vien.code}), {"reason": "xem"})
    assert response.status_code == 400
    assert "Lý do xuất dữ liệu cá nhân" in response.content.decode()
    assert not AccessLog.objects.exists()


def test_correction_on_request_is_logged_with_the_request(client, census, an_vien_officer):
    first, _second, uids = census
    client.force_login(an_vien_officer)
    household = Household.objects.get(uid=uids[1])
    response = client.post(
        reverse("census:household_edit", kwargs={"code": first.code, "uid": uids[1]}),
        {"head_name": "Trần Thị Hai Sửa", "address": "Xóm Chùa", "phone": "0912345678", "h-fibre": "1",
         "member": [str(p.uid) for p in household.members.all()], "correction": "1",
         "reason": "Bà Hai đề nghị sửa tên ngày 02/12"} | {
            f"m-{p.uid}-{k}": v for p in household.members.all()
            for k, v in (("full_name", p.full_name), ("birth_year", p.birth_year))
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    household.refresh_from_db()
    assert household.head_name == "Trần Thị Hai Sửa"
    change = household.changes.order_by("-version").first()
    assert change.kind == "correct" and change.reason == "Bà Hai đề nghị sửa tên ngày 02/12"
    assert change.changes == {"head_name": ["Trần Thị Hai", "Trần Thị Hai Sửa"]}
    correction = AccessLog.objects.get(action="correct")
    assert (correction.subject_id, correction.reason) == (str(household.uid), "Bà Hai đề nghị sửa tên ngày 02/12")


def test_correction_needs_the_request_stated(client, census, an_vien_officer):
    first, _second, uids = census
    client.force_login(an_vien_officer)
    response = client.post(
        reverse("census:household_edit", kwargs={"code": first.code, "uid": uids[1]}),
        {"head_name": "Khác", "correction": "1", "reason": ""},
    )
    assert response.status_code == 400 and "reason" in response.content.decode()
    assert Household.objects.get(uid=uids[1]).head_name == "Trần Thị Hai"


def test_officer_records_a_new_household_from_the_page(client, census, an_vien_officer):
    first, _second, _uids = census
    client.force_login(an_vien_officer)
    url = reverse("census:household_new", kwargs={"code": first.code})
    page = client.get(url).content.decode()
    assert "Mục đích" in page  # the purpose is shown before any question
    missing_consent = client.post(url, {"uid": str(uuid.uuid4()), "head_name": "Hộ Mới"})
    assert missing_consent.status_code == 400 and "consent_method" in missing_consent.content.decode()
    uid = str(uuid.uuid4())
    done = client.post(url, {"uid": uid, "head_name": "Hộ Mới", "consent_method": "written", "h-fibre": "0",
                             "m-new-full_name": "Hộ Mới", "m-new-birth_year": "1970", "m-new-vneid": "1"})  # fmt: skip
    assert done.status_code == 302
    household = Household.objects.get(uid=uid)
    assert household.answers["fibre"] is False and household.members.get().answers["vneid"] is True
