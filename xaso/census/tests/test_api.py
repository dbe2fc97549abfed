"""Census API: households with names only for the commune's officers and the village's team member, each read in
the access log; village aggregates for everyone who reads the commune, small cells "<5" for whoever may not see
names; the offline form's batch through the API; every endpoint in the OpenAPI schema."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from xaso.census.models import Household
from xaso.census.services import household_submit
from xaso.privacy.models import AccessLog
from xaso.teams.models import TeamMember

from .conftest import NAMES, YEAR, person, record
from .test_privacy import assert_no_secret

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/census/households/"
VILLAGES = "/api/v1/census/villages/"
SUBMISSIONS = "/api/v1/census/submissions/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def every_census_read(first, uids, commune):
    return [
        HOUSEHOLDS,
        f"{HOUSEHOLDS}?village={first.code}",
        f"{HOUSEHOLDS}{uids[0]}/",
        f"{VILLAGES}?commune={commune.code}",
        f"{VILLAGES}?commune={commune.code}&year={YEAR}",
    ]


def test_province_analyst_gets_no_personal_data_from_any_census_endpoint(census, an_vien, province_analyst):
    first, second, uids = census
    client = api(province_analyst)
    assert client.get(HOUSEHOLDS).status_code == 403
    assert client.get(f"{HOUSEHOLDS}?village={first.code}").status_code == 403
    assert client.get(f"{HOUSEHOLDS}{uids[0]}/").status_code == 404  # the record does not exist for them
    for url in every_census_read(first, uids, an_vien):
        assert_no_secret(client.get(url))
    posted = client.post(SUBMISSIONS, {"records": [record(first)]}, format="json")
    assert posted.status_code == 403 and Household.objects.count() == 9
    assert not AccessLog.objects.exists()


def test_province_analyst_gets_aggregates_with_small_cells_suppressed(census, an_vien, province_analyst):
    first, second, _uids = census
    rows = {r["code"]: r for r in api(province_analyst).get(f"{VILLAGES}?commune={an_vien.code}").json()}
    # Ấp 1: 4 households, 5 people, 4 on fibre → every count under 5 is "<5"; Ấp 2: 5 households, 5 people
    assert (rows[first.code]["households"], rows[first.code]["people"]) == ("<5", 5)
    assert rows[first.code]["figures"]["households_fibre"] == "<5"
    assert rows[first.code]["figures"]["households_cashless_electricity"] == 0  # zero reveals nobody
    assert (rows[second.code]["households"], rows[second.code]["people"]) == (5, 5)
    assert rows[first.code]["suppressed"] is True
    assert not AccessLog.objects.exists()


def test_commune_officer_sees_exact_counts(census, an_vien, an_vien_officer):
    first, second, _uids = census
    rows = {r["code"]: r for r in api(an_vien_officer).get(f"{VILLAGES}?commune={an_vien.code}").json()}
    assert (rows[first.code]["households"], rows[first.code]["people"], rows[first.code]["suppressed"]) == (4, 5, False)
    assert rows[first.code]["figures"]["households_fibre"] == 4
    assert rows[first.code]["figures"]["adults_total"] == 5  # born 1980, 1975 ×3 and 2010 (15 or more this year)


def test_public_gets_nothing(census, an_vien):
    first, _second, uids = census
    client = Client()
    for url in every_census_read(first, uids, an_vien):
        response = client.get(url)
        assert response.status_code == 401, url
        assert_no_secret(response)
    assert client.post(SUBMISSIONS, {"records": []}, content_type="application/json").status_code == 401
    assert not AccessLog.objects.exists()


def test_another_commune_reads_no_census_of_an_vien(census, an_vien, tri_an_officer):
    first, _second, uids = census
    client = api(tri_an_officer)
    assert client.get(f"{VILLAGES}?commune={an_vien.code}").status_code == 403
    assert client.get(f"{HOUSEHOLDS}{uids[0]}/").status_code == 404
    listed = client.get(HOUSEHOLDS)
    assert listed.status_code == 200 and listed.json()["count"] == 0  # an officer of Trị An: none of An Viễn's
    assert client.get(f"{HOUSEHOLDS}?village={first.code}").status_code == 400
    for url in every_census_read(first, uids, an_vien):
        assert_no_secret(client.get(url))


def test_every_personal_data_read_by_an_officer_is_logged(census, an_vien, an_vien_officer):
    first, second, uids = census
    client = api(an_vien_officer)
    page = client.get(f"{HOUSEHOLDS}?limit=6")
    assert page.status_code == 200 and page.json()["count"] == 9
    assert {h["head_name"] for h in page.json()["results"]} >= set(NAMES[:4])
    logs = list(AccessLog.objects.order_by("id").values_list("action", "unit_id", "count", "user_id"))
    # the page: Ấp 1's 4 households and 2 of Ấp 2's, logged per village with what was sent
    assert logs == [("list", first.id, 4, an_vien_officer.id), ("list", second.id, 2, an_vien_officer.id)]
    one = client.get(f"{HOUSEHOLDS}{uids[0]}/")
    assert one.status_code == 200
    body = one.json()
    assert body["head_name"] == NAMES[0] and body["phone"] == "0912345678"
    assert sorted(m["full_name"] for m in body["members"]) == ["Con Của Một", NAMES[0]]
    last = AccessLog.objects.order_by("-id").first()
    assert (last.action, last.subject_id, last.unit_id, last.user_id) == ("view", str(uids[0]), an_vien.id,
                                                                         an_vien_officer.id)  # fmt: skip
    assert AccessLog.objects.count() == 3
    assert client.get(f"{HOUSEHOLDS}{uuid.uuid4()}/").status_code == 404
    assert AccessLog.objects.count() == 3  # nothing shown, nothing logged


def test_team_member_lists_the_households_assigned_to_them_only_and_is_logged(census, team_user, ap1_team):
    first, second, uids = census
    Household.objects.filter(uid__in=uids[:2]).update(assigned_member=TeamMember.objects.get(user=team_user))
    client = api(team_user)
    listed = client.get(HOUSEHOLDS).json()
    assert listed["count"] == 2 and {h["head_name"] for h in listed["results"]} == set(NAMES[:2])
    assert AccessLog.objects.get().count == 2
    assert client.get(f"{HOUSEHOLDS}?village={second.code}").status_code == 400
    other = Household.objects.filter(village=second).first()
    assert client.get(f"{HOUSEHOLDS}{other.uid}/").status_code == 404
    # the same village's households assigned to nobody (or to another member) do not exist for them
    assert client.get(f"{HOUSEHOLDS}{uids[2]}/").status_code == 404
    assert client.get(f"{HOUSEHOLDS}{uids[0]}/").json()["head_name"] == NAMES[0]
    assert AccessLog.objects.count() == 2


def test_submissions_write_through_the_sync_path_and_a_retry_duplicates_nothing(
    census_catalog, an_vien_villages, ap1_team, team_user
):
    first, second = an_vien_villages
    mine = record(first, head_name="Hộ Qua API", fibre=True, members=[person(YEAR - 30, smartphone=True)])
    theirs = record(second, head_name="Hộ Thôn Khác")
    bad = record(first, head_name="")
    client = api(team_user)
    answer = client.post(SUBMISSIONS, {"records": [mine, theirs, bad]}, format="json")
    assert answer.status_code == 200
    statuses = [(r["index"], r["status"], r.get("field")) for r in answer.json()["results"]]
    assert statuses == [(0, "created", None), (1, "forbidden", "village"), (2, "error", "head_name")]
    again = client.post(SUBMISSIONS, {"records": [mine]}, format="json").json()["results"]
    assert again[0]["status"] == "duplicate"
    assert list(Household.objects.values_list("head_name", flat=True)) == ["Hộ Qua API"]


def test_submissions_refuse_a_bad_batch_naming_the_field(census_catalog, an_vien_villages, an_vien_officer):
    client = api(an_vien_officer)
    empty = client.post(SUBMISSIONS, {"records": []}, format="json")
    assert empty.status_code == 400 and "records" in empty.json()["errors"]
    unknown = client.post(SUBMISSIONS, {"records": [record(an_vien_villages[0])], "extra": 1}, format="json")
    assert unknown.status_code == 400 and "extra" in unknown.json()["errors"]
    many = client.post(SUBMISSIONS, {"records": [record(an_vien_villages[0]) for _ in range(51)]}, format="json")
    assert many.status_code == 400 and "50" in many.json()["errors"]["records"][0]["message"]
    assert not Household.objects.exists()


def test_a_household_read_by_uid_is_the_officers_and_shows_its_members(census_catalog, an_vien_villages,
                                                                        an_vien_officer):  # fmt: skip
    rec = record(an_vien_villages[0], head_name="Hộ Một Người", members=[person(YEAR - 40, vneid=True)])
    uid = household_submit(user=an_vien_officer, record=rec).uid
    body = api(an_vien_officer).get(f"{HOUSEHOLDS}{uid}/").json()
    assert body["members"][0]["birth_year"] == YEAR - 40 and body["members"][0]["answers"] == {"vneid": True}


def test_openapi_schema_lists_the_census_endpoints(client, an_vien_officer):
    client.force_login(an_vien_officer)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (HOUSEHOLDS, HOUSEHOLDS + "{uid}/", VILLAGES, SUBMISSIONS):
        assert path in schema["paths"], path
    assert "post" in schema["paths"][SUBMISSIONS]
    for method in ("get",):
        assert set(schema["paths"][HOUSEHOLDS][method]["responses"]) >= {"200", "401", "403"}
