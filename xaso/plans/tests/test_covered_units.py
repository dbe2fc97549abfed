"""The communes a plan covers keep the name its document gives them and how surely that name was matched to an
official unit (seed 002 names "Nghi Hoa", which the unit catalog no longer has: it was merged into Diên Hoa)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from xaso.plans.loader import plans_load
from xaso.plans.models import CoveredUnit, Plan

pytestmark = pytest.mark.django_db

PLAN = """
plans:
  - key: dong_nai_2026
    unit: "75"
    title: Kế hoạch chuyển đổi số tại hai xã năm 2026
    year_from: 2026
    covered_units:
      - {unit: "26296", name_in_source: An Viễn mới, match: %(match)s}
      - "26170"
"""


def load(tmp_path, match="uncertain"):
    path = tmp_path / "plans.yaml"
    path.write_text(PLAN % {"match": match}, encoding="utf-8")
    return plans_load(path)


def test_the_loader_keeps_the_documents_name_and_the_certainty_in_the_documents_order(tmp_path, an_vien, tri_an):
    load(tmp_path)
    plan = Plan.objects.get()
    assert [(c.unit.code, c.name_in_source, c.match, c.shows_source_name) for c in plan.covered_unit_links.all()] == [
        ("26296", "An Viễn mới", "uncertain", True),
        ("26170", "", "certain", False),  # a bare code: the official name is the document's
    ]
    assert set(plan.covered_units.values_list("code", flat=True)) == {"26296", "26170"}  # the relation still reads


def test_an_unknown_certainty_stops_the_load_and_stores_nothing(tmp_path, an_vien, tri_an):
    with pytest.raises(ValidationError, match="mức khớp “maybe” không hợp lệ"):
        load(tmp_path, match="maybe")
    assert not Plan.objects.exists() and not CoveredUnit.objects.exists()


def test_a_certain_match_under_another_spelling_still_shows_the_documents_name(an_vien, tri_an, dong_nai):
    plan = Plan.objects.create(unit=dong_nai, title="KH", year_from=2026, year_to=2026)
    same = CoveredUnit.objects.create(plan=plan, unit=an_vien, name_in_source="An Viễn")  # "Xã An Viễn": same name
    other = CoveredUnit.objects.create(plan=plan, unit=tri_an, name_in_source="Trị An cũ")
    assert (same.shows_source_name, other.shows_source_name) == (False, True)
    assert not other.is_uncertain


def test_plan_page_and_api_show_both_names_of_an_uncertain_match(client, tmp_path, an_vien, tri_an, administrator):
    load(tmp_path)
    plan = Plan.objects.get()
    client.force_login(administrator)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    block = page.split('data-testid="covered-units"')[1].split("</ul>")[0]
    assert "Áp dụng tại 2 xã:" in block
    an_vien_item = block.split('data-unit="26296"')[1].split("</li>")[0]
    assert "Xã An Viễn" in an_vien_item and "văn bản ghi “An Viễn mới” · khớp chưa chắc chắn" in an_vien_item
    assert "văn bản ghi" not in block.split('data-unit="26170"')[1].split("</li>")[0]
    api = APIClient()
    api.force_authenticate(administrator)
    assert api.get(f"/api/v1/plans/{plan.pk}/").json()["covered_units"] == [
        {"unit": "26296", "unit_name": "Xã An Viễn", "name_in_source": "An Viễn mới", "match": "uncertain"},
        {"unit": "26170", "unit_name": "Xã Trị An", "name_in_source": "", "match": "certain"},
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_covered_units_stored_before_it(an_vien, dong_nai):
    """Plans stored with the plain many-to-many keep their covered communes, as certain matches without a name."""
    executor = MigrationExecutor(connection)
    executor.migrate([("plans", "0005_plan_value_ranges")])
    old = executor.loader.project_state([("plans", "0005_plan_value_ranges")]).apps
    plan = old.get_model("plans", "Plan").objects.create(unit_id=dong_nai.pk, title="KH", year_from=2024, year_to=2024)
    plan.covered_units.add(an_vien.pk)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    link = CoveredUnit.objects.get(plan_id=plan.pk)
    assert (link.unit_id, link.name_in_source, link.match) == (an_vien.pk, "", "certain")
