"""Plan screens through the real request stack: scope, the 6 rõ on submit, status from data."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from xaso.indicators.services import ValueInput, values_write
from xaso.plans import services
from xaso.plans.models import Plan, PlanStatus, Responsibility, TaskUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(an_vien, an_vien_officer):
    return services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)


def test_officer_creates_a_plan_from_the_template(client, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.post(reverse("plans:create"), {"mode": "template", "unit": an_vien.code, "year": 2026})
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == reverse("plans:detail", args=[plan.pk])
    page = client.get(response.url).content.decode()
    assert "Kế hoạch chuyển đổi số năm 2026 của Xã An Viễn" in page
    assert "1. Căn cứ lập kế hoạch" in page and "8. Danh mục nhiệm vụ, dự án" in page


def test_target_and_task_added_through_forms_show_status_from_data(client, plan, an_vien, an_vien_officer, catalog):
    client.force_login(an_vien_officer)
    response = client.post(reverse("plans:target_add", args=[plan.pk]), {
        "indicator": catalog["fibre"].pk, "comparator": ">=", "value": "80", "horizon_year": 2026,
    })  # fmt: skip
    assert response.status_code == 302
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", an_vien.code, "2025", 8500),
                                             ValueInput("households_fibre", an_vien.code, "2025", 6970)])  # fmt: skip
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "82" in page and "Đã đạt" in page  # 6,970 / 8,500 = 82.0% ≥ 80%


def test_submit_with_incomplete_task_names_what_is_missing(client, plan, an_vien_officer, catalog):
    client.force_login(an_vien_officer)
    services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85, horizon_year=2026)
    services.task_save(user=an_vien_officer, plan=plan, area="government", title="Tuyên truyền")
    response = client.post(reverse("plans:transition", args=[plan.pk, "submit"]), follow=True)
    page = response.content.decode()
    assert "Nhiệm vụ “Tuyên truyền” còn thiếu: rõ người" in page
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_other_commune_officer_cannot_see_or_edit_the_plan(client, plan, nga_dien_officer):
    client.force_login(nga_dien_officer)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    assert client.post(reverse("plans:target_add", args=[plan.pk]), {}).status_code == 404
    assert plan.title not in client.get(reverse("plans:list")).content.decode()


def test_analyst_reads_but_cannot_edit(client, plan, province_analyst):
    client.force_login(province_analyst)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    response = client.post(reverse("plans:edit", args=[plan.pk]), {"title": "X", "year_from": 2026, "year_to": 2026})
    assert response.status_code == 403


def test_plan_page_query_count_does_not_grow_with_tasks(
    client, plan, an_vien_officer, catalog, django_assert_max_num_queries
):
    client.force_login(an_vien_officer)
    target = services.target_save(
        user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85, horizon_year=2026
    )
    for i in range(12):
        services.task_save(user=an_vien_officer, plan=plan, area="government", title=f"Nhiệm vụ {i}", targets=[target])
    with django_assert_max_num_queries(40):
        assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200


def test_plan_page_offers_the_documents(client, plan, an_vien_officer):
    client.force_login(an_vien_officer)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Tải kế hoạch (.docx)" in page
    response = client.get(reverse("reports:plan_docx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")


def test_administrator_types_the_unit_code_instead_of_picking_from_every_commune(client, administrator, dong_nai):
    from xaso.conftest import make_unit

    for i in range(60):
        make_unit(f"9{i:04d}", f"Xã Thử {i}", "commune", dong_nai)
    client.force_login(administrator)
    page = client.get(reverse("plans:create")).content.decode()
    assert '<input type="text" name="unit"' in page and "Xã Thử 59" not in page
    response = client.post(reverse("plans:create"), {"mode": "template", "unit": "90007", "year": 2026})
    assert Plan.objects.get().unit.name == "Xã Thử 7" and response.status_code == 302


def test_refusals_are_explained_on_a_vietnamese_page(client, plan, province_analyst, settings):
    settings.DEBUG = False
    client.force_login(province_analyst)
    response = client.post(reverse("plans:edit", args=[plan.pk]), {"title": "X", "year_from": 2026, "year_to": 2026})
    page = response.content.decode()
    assert response.status_code == 403
    assert (
        "Bạn không có quyền làm việc này" in page and "Bạn không có quyền lập hoặc sửa kế hoạch của Xã An Viễn" in page
    )


def test_english_screens_translate_each_sense_of_a_short_word(client, plan, an_vien_officer):
    """One Vietnamese word, an English word for each sense: “ngày” is a task update's date and the “dated” of a
    legal basis; “Nhiệm vụ” one task, the tasks sheet and a unit's duties."""
    services.legal_basis_add(user=an_vien_officer, plan=plan, number="30/2025/NĐ-CP", issuer="Chính phủ",
                             title="Về công tác văn thư", issued_on=date(2025, 2, 12))  # fmt: skip
    task = services.task_save(user=an_vien_officer, plan=plan, area="government", title="Tuyên truyền")
    client.force_login(an_vien_officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    def main_text(url: str) -> str:
        page = client.get(url).content.decode()
        return " ".join(re.sub(r"<[^>]+>", " ", page[page.index("<main") :]).split())

    detail = main_text(reverse("plans:detail", args=[plan.pk]))
    assert "30/2025/NĐ-CP dated 12/02/2025 by Chính phủ" in detail
    assert "Export to Excel Targets · Tasks · Budget · Figures" in detail
    assert "edit · update progress" in detail
    assert "Date Day/month/year, e.g. 31/12/2026. % done" in main_text(
        reverse("plans:task_update_add", args=[plan.pk, task.pk])
    )
    assert "Agency or unit Duties" in main_text(reverse("plans:responsibility_add", args=[plan.pk]))
    assert f"{plan.title} Task Task Clear task Area" in main_text(reverse("plans:task_edit", args=[plan.pk, task.pk]))
    assert "Digital transformation plan Create a plan Plan Unit Year No. Status" in main_text(reverse("plans:list"))
    assert "Import from file" in client.get(reverse("plans:list")).content.decode()  # the menu, not a figure's source

    with translation.override("en"):
        assert TaskUpdate._meta.get_field("on").verbose_name == "date"
        assert Responsibility._meta.get_field("duties").verbose_name == "duties"


def test_plan_page_judges_a_passed_horizon_on_its_own_year_and_says_so(client, nga_dien, nga_dien_officer, catalog):
    horizon = date.today().year - 2  # seed 003's 2024 plan seen in 2026
    period = str(horizon)
    values_write(user=nga_dien_officer, rows=[ValueInput("households_total", nga_dien.code, period, 1961),
                                              ValueInput("households_fibre", nga_dien.code, period, 1600)])  # fmt: skip
    plan = services.plan_create_from_template(user=nga_dien_officer, unit=nga_dien, year=horizon)
    services.target_save(user=nga_dien_officer, plan=plan, indicator=catalog["fibre"], value=80, horizon_year=horizon)
    client.force_login(nga_dien_officer)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f'81,6 <span class="muted small">({horizon})</span>' in page and "Đã đạt" in page  # 1.600 / 1.961 ≥ 80
    assert "chỉ tiêu đã quá mốc tính từ số liệu của năm mốc (chưa có thì năm trước đó)" in page


def test_a_save_says_so_and_lands_on_what_was_saved(client, plan, an_vien_officer, catalog):
    """After every save the plan page opens on the saved task or target, under a confirmation."""
    client.force_login(an_vien_officer)
    response = client.post(
        reverse("plans:task_add", args=[plan.pk]),
        {"area": "government", "title": "Tuyên truyền", "timeframe_kind": "quarter", "quarter": "2026Q2",
         "status": "not_started"},
    )  # fmt: skip
    task = plan.tasks.get(title="Tuyên truyền")
    assert task.due_date == date(2026, 6, 30)
    assert response["Location"] == reverse("plans:detail", args=[plan.pk]) + f"#task-{task.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu nhiệm vụ." in page and 'role="status"' in page
    assert f'id="task-{task.pk}"' in page and f'href="#task-{task.pk}"' in page  # the contents list links to it

    response = client.post(
        reverse("plans:target_add", args=[plan.pk]),
        {"indicator": catalog["online"].pk, "comparator": ">=", "value": "85", "horizon_year": "2026"},
    )
    target = plan.targets.get()
    assert response["Location"].endswith(f"#target-{target.pk}")
    assert "Đã lưu chỉ tiêu." in client.get(response["Location"]).content.decode()


def test_an_invalid_task_is_summarised_on_top_and_saves_nothing(client, plan, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.post(reverse("plans:task_add", args=[plan.pk]), {"title": "", "timeframe_kind": "date"})
    page = response.content.decode()
    assert response.status_code == 200 and not plan.tasks.exists()
    summary = page.split("data-error-summary")[1].split("</ul>")[0]
    assert '<a href="#id_area">' in summary and '<a href="#id_due_date">' in summary
    assert "Nhập ngày phải hoàn thành, ví dụ 31/12/2026." in summary
