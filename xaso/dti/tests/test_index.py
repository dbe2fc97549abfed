"""Loading an index: the tree, its versions, its checks; the national example sums to 1,000 points."""

from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from xaso.accounts.models import Role, User
from xaso.dti.loader import EXAMPLE_PATH, index_load, parse_text, rows_to_tree, sheet_rows
from xaso.dti.models import Criterion, RuleKind
from xaso.dti.selectors import tree_total

pytestmark = pytest.mark.django_db

ADMIN = User(role=Role.ADMIN, is_superuser=True)


def small_index_data(**head):
    """100 points: A (60) = thresholds 20 + linear 20 + yes/no 10 + fact 10 (mandatory);
    B (40) = two hand-assessed leaves of 30 and 20 points, so each earns 40/50 = 0.8 of its points in the total."""
    return {
        "index": {"code": "xa-thu", "title": "Bộ chỉ số thử", "total_points": 100,
                  "decision": {"number": "12/QĐ-UBND", "date": "2025-03-01", "issuer": "UBND tỉnh Đồng Nai"},
                  "completion": {"min_points": 60}, **head},
        "criteria": [
            {"code": "A", "name": "Chính quyền số", "points": 60, "children": [
                {"code": "A1", "name": "Hộ có cáp quang", "points": 20,
                 "rule": {"kind": "thresholds", "indicator": "households_fibre_rate",
                          "thresholds": [[80, 1], [50, 0.5]]}},
                {"code": "A2", "name": "Người trưởng thành có điện thoại thông minh", "points": 20,
                 "rule": {"kind": "linear", "indicator": "adults_smartphone_rate", "min": 50, "max": 90}},
                {"code": "A3", "name": "Mạng LAN", "points": 10,
                 "rule": {"kind": "yes_no", "indicator": "lan_completed"}},
                {"code": "A4", "name": "Trưởng Ban Chỉ đạo", "points": 10, "mandatory": True,
                 "rule": {"kind": "fact", "options": [
                     {"code": "chairman", "label": "Chủ tịch", "share": 1},
                     {"code": "deputy", "label": "Phó Chủ tịch", "share": 0.5},
                     {"code": "none", "label": "Không có", "share": 0}]}},
            ]},
            {"code": "B", "name": "Xã hội số", "points": 40, "children": [
                {"code": "B1", "name": "Mô hình điểm", "points": 30, "rule": {"kind": "manual"}},
                {"code": "B2", "name": "Tổ công nghệ số", "points": 20, "rule": {"kind": "manual"}},
            ]},
        ],
    }  # fmt: skip


def test_the_tree_is_stored_with_pillars_and_the_proportions_of_each_group(catalog, dong_nai, province_analyst):
    index = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    by_code = {c.code: c for c in index.criteria.all()}
    assert by_code["A1"].parent == by_code["A"] and by_code["A1"].pillar == by_code["A"]
    assert by_code["A"].pillar == by_code["A"]
    assert by_code["A1"].factor == 1.0
    assert by_code["B1"].factor == pytest.approx(0.8)  # 40 points shared by leaves worth 50
    assert by_code["A1"].params["thresholds"] == [[50.0, 0.5], [80.0, 1.0]]
    assert by_code["A4"].is_mandatory and by_code["A4"].rule_kind == RuleKind.FACT
    assert tree_total(index) == 100
    assert (index.version, index.decision_number, index.decision_date) == (1, "12/QĐ-UBND", date(2025, 3, 1))


def test_loading_again_makes_a_new_version_and_keeps_the_old_one(catalog, dong_nai, province_analyst):
    first = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    second = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    assert (first.version, second.version) == (1, 2)
    assert Criterion.objects.filter(index=first).count() == 8


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["criteria"][0]["children"][0]["rule"].update(indicator="khong_co"), "không có trong danh mục"),
        (lambda d: d["criteria"][0].update(points=70), "khác tổng điểm công bố"),
        (lambda d: d["criteria"][1]["children"][1].update(code="B1"), "mã bị trùng"),
        (lambda d: d["criteria"][0]["children"][1]["rule"].update(max=50), "phải khác nhau"),
        (lambda d: d["criteria"][0]["children"][0]["rule"].update(thresholds=[[50, 2]]), "từ 0 đến 1"),
        (lambda d: d["criteria"][1]["children"][0].pop("rule"), "phải có cách chấm"),
        (lambda d: d["criteria"][1]["children"][0].update(points=-1), "điểm phải từ 0"),
        (lambda d: d["index"]["decision"].update(date="01/03/2025"), "YYYY-MM-DD"),
    ],
)
def test_a_bad_index_is_refused_naming_what_is_wrong_and_nothing_is_stored(
    catalog, dong_nai, province_analyst, change, message
):
    data = small_index_data()
    change(data)
    with pytest.raises(ValidationError, match=message):
        index_load(user=province_analyst, data=data, province=dong_nai)
    assert not Criterion.objects.exists()


def test_only_the_province_analyst_loads_the_province_index(catalog, dong_nai, an_vien_officer):
    with pytest.raises(ValidationError, match="chuyên viên của tỉnh"):
        index_load(user=an_vien_officer, data=small_index_data(), province=dong_nai)


def test_the_national_example_has_the_foundation_group_three_pillars_nine_main_indices_and_1000_points(db):
    from xaso.indicators.catalog import catalog_load

    catalog_load()
    index = index_load(user=ADMIN, data=parse_text(EXAMPLE_PATH.read_text()), province=None)
    roots = list(index.criteria.filter(parent=None).order_by("sort_order"))
    assert [(r.name, r.points) for r in roots] == [
        ("Nhóm chỉ số nền tảng chung", 500), ("Trụ cột chính quyền số", 200),
        ("Trụ cột kinh tế số", 150), ("Trụ cột xã hội số", 150),
    ]  # fmt: skip
    main = list(index.criteria.filter(depth=1).order_by("sort_order").values_list("points", flat=True))
    assert main == [100, 100, 100, 100, 100, 0, 200, 150, 150]
    assert sum(r.points for r in roots) == 1000 == tree_total(index)
    assert index.is_example and index.decision_number == "922/QĐ-BTTTT"
    automatic = index.criteria.filter(rule_kind__in=["linear", "thresholds", "yes_no"], indicator__isnull=False)
    assert automatic.count() == 19


def test_the_spreadsheet_annex_loads_through_a_column_mapping(catalog, dong_nai, province_analyst):
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã", "Thuộc", "Tên tiêu chí", "Điểm", "Cách chấm", "Chỉ số", "Ngưỡng"])
    sheet.append(["A", None, "Chính quyền số", 30, None, None, None])
    sheet.append(["A1", "A", "Hộ có cáp quang", 20, "thresholds", "households_fibre_rate", "50:0,5; 80:1"])
    sheet.append(["A2", "A", "Mô hình điểm", 10, "manual", None, None])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    mapping = {"code": "Mã", "parent": "Thuộc", "name": "Tên tiêu chí", "points": "Điểm", "kind": "Cách chấm",
               "indicator": "Chỉ số", "thresholds": "Ngưỡng"}  # fmt: skip
    head = small_index_data()["index"] | {"total_points": 30, "completion": {}}
    index = index_load(user=province_analyst, data=rows_to_tree(sheet_rows(buffer, mapping=mapping), head=head),
                       province=dong_nai)  # fmt: skip
    a1 = index.criteria.get(code="A1")
    assert a1.parent.code == "A" and a1.params["thresholds"] == [[50.0, 0.5], [80.0, 1.0]]
    assert tree_total(index) == 30


def test_an_annex_without_a_mapped_column_is_refused(catalog):
    book = Workbook()
    book.active.append(["Mã", "Tên"])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with pytest.raises(ValidationError, match="không có cột “Điểm”"):
        sheet_rows(buffer, mapping={"code": "Mã", "points": "Điểm"})


@pytest.mark.parametrize(
    ("path", "bad", "message"),
    [
        (("index", "decision"), "12/QĐ-UBND", "Phần “decision” cần số quyết định"),
        (("index", "completion"), 60, "Phần “completion” chỉ có “min_points”"),
        (("criteria", 0, "children", 3, "rule", "options"), ["chairman", "deputy"], "mỗi phương án có mã"),
        (("criteria", 0, "children", 0, "rule", "kind"), ["thresholds"], "A1”: cách chấm .* không có"),
        (("criteria", 0, "children", 0, "rule", "indicator"), ["households_fibre_rate"], "không có trong danh mục"),
        (("criteria", 0, "children"), {"A1": 20}, "“children” phải là danh sách"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused_with_a_message_not_a_crash(
    catalog, dong_nai, province_analyst, path, bad, message
):
    data = small_index_data()
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = bad
    with pytest.raises(ValidationError, match=message):
        index_load(user=province_analyst, data=data, province=dong_nai)
    assert not Criterion.objects.exists()
