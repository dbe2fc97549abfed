"""The year-end evaluation in the style of seed 003, Part 1: Nga Điền's 2023 results written as sentences with
the measured figures (1.384/1.961 hộ, đạt 70,6%), then the 2024 plan made from it."""

from __future__ import annotations

from datetime import date

import pytest

from xaso.indicators.services import ValueInput, values_write
from xaso.plans import services as plan_services
from xaso.reports import selectors, services

from .conftest import docx_text, open_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def nga_dien_2023(nga_dien, nga_dien_officer, catalog):
    catalog["fibre"].name = "Tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang"
    catalog["fibre"].save()
    plan = plan_services.plan_create_from_template(user=nga_dien_officer, unit=nga_dien, year=2023)
    plan_services.target_save(user=nga_dien_officer, plan=plan, indicator=catalog["fibre"], value=80, horizon_year=2023)
    plan_services.target_save(user=nga_dien_officer, plan=plan, indicator=catalog["smartphone"], value=70,
                              horizon_year=2023)  # fmt: skip
    plan_services.target_save(user=nga_dien_officer, plan=plan, indicator=catalog["cameras"], value=20,
                              horizon_year=2023)  # fmt: skip
    plan_services.target_save(user=nga_dien_officer, plan=plan, indicator=catalog["online"], value=65,
                              horizon_year=2023)  # fmt: skip
    plan_services.task_save(user=nga_dien_officer, plan=plan, area="infrastructure",
                            title="Duy trì hệ thống camera an ninh")  # fmt: skip
    task = plan_services.task_save(user=nga_dien_officer, plan=plan, area="society",
                                   title="Tuyên truyền trên hệ thống truyền thanh xã")  # fmt: skip
    plan_services.task_update_add(task=task, user=nga_dien_officer, on=date(2023, 4, 24), percent_done=100,
                                  text="Viết tin, bài về 6 nội dung quan trọng")  # fmt: skip
    # seed 003, Part 1: population 7,410; households 1,961; fibre 1,384; smartphones 5,187 ("75%" of the population:
    # it is 70,0%); 25 camera points. The target is over adults, whom the document does not count: 5,763 for the test
    code = nga_dien.code
    values_write(user=nga_dien_officer, rows=[
        ValueInput("population_total", code, "2023", 7410), ValueInput("households_total", code, "2023", 1961),
        ValueInput("adults_total", code, "2023", 5763),
        ValueInput("households_fibre", code, "2023", 1384), ValueInput("adults_smartphone", code, "2023", 5187),
        ValueInput("adults_smartphone_rate_stated", code, "2023", 75), ValueInput("camera_points", code, "2023", 25),
    ])  # fmt: skip
    plan.refresh_from_db()
    return plan


def test_measured_figures_are_written_as_sentences(nga_dien_2023, nga_dien_officer):
    text = docx_text(open_docx(services.document_evaluation_docx(nga_dien_2023, nga_dien_officer, 2023)))
    assert "- Tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang: 1.384/1.961 hộ, đạt 70,6% (chỉ tiêu năm " \
           "2023: ≥ 80%, chưa đạt)." in text  # fmt: skip
    assert "- Tỷ lệ dân số trưởng thành có điện thoại thông minh: 5.187/5.763 người, đạt 90,0% (chỉ tiêu năm 2023: " \
           "≥ 70%, đạt)." in text  # fmt: skip
    assert "- Số điểm camera: 25 điểm (chỉ tiêu năm 2023: ≥ 20, đạt)." in text
    assert "- Tỷ lệ hồ sơ trực tuyến: chưa có số liệu (chỉ tiêu ≥ 65%)." in text
    # the wholes behind the rates come first, as in seed 003 ("Tổng số hộ trên địa bàn xã: 1.961 hộ")
    assert text.index("- Tổng số hộ: 1.961 hộ.") < text.index("- Tỷ lệ hộ gia đình có kết nối")
    assert "- Dân số trưởng thành: 5.763 người." in text  # the whole of the smartphone target: adults
    assert "- Dân số: 7.410 người." not in text  # no target of this plan is over the whole population


def test_structure_follows_seed_003_part_1_then_the_next_years_plan(nga_dien_2023, nga_dien_officer):
    plan_services.plan_create_from_previous(user=nga_dien_officer, previous=nga_dien_2023)
    document = open_docx(services.document_evaluation_docx(nga_dien_2023, nga_dien_officer, 2023))
    body = [p.text for p in document.paragraphs]
    assert body[body.index("BÁO CÁO") + 1] == "Kết quả thực hiện chuyển đổi số năm 2023 và kế hoạch năm 2024"
    order = ["Phần 1", "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NĂM 2023", "I. TÌNH HÌNH THỰC HIỆN MỤC TIÊU ĐỀ RA NĂM 2023",
             "II. TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ NĂM 2023", "III. TỒN TẠI, HẠN CHẾ", "Phần 2", "KẾ HOẠCH NĂM 2024",
             "I. MỤC TIÊU", "II. NHIỆM VỤ"]  # fmt: skip
    assert [body.index(h) for h in order] == sorted(body.index(h) for h in order)
    text = docx_text(document)
    assert ("Trong 4 chỉ tiêu năm 2023: 2 chỉ tiêu đạt, 1 chỉ tiêu chưa đạt, 1 chỉ tiêu chưa có số liệu.") in text
    assert (
        "- Tuyên truyền trên hệ thống truyền thanh xã: đã hoàn thành: viết tin, bài về 6 nội dung quan trọng." in text
    )
    assert "- Duy trì hệ thống camera an ninh: chưa thực hiện." in text
    # part 2: the 2024 plan carried the targets forward (horizon 2024)
    part2 = text[text.index("KẾ HOẠCH NĂM 2024") :]
    assert "- Tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang: ≥ 80% (năm 2024)." in part2
    assert "- Duy trì hệ thống camera an ninh." in part2
    # header of a pre-2025 commune: its district is the superior
    assert [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text][0] == "UBND HUYỆN NGA SƠN"
    assert document.tables[0].rows[1].cells[1].text.startswith("Nga Điền, ngày")


def test_without_a_next_plan_part_two_keeps_what_remains(nga_dien_2023, nga_dien_officer):
    text = docx_text(open_docx(services.document_evaluation_docx(nga_dien_2023, nga_dien_officer, 2023)))
    part2 = text[text.index("KẾ HOẠCH NĂM 2024") :]
    assert "tiếp tục thực hiện các chỉ tiêu, nhiệm vụ chưa hoàn thành" in part2
    # the target missed in 2023 (fibre 70,6% < 80%) and the one without data are carried; those reached are not
    assert "- Tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang: ≥ 80% (tiếp tục thực hiện năm 2024)." in part2
    assert "- Tỷ lệ hồ sơ trực tuyến: ≥ 65% (tiếp tục thực hiện năm 2024)." in part2
    assert "Số điểm camera" not in part2
    assert "- Duy trì hệ thống camera an ninh." in part2
    assert "Tuyên truyền trên hệ thống truyền thanh xã" not in part2  # done in 2023


def test_other_commune_cannot_read_the_evaluation(nga_dien_2023, an_vien_officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.document_evaluation_docx(nga_dien_2023, an_vien_officer, 2023)


def test_the_evaluation_names_the_year_of_an_older_figure(nga_dien_2023, nga_dien, nga_dien_officer, catalog):
    """2024 has no fibre figure: the 2024 evaluation judges the target on the latest one, as the status rule and the
    2024 progress report do, and says it is 2023's instead of passing it off as 2024's."""
    plan = plan_services.plan_create_from_template(user=nga_dien_officer, unit=nga_dien, year=2024)
    plan_services.target_save(user=nga_dien_officer, plan=plan, indicator=catalog["fibre"], value=80, horizon_year=2024)
    data = selectors.evaluation_data(user=nga_dien_officer, plan=plan, year_=2024, today=date(2026, 11, 23))
    [row] = data.rows
    assert (row.period.code, row.status.code) == ("2023", "off_track")
    text = docx_text(open_docx(services.document_evaluation_docx(plan, nga_dien_officer, 2024)))
    assert ("- Tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang: 1.384/1.961 hộ, đạt 70,6% (số liệu gần nhất: "
            "năm 2023) (chỉ tiêu năm 2024: ≥ 80%, chưa đạt).") in text  # fmt: skip
    assert "Tổng số hộ" not in text  # the wholes are the year's own figures only


def test_report_and_evaluation_of_a_year_print_the_same_counts(nga_dien_2023, nga_dien_officer):
    """One selector counts for both documents. Seed 003's 2023 by hand: fibre 1.384/1.961 = 70,6% < 80% (not met),
    smartphones 5.187/5.763 adults = 90,0% ≥ 70% (met), 25 cameras ≥ 20 (met), dossiers online: no figure."""
    counts = selectors.year_target_counts(user=nga_dien_officer, plan=nga_dien_2023, year_=2023,
                                          today=date(2024, 1, 15))  # fmt: skip
    assert (counts.total, counts.achieved, counts.not_achieved, counts.no_data) == (4, 2, 1, 1)
    assert counts.at_risk == 1 and counts.on_track == counts.off_track == 0  # 70,6% of 80% two weeks after the end
    evaluation = docx_text(open_docx(services.document_evaluation_docx(nga_dien_2023, nga_dien_officer, 2023,
                                                                       today=date(2024, 1, 15))))  # fmt: skip
    report = docx_text(open_docx(services.document_progress_docx(nga_dien_2023, nga_dien_officer, "2023",
                                                                 today=date(2024, 1, 15))))  # fmt: skip
    assert "Trong 4 chỉ tiêu năm 2023: 2 chỉ tiêu đạt, 1 chỉ tiêu chưa đạt, 1 chỉ tiêu chưa có số liệu." in evaluation
    assert (
        "trong 4 chỉ tiêu năm 2023 của kế hoạch: 2 chỉ tiêu đã đạt, 1 chỉ tiêu chưa đạt (trong đó 0 chỉ tiêu đúng "
        "tiến độ, 1 chỉ tiêu có nguy cơ chậm, 0 chỉ tiêu chậm tiến độ), 1 chỉ tiêu chưa có số liệu."
    ) in report


def test_a_plan_without_tasks_prints_no_empty_task_sections_and_numbers_on(nga_dien, nga_dien_officer, catalog):
    """The demo's Đồng Nai minimums have targets and no task: their evaluation printed "II. TÌNH HÌNH THỰC HIỆN CÁC
    NHIỆM VỤ" and "II. NHIỆM VỤ" with nothing under them. Left out, "Tồn tại, hạn chế" becomes II."""
    plan = plan_services.plan_create_from_template(user=nga_dien_officer, unit=nga_dien, year=2023)
    plan_services.target_save(user=nga_dien_officer, plan=plan, indicator=catalog["fibre"], value=80, horizon_year=2023)
    document = open_docx(services.document_evaluation_docx(plan, nga_dien_officer, 2023, today=date(2024, 1, 15)))
    headings = [p.text for p in document.paragraphs if p.style.name == "D30 Heading 1"]
    assert headings == ["I. TÌNH HÌNH THỰC HIỆN MỤC TIÊU ĐỀ RA NĂM 2023", "II. TỒN TẠI, HẠN CHẾ", "I. MỤC TIÊU"]
    assert "NHIỆM VỤ" not in docx_text(document).split("Phần 1")[1].replace("CHỈ TIÊU, NHIỆM VỤ", "")


def test_the_sections_of_an_evaluation_with_tasks_keep_their_numbers(nga_dien_2023, nga_dien_officer):
    plan_services.plan_create_from_previous(user=nga_dien_officer, previous=nga_dien_2023)
    document = open_docx(services.document_evaluation_docx(nga_dien_2023, nga_dien_officer, 2023))
    headings = [p.text for p in document.paragraphs if p.style.name == "D30 Heading 1"]
    assert headings == ["I. TÌNH HÌNH THỰC HIỆN MỤC TIÊU ĐỀ RA NĂM 2023",
                        "II. TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ NĂM 2023", "III. TỒN TẠI, HẠN CHẾ", "I. MỤC TIÊU",
                        "II. NHIỆM VỤ"]  # fmt: skip
