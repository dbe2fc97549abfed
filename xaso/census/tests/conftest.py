"""Fixtures of the census and team tests: the shipped catalog cut to the census and team elements (with the
indicators and validation rules over them only), villages, a team with a member account, a record builder."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import yaml
from django.utils import timezone

from xaso.accounts.models import Role
from xaso.census.questions import CURRENT_VERSION, counted_elements
from xaso.conftest import make_user
from xaso.geo.services import village_create
from xaso.indicators.catalog import CATALOG_PATH, catalog_load
from xaso.teams.figures import ELEMENTS as TEAM_ELEMENTS
from xaso.teams.models import MemberRole, Team, TeamMember, Training


@pytest.fixture(scope="session")
def census_catalog_path(tmp_path_factory) -> Path:
    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    codes = set(counted_elements()) | set(TEAM_ELEMENTS) | {"villages_total"}

    def within(*texts: str) -> bool:
        return set(re.findall(r"[a-z_][a-z0-9_]*", " ".join(texts))) <= codes

    cut = {
        "data_elements": [e for e in data["data_elements"] if e["code"] in codes],
        "indicators": [
            i for i in data["indicators"] if within(i["formula"]) and i.get("stated_rate_element", "") in codes | {""}
        ],
        "validation_rules": [r for r in data["validation_rules"] if within(r["left"], r["right"])],
    }
    path = tmp_path_factory.mktemp("catalog") / "census.yaml"
    path.write_text(yaml.safe_dump(cut, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def census_catalog(db, census_catalog_path):
    catalog_load(census_catalog_path)


@pytest.fixture
def an_vien_villages(an_vien, an_vien_officer):
    return [village_create(commune=an_vien, name=f"Ấp {i}", user=an_vien_officer, division_type="ấp") for i in (1, 2)]


@pytest.fixture
def team_user(an_vien):
    return make_user("ap1_member", Role.TEAM_MEMBER, an_vien, full_name="Phạm Văn Tổ")


@pytest.fixture
def ap1_team(an_vien_villages, team_user):
    village = an_vien_villages[0]
    team = Team.objects.create(village=village, commune=village.commune, name="Tổ CNS cộng đồng Ấp 1")
    TeamMember.objects.create(team=team, full_name="Phạm Văn Tổ", role=MemberRole.LEAD, user=team_user)
    return team


#: the census year: figures are written for the current year
YEAR = timezone.localdate().year


def figures(village) -> dict[str, float]:
    """A village's figures of the census year, by element code."""
    from xaso.indicators.models import DataValue

    return dict(
        DataValue.objects.filter(unit=village, period__code=str(YEAR)).values_list("data_element__code", "value")
    )


def record(village, *, uid=None, client_id=None, base=None, recorded_at=None, members=(), consent="verbal", **fields):
    """A submission as the offline form sends it."""
    data = {"head_name": "Nguyễn Văn Hộ"} | fields
    if consent:
        data["consent_method"] = consent
    return {
        "client_id": str(client_id or uuid.uuid4()),
        "uid": str(uid or uuid.uuid4()),
        "village": village.code,
        "form_version": CURRENT_VERSION,
        "base_version": base,
        "fields": data,
        "members": list(members),
        "recorded_at": (recorded_at or timezone.now()).isoformat(),
    }


def person(year, uid=None, name="Người", **answers):
    return {"uid": str(uid or uuid.uuid4()), "fields": {"full_name": name, "birth_year": year, "answers": answers}}


NAMES = ["Lê Văn Một", "Trần Thị Hai", "Phạm Văn Ba", "Đỗ Thị Bốn", "Ngô Văn Năm", "Con Của Một"]
SECRETS = NAMES + ["Phạm Văn Tổ", "0912345678", "0987654321", "Xóm Chùa"]


@pytest.fixture
def census(census_catalog, an_vien_villages, an_vien_officer, ap1_team):
    """Ấp 1: 4 households (shown as "<5" to whoever may not see names); Ấp 2: 5 households (shown as 5)."""
    from xaso.census.services import household_submit

    TeamMember.objects.filter(team=ap1_team).update(phone="0987654321")
    member = TeamMember.objects.get(team=ap1_team)
    Training.objects.create(member=member, title="Bình dân học vụ số", trained_on="2026-03-01")
    first, second = an_vien_villages
    uids = []
    for i, name in enumerate(NAMES[:4]):
        members = [person(1980, name=name), person(2010, name="Con Của Một")] if i == 0 else [person(1975, name=name)]
        rec = record(first, head_name=name, address="Xóm Chùa", phone="0912345678", members=members, fibre=True)
        uids.append(household_submit(user=an_vien_officer, record=rec).uid)
    for i in range(5):
        rec = record(second, head_name=NAMES[4] + f" {i}", members=[person(1990, name=NAMES[4])])
        household_submit(user=an_vien_officer, record=rec)
    return first, second, uids
