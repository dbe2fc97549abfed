"""The offline census app's server side (xaso/census/offline.py): the sync endpoint (bounds, rights, CSRF,
idempotent retries, one answer per record, errors that name the field in Vietnamese), the form definition and
household list the app keeps for offline use, the service worker, the manifest and the app's page."""

from __future__ import annotations

import dataclasses
import json
import struct
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from xaso.census import questions
from xaso.census.models import Household, Person
from xaso.census.offline import SHELL_STATIC, SYNC_BATCH_MAX, SYNC_BODY_MAX, WORKER_SCRIPTS
from xaso.census.tests.conftest import person, record
from xaso.conftest import make_user
from xaso.core.tests.test_csp import check_page
from xaso.privacy.models import AccessLog

pytestmark = pytest.mark.django_db

SYNC = "/census/app/sync/"


def post(client, records, **extra):
    return client.post(SYNC, data=json.dumps({"records": records}), content_type="application/json", **extra)


@pytest.fixture
def member_client(client, ap1_team, team_user, census_catalog):
    client.force_login(team_user)
    return client


@pytest.fixture
def ap1(an_vien_villages):
    return an_vien_villages[0]


# ------------------------------------------------------------------------------------------------------------ sync


def test_team_member_sends_three_households_and_gets_one_answer_each(member_client, ap1):
    records = [record(ap1, head_name=name, fibre=True) for name in ("Hộ Một", "Hộ Hai", "Hộ Ba")]
    records[0]["members"] = [person(1980, name="Người Một", smartphone=True), person(2015, name="Bé Một")]
    response = post(member_client, records)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["index"], r["client_id"], r["status"], r["version"]) for r in results] == [
        (i, records[i]["client_id"], "created", 1) for i in range(3)
    ]
    assert sorted(Household.objects.values_list("head_name", flat=True)) == ["Hộ Ba", "Hộ Hai", "Hộ Một"]
    assert Person.objects.count() == 2
    assert Household.objects.get(uid=records[0]["uid"]).answers == {"fibre": True}


def test_a_retried_batch_writes_nothing_again(member_client, ap1):
    records = [record(ap1, head_name=f"Hộ {i}") for i in range(3)]
    assert [r["status"] for r in post(member_client, records).json()["results"]] == ["created"] * 3
    again = post(member_client, records).json()["results"]  # the answer was lost: the phone sends the same batch
    assert [(r["status"], r["version"]) for r in again] == [("duplicate", 1)] * 3
    assert Household.objects.count() == 3


def test_one_bad_record_does_not_block_the_others_and_its_error_names_the_field(member_client, ap1):
    records = [
        record(ap1, head_name="Hộ Tốt"),
        record(ap1, head_name="   "),  # a name of blanks only
        record(ap1, head_name="Hộ Có Người", members=[person(1850, name="Quá Già")]),
        record(ap1, head_name="Hộ Cũng Tốt"),
    ]
    results = post(member_client, records).json()["results"]
    assert [r["status"] for r in results] == ["created", "error", "error", "created"]
    assert results[1]["field"] == "head_name"
    assert results[1]["message"] == "Họ tên chủ hộ: bắt buộc."
    assert results[2]["field"] == "members[1].birth_year"
    assert results[2]["message"].startswith("Người thứ 1 — Năm sinh: năm sinh từ ")
    assert sorted(Household.objects.values_list("head_name", flat=True)) == ["Hộ Cũng Tốt", "Hộ Tốt"]
    assert Person.objects.count() == 0  # the bad household's member went with it


def test_a_record_without_a_valid_client_id_is_refused_alone(member_client, ap1):
    good, bad, broken = record(ap1, head_name="Hộ Tốt"), record(ap1, head_name="Hộ Thiếu Mã"), "not a record"
    bad["client_id"] = "123"
    results = post(member_client, [good, bad, broken]).json()["results"]
    assert [(r["status"], r.get("field")) for r in results] == [
        ("created", None),
        ("error", "client_id"),
        ("error", "client_id"),
    ]
    assert "client_id" in results[1]["message"]
    assert Household.objects.count() == 1


def test_two_members_editing_one_household_merge_and_the_loser_sees_the_conflict(member_client, ap1):
    uid = str(uuid.uuid4())
    post(member_client, [record(ap1, uid=uid, head_name="Hộ Chung", phone="0912345678")])
    first = record(ap1, uid=uid, base=1, consent=None, phone="0987654321")
    first["fields"].pop("head_name")
    assert post(member_client, [first]).json()["results"][0] | {"client_id": None} == {
        "index": 0,
        "client_id": None,
        "status": "updated",
        "version": 2,
        "conflicts": [],
    }
    late = record(ap1, uid=uid, base=1, consent=None, phone="0900000000")  # from the same version 1, later
    late["fields"].pop("head_name")
    result = post(member_client, [late]).json()["results"][0]
    assert (result["status"], result["version"], result["conflicts"]) == ("merged", 3, ["phone"])
    assert Household.objects.get(uid=uid).phone == "0900000000"


def test_a_record_made_on_an_older_form_version_still_syncs(member_client, ap1, monkeypatch):
    """The questions change (version 2 adds one) while a phone still holds a record drawn from version 1."""
    old = questions.VERSIONS[1]
    extra = questions.Question("tv_box", "Hộ có đầu thu truyền hình số", "Digital TV receiver")
    newer = dataclasses.replace(old, version=2, household=(*old.household, extra))
    monkeypatch.setitem(questions.VERSIONS, 2, newer)
    monkeypatch.setattr(questions, "CURRENT_VERSION", 2)
    form = member_client.get("/census/app/form.json").json()
    assert form["version"] == 2 and "tv_box" in [q["key"] for q in form["household"]]
    on_v1 = record(ap1, head_name="Hộ Phiếu Cũ", fibre=True)
    on_v1["form_version"] = 1
    on_v2 = record(ap1, head_name="Hộ Phiếu Mới", tv_box=True)
    on_v2["form_version"] = 2
    wrong = record(ap1, head_name="Hộ Sai Phiếu", tv_box=True)
    wrong["form_version"] = 1  # version 1 never asked it
    results = post(member_client, [on_v1, on_v2, wrong]).json()["results"]
    assert [r["status"] for r in results] == ["created", "created", "error"]
    assert results[2]["field"] == "tv_box"
    assert dict(Household.objects.values_list("head_name", "form_version")) == {"Hộ Phiếu Cũ": 1, "Hộ Phiếu Mới": 2}


# ------------------------------------------------------------------------------------------------ bounds and rights


def test_batch_bounds(member_client, ap1):
    empty = post(member_client, [])
    assert empty.status_code == 400 and empty.json()["code"] == "invalid"
    assert "từ 1 đến 50 hộ" in empty.json()["detail"]
    too_many = post(member_client, [record(ap1, head_name=f"Hộ {i}") for i in range(SYNC_BATCH_MAX + 1)])
    assert too_many.status_code == 400
    assert too_many.json()["detail"] == "Mỗi lần gửi từ 1 đến 50 hộ; gói này có 51 hộ."
    exactly = post(member_client, [record(ap1, head_name=f"Hộ {i}") for i in range(SYNC_BATCH_MAX)])
    assert exactly.status_code == 200 and len(exactly.json()["results"]) == SYNC_BATCH_MAX
    big = record(ap1, head_name="Hộ Lớn", address="x" * (SYNC_BODY_MAX + 1))
    assert post(member_client, [big]).status_code == 413
    not_json = member_client.post(SYNC, data="{records:", content_type="application/json")
    assert not_json.status_code == 400 and not_json.json()["code"] == "parse_error"
    form_encoded = member_client.post(SYNC, data={"records": "[]"})
    assert form_encoded.status_code == 415
    no_list = member_client.post(SYNC, data=json.dumps({"records": {}}), content_type="application/json")
    assert no_list.status_code == 400 and "records" in no_list.json()["errors"]
    assert member_client.get(SYNC).status_code == 405
    assert Household.objects.count() == SYNC_BATCH_MAX  # only the batch within bounds


def test_a_deeply_nested_body_is_a_clear_400_not_a_server_error(member_client, ap1):
    """A malformed sync under the byte bound: arrays nested 100.000 deep make Python's JSON reader give up with a
    RecursionError, which is not a ValueError. The answer must still be the API's 400, nothing written."""
    for body in ("[" * 100_000 + "]" * 100_000, '{"records": ' + "[" * 100_000 + "]" * 100_000 + "}"):
        assert len(body.encode()) < SYNC_BODY_MAX
        answer = member_client.post(SYNC, data=body, content_type="application/json")
        assert answer.status_code == 400 and answer.json()["code"] == "parse_error"
        assert answer.json()["detail"] == "Nội dung gửi không phải JSON hợp lệ."
    deep = {"records": [record(ap1, head_name="Hộ Sâu")]}
    deep["records"][0]["fields"]["answers"] = {"fibre": json.loads("[" * 500 + "]" * 500)}
    answer = member_client.post(SYNC, data=json.dumps(deep), content_type="application/json")
    assert answer.status_code == 200 and answer.json()["results"][0] | {"client_id": None} == {
        "index": 0,
        "client_id": None,
        "status": "error",
        "field": "fibre",
        "message": "Hộ có Internet cáp quang: trả lời có hoặc không.",
    }
    api = member_client.post("/api/v1/census/submissions/", data="[" * 100_000, content_type="application/json")
    assert api.status_code == 400 and api.json()["code"] == "parse_error"
    assert Household.objects.count() == 0


def test_an_officer_of_another_commune_saves_nothing(client, tri_an_officer, tri_an, ap1, census_catalog):
    from xaso.geo.services import village_create

    client.force_login(tri_an_officer)
    refused = post(client, [record(ap1, head_name="Hộ Lạ")])  # no village to record at home: no census at all
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    village_create(commune=tri_an, name="Thôn Trị An", user=tri_an_officer)  # now they take a census at home
    results = post(client, [record(ap1, head_name="Hộ Lạ"), record(ap1, head_name="Hộ Lạ Hai")]).json()["results"]
    assert [(r["status"], r["field"]) for r in results] == [("forbidden", "village")] * 2
    assert Household.objects.count() == 0


def test_a_team_member_cannot_record_another_village(member_client, an_vien_villages):
    result = post(member_client, [record(an_vien_villages[1], head_name="Hộ Ấp 2")]).json()["results"][0]
    assert result["status"] == "forbidden"
    assert Household.objects.count() == 0


@pytest.mark.parametrize("persona", ["province_analyst", "administrator"])
def test_who_takes_no_census_gets_a_403_and_nothing_is_saved(client, persona, request, ap1, census_catalog):
    client.force_login(request.getfixturevalue(persona))
    response = post(client, [record(ap1)])
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert client.get("/census/app/form.json").status_code == 403
    assert client.get("/census/app/households.json").status_code == 403
    assert client.get("/census/app/").status_code == 403
    assert Household.objects.count() == 0


def test_signed_out_requests_get_401_not_a_login_page(client, ap1):
    assert post(client, [record(ap1)]).status_code == 401
    assert client.get("/census/app/form.json").status_code == 401
    assert client.get("/census/app/households.json").json()["code"] == "not_authenticated"
    assert client.get("/census/app/")["Location"].startswith("/accounts/login/")


def test_sync_needs_the_csrf_token_as_every_form(ap1_team, team_user, ap1, census_catalog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(team_user)
    assert post(client, [record(ap1)]).status_code == 403
    assert Household.objects.count() == 0
    client.get("/census/app/")  # the page sets the token's cookie
    token = client.cookies["csrftoken"].value
    assert post(client, [record(ap1)], HTTP_X_CSRFTOKEN=token).status_code == 200
    assert Household.objects.count() == 1


# ------------------------------------------------------------------------------------------- data for offline use


def test_form_definition_is_the_current_version_with_the_purpose(member_client):
    form = member_client.get("/census/app/form.json")
    assert form["Cache-Control"].startswith("max-age=0")
    data = form.json()
    assert data == json.loads(json.dumps(questions.form_definition()))
    assert data["version"] == questions.CURRENT_VERSION
    assert data["purpose"].startswith("Mục đích: UBND xã thu thập")


def test_household_list_holds_the_members_village_with_versions_and_logs_the_read(
    member_client, client, an_vien_officer, an_vien_villages
):
    ap1, ap2 = an_vien_villages
    uid = str(uuid.uuid4())
    post(member_client, [record(ap1, uid=uid, head_name="Hộ Ấp Một", fibre=True, members=[person(1990, name="Chị")])])
    officer = Client()
    officer.force_login(an_vien_officer)
    post(officer, [record(ap2, head_name="Hộ Ấp Hai")])
    AccessLog.objects.all().delete()

    data = member_client.get("/census/app/households.json").json()
    assert data["villages"] == [{"code": ap1.code, "name": ap1.name}]
    assert data["truncated"] is False
    [household] = data["households"]
    assert household | {"members": None} == {
        "uid": uid,
        "village": ap1.code,
        "head_name": "Hộ Ấp Một",
        "address": "",
        "phone": "",
        "version": 1,
        "form_version": questions.CURRENT_VERSION,
        "consent": True,
        "answers": {"fibre": True},
        "members": None,
    }
    assert [(m["full_name"], m["birth_year"]) for m in household["members"]] == [("Chị", 1990)]
    log = AccessLog.objects.get()
    assert (log.username, log.action, log.subject_type, log.unit_id, log.count) == (
        "ap1_member",
        "list",
        "household",
        ap1.id,
        1,
    )

    both = officer.get("/census/app/households.json").json()
    assert [h["head_name"] for h in both["households"]] == ["Hộ Ấp Một", "Hộ Ấp Hai"]
    assert AccessLog.objects.filter(username="an_vien_officer").count() == 2  # one line per village read


def test_a_team_member_gets_and_changes_only_the_households_assigned_to_them(
    member_client, an_vien, an_vien_officer, ap1_team, ap1
):
    """Issue 14: only the commune's officers and the assigned team member see names. Another member of the same
    team neither downloads the household nor changes it by a sync (a blind write would overwrite their work)."""
    from xaso.teams.models import TeamMember

    mine = str(uuid.uuid4())
    post(member_client, [record(ap1, uid=mine, head_name="Hộ Của Tôi")])
    officer = Client()
    officer.force_login(an_vien_officer)
    theirs = str(uuid.uuid4())
    post(officer, [record(ap1, uid=theirs, head_name="Hộ Chưa Giao", phone="0912345678")])
    colleague = TeamMember.objects.create(
        team=ap1_team, full_name="Lê Thị Bạn", user=make_user("ap1_colleague", "team_member", an_vien)
    )
    other = Client()
    other.force_login(colleague.user)
    AccessLog.objects.all().delete()

    assert [h["head_name"] for h in member_client.get("/census/app/households.json").json()["households"]] == [
        "Hộ Của Tôi"
    ]
    assert other.get("/census/app/households.json").json()["households"] == []
    change = record(ap1, uid=theirs, base=1, consent=None, phone="0900000000")
    change["fields"].pop("head_name")
    result = post(member_client, [change]).json()["results"][0]
    assert (result["status"], result["field"]) == ("error", "uid")
    assert result["message"].startswith("Mã hộ: hộ này không được giao cho bạn")
    again = record(ap1, uid=mine, base=1, consent=None, phone="0900000000")
    again["fields"].pop("head_name")
    assert post(other, [again]).json()["results"][0]["status"] == "error"
    assert Household.objects.get(uid=theirs).phone == "0912345678"
    assert Household.objects.get(uid=mine).phone == ""
    assert list(AccessLog.objects.values_list("username", "count")) == [("ap1_member", 1)]

    # once the commune assigns it, the member sees it and may change it
    Household.objects.filter(uid=theirs).update(assigned_member=TeamMember.objects.get(user__username="ap1_member"))
    listed = member_client.get("/census/app/households.json").json()["households"]
    assert sorted(h["head_name"] for h in listed) == ["Hộ Chưa Giao", "Hộ Của Tôi"]
    change["client_id"] = str(uuid.uuid4())
    assert post(member_client, [change]).json()["results"][0]["status"] == "updated"
    assert Household.objects.get(uid=theirs).phone == "0900000000"


# ---------------------------------------------------------------------------------- the app, its worker, manifest


def test_the_app_page_holds_no_inline_script_and_links_its_manifest(member_client):
    response = member_client.get("/census/app/")
    check_page(response)
    html = response.content.decode()
    assert 'rel="manifest" href="/census/app/manifest.webmanifest"' in html
    assert 'id="offline-config" type="application/json"' in html
    config = json.loads(html.split('id="offline-config" type="application/json">')[1].split("</script>")[0])
    assert config["scope"] == "/census/app/" and config["sync"] == SYNC
    assert config["strings"]["queue"] == "%(n)s hộ chưa gửi"


def test_service_worker_covers_the_app_and_is_never_cached(client):
    response = client.get("/census/app/sw.js")  # no session needed: an update check may come signed out
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/census/app/"
    assert "no-cache" in response["Cache-Control"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    setup = json.loads(body.split("self.XASO_CENSUS = ")[1].split(";\n")[0])
    assert setup["shell"] == "/census/app/"
    assert setup["data"] == ["/census/app/form.json", "/census/app/households.json"]
    assert [e["url"] for e in setup["precache"]] == [f"/static/{p}" for p in SHELL_STATIC]
    assert all(len(e["revision"]) == 16 for e in setup["precache"])  # unhashed names here: a digest each
    for path in WORKER_SCRIPTS:
        assert f'"/static/{path}"' in body
    for entry in setup["precache"]:
        assert client.get(entry["url"]).status_code == 200, entry["url"]


def test_service_worker_lists_hashed_names_after_collectstatic(client, settings, tmp_path):
    """In production the static storage hashes names: the worker then precaches those, with no revision, and the
    vendored Workbox files collect cleanly (no dangling source-map reference)."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    body = client.get("/census/app/sw.js").content.decode()
    setup = json.loads(body.split("self.XASO_CENSUS = ")[1].split(";\n")[0])
    worker = [e for e in setup["precache"] if "census/app." in e["url"]]
    assert [e["revision"] for e in setup["precache"]] == [None] * len(SHELL_STATIC)
    assert len(worker) == 2 and all(e["url"].count(".") == 2 for e in worker)  # census/app.<hash>.js
    for entry in setup["precache"]:
        assert (tmp_path / entry["url"].removeprefix("/static/")).exists(), entry["url"]
    assert "workbox-core.prod." in body and "workbox-core.prod.js" not in body


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifest_names_the_app_in_vietnamese_with_png_icons(client):
    from django.contrib.staticfiles import finders

    response = client.get("/census/app/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "Xã số — Điều tra hộ gia đình" and manifest["lang"] == "vi"
    assert manifest["start_url"] == manifest["scope"] == "/census/app/"
    assert manifest["display"] == "standalone"
    assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}
    for icon in manifest["icons"]:
        from pathlib import Path

        found = Path(finders.find(icon["src"].removeprefix("/static/")))
        width, height = png_size(found)
        assert f"{width}x{height}" == icon["sizes"]


def test_the_app_page_is_at_the_reversed_url():
    assert reverse("census_app:shell") == "/census/app/"


def test_household_list_reads_the_same_queries_for_two_households_or_twelve(member_client, ap1):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get("/census/app/households.json").status_code == 200
        return len(captured)

    post(member_client, [record(ap1, head_name=f"Hộ {i}", members=[person(1980), person(2010)]) for i in range(2)])
    small = queries()
    post(member_client, [record(ap1, head_name=f"Hộ thêm {i}", members=[person(1970)]) for i in range(10)])
    assert queries() == small
    assert len(member_client.get("/census/app/households.json").json()["households"]) == 12
