"""Building an index on screen (xaso/dti/builder.py), with hand-computed totals; the screen and the file loader
refuse the same invalid trees with the same Vietnamese messages; issuing freezes the draft; a copy issued as a new
version never changes what was published under the old one.

The small built index (100 points, at least 60 to complete):
  P1 Hạ tầng số 60 = L1 thresholds on the fibre rate 30 + L2 yes/no on the LAN 30 (mandatory)  → Σ 60, factor 1
  P2 Chính quyền số 40 = M1 manual 25 + M2 fact 25                                              → Σ 50, factor 0,8
  Everything earned: 30 + 30 + (25 + 25) × 0,8 = 100.
"""

import copy
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xaso.conftest import make_user
from xaso.dti import builder
from xaso.dti.loader import index_check, index_load
from xaso.dti.models import Criterion, IndexDraft, RuleKind
from xaso.dti.selectors import ranking, tree_total
from xaso.dti.services import assessment_publish, assessment_submit, score_self_assess
from xaso.dti.tests.test_assessment import an_vien_2025, score, tri_an_2025
from xaso.dti.tests.test_index import small_index_data
from xaso.files.tests.samples import pdf

pytestmark = pytest.mark.django_db

HEAD = {"code": "xa-tu-soan", "title": "Bộ chỉ số tự soạn", "decision_number": "45/QĐ-UBND",
        "decision_date": dt.date(2026, 2, 10), "issuer": "UBND tỉnh Đồng Nai", "total_points": 100,
        "completion_min_points": 60}  # fmt: skip
P1 = {"code": "P1", "name": "Hạ tầng số", "points": 60}
FIBRE = {"kind": "thresholds", "indicator": "households_fibre_rate", "thresholds": [["80", "1"], ["50", "0.5"]]}
L1 = {"code": "L1", "name": "Hộ có cáp quang", "points": 30, "rule": FIBRE}
L2 = {"code": "L2", "name": "Mạng LAN", "points": 30, "mandatory": True,
      "rule": {"kind": "yes_no", "indicator": "lan_completed"}}  # fmt: skip
P2 = {"code": "P2", "name": "Chính quyền số", "points": 40}
M1 = {"code": "M1", "name": "Mô hình điểm", "points": 25, "rule": {"kind": "manual"}}
OPTIONS = [{"code": "chu-tich", "label": "Chủ tịch", "share": "1"}, {"code": "khong", "label": "Không", "share": "0"}]
M2 = {"code": "M2", "name": "Trưởng Ban Chỉ đạo", "points": 25, "rule": {"kind": "fact", "options": OPTIONS}}


def decision_pdf():
    return SimpleUploadedFile("qd-45.pdf", pdf(), content_type="application/pdf")


@pytest.fixture
def draft(catalog, dong_nai, province_analyst):
    return builder.draft_create(user=province_analyst, province=dong_nai, head=HEAD)


def build(draft, user, *nodes):
    for parent, node in nodes:
        builder.draft_node_save(user=user, draft=draft, node=copy.deepcopy(node), parent_code=parent)
    draft.refresh_from_db()
    return draft


def messages_of(call) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


def test_the_builder_totals_the_points_and_shows_the_loaders_verdict(draft, province_analyst):
    build(draft, province_analyst, ("", P1), ("P1", L1), ("P1", L2))
    summary = builder.draft_summary(draft)
    assert (summary.pillars_total, summary.declared, summary.weighted_total) == (60, 100, 60)
    # the very message the file loader gives for the same document
    assert summary.error == "Tổng điểm các nhóm cao nhất là 60, khác tổng điểm công bố 100."
    assert messages_of(lambda: index_check(draft.data)) == [summary.error]
    assert not summary.issuable and summary.warnings == []

    build(draft, province_analyst, ("", P2), ("P2", M1), ("P2", M2))
    summary = builder.draft_summary(draft)
    assert summary.error == "" and summary.issuable
    assert (summary.pillars_total, summary.weighted_total) == (100, 100)  # 30 + 30 + (25 + 25) × 0,8
    p2 = next(r for r in summary.rows if r.node["code"] == "P2")
    assert (p2.children_points, p2.share) == (50, 0.8)
    assert summary.warnings == [
        "Nhóm “P2”: các tiêu chí con cộng lại 50 điểm, khác 40 điểm của nhóm; mỗi điểm của tiêu chí con được tính "
        "0,8 điểm."
    ]
    assert [r.node["code"] for r in summary.rows] == ["P1", "L1", "L2", "P2", "M1", "M2"]


def test_issuing_stores_the_tree_as_the_loader_would_and_freezes_the_draft(draft, province_analyst):
    build(draft, province_analyst, ("", P1), ("P1", L1), ("P1", L2), ("", P2), ("P2", M1), ("P2", M2))
    assert messages_of(lambda: builder.draft_issue(user=province_analyst, draft=draft)) == [
        "Đính kèm tệp quyết định ban hành bộ chỉ số trước khi ban hành."
    ]
    builder.draft_decision_attach(user=province_analyst, draft=draft, upload=decision_pdf())
    index = builder.draft_issue(user=province_analyst, draft=draft)
    by_code = {c.code: c for c in index.criteria.all()}
    assert (index.version, index.decision_number, index.total_points, index.completion_min_points) == (
        1, "45/QĐ-UBND", 100, 60)  # fmt: skip
    assert by_code["M1"].factor == pytest.approx(0.8) and by_code["L1"].factor == 1
    assert by_code["L2"].is_mandatory and not by_code["L1"].is_mandatory
    assert by_code["L1"].params == {"thresholds": [[50.0, 0.5], [80.0, 1.0]], "direction": "higher"}
    assert by_code["M2"].rule_kind == RuleKind.FACT and by_code["L1"].pillar == by_code["P1"]
    assert tree_total(index) == 100
    assert index.decision_file_name == "qd-45.pdf" and index.decision_file.name
    draft.refresh_from_db()
    assert draft.issued == index
    frozen = "Bộ chỉ số đã ban hành: không sửa được nữa. Hãy sao chép thành phiên bản mới."
    assert messages_of(lambda: builder.draft_node_save(user=province_analyst, draft=draft, node=dict(M1))) == [frozen]
    assert messages_of(lambda: builder.draft_node_delete(user=province_analyst, draft=draft, code="M1")) == [frozen]
    assert messages_of(lambda: builder.draft_issue(user=province_analyst, draft=draft)) == [frozen]


def test_editing_moves_and_removes_criteria(draft, province_analyst):
    build(draft, province_analyst, ("", P1), ("P1", L1), ("", P2))
    # L1 moves under P2 with 40 points; P1 is left without children
    builder.draft_node_save(user=province_analyst, draft=draft, node={**L1, "points": 40}, parent_code="P2",
                            original_code="L1")  # fmt: skip
    draft.refresh_from_db()
    assert [c["code"] for c in draft.data["criteria"][1]["children"]] == ["L1"]
    assert draft.data["criteria"][0]["children"] == []
    assert builder.draft_summary(draft).error == "Tiêu chí “P1”: tiêu chí lá phải có cách chấm (rule)."
    assert messages_of(lambda: builder.draft_node_save(user=province_analyst, draft=draft, node=dict(P2),
                                                       parent_code="L1", original_code="P2")) == [
        "Không chuyển được một tiêu chí vào bên dưới chính nó."]  # fmt: skip
    assert messages_of(lambda: builder.draft_node_save(user=province_analyst, draft=draft, node=dict(M1),
                                                       parent_code="L1")) == [
        "Tiêu chí “L1” là tiêu chí lá (có cách chấm): không thêm được tiêu chí con."]  # fmt: skip
    assert builder.draft_node_delete(user=province_analyst, draft=draft, code="P2") == 2
    draft.refresh_from_db()
    assert [c["code"] for c in draft.data["criteria"]] == ["P1"]


# each: a leaf put under pillar A of the file's small index, or the same leaf added on screen under A
INVALID = [
    ({"code": "X1", "name": "Ngưỡng sai", "points": 5,
      "rule": {"kind": "thresholds", "indicator": "households_fibre_rate", "thresholds": [["50", "2"]]}},
     "Tiêu chí “X1”: tỷ lệ điểm của ngưỡng phải từ 0 đến 1."),
    ({"code": "X1", "name": "Tuyến tính sai", "points": 5,
      "rule": {"kind": "linear", "indicator": "adults_smartphone_rate", "min": "50", "max": "50"}},
     "Tiêu chí “X1”: giá trị tối thiểu và tối đa phải khác nhau."),
    ({"code": "X1", "name": "Chỉ số lạ", "points": 5, "rule": {"kind": "yes_no", "indicator": "khong_co"}},
     "Tiêu chí “X1”: chỉ số “khong_co” không có trong danh mục."),
    ({"code": "A1", "name": "Trùng mã", "points": 5, "rule": {"kind": "manual"}}, "Tiêu chí “A1”: mã bị trùng."),
    ({"code": "X1", "name": "Điểm âm", "points": -5, "rule": {"kind": "manual"}},
     "Tiêu chí “X1”: điểm phải từ 0 đến 100000."),
    ({"code": "X1", "name": "Một phương án", "points": 5,
      "rule": {"kind": "fact", "options": [{"code": "co", "label": "Có", "share": "1"}]}},
     "Tiêu chí “X1”: cần 2–10 phương án (code, label, share)."),
    ({"code": "X1", "name": "Nhóm bắt buộc", "points": 5, "mandatory": True,
      "children": [{"code": "X2", "name": "Con", "points": 5, "rule": {"kind": "manual"}}]},
     "Tiêu chí “X1”: chỉ tiêu chí lá mới được đánh dấu bắt buộc."),
]  # fmt: skip


@pytest.mark.parametrize(("node", "message"), INVALID, ids=[m for _n, m in INVALID])
def test_the_screen_and_the_file_refuse_the_same_tree_with_the_same_message(
    catalog, dong_nai, province_analyst, node, message
):
    data = small_index_data()
    data["criteria"][0]["children"].append(copy.deepcopy(node))
    assert messages_of(lambda: index_load(user=province_analyst, data=data, province=dong_nai)) == [message]

    original = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    draft = builder.draft_copy(user=province_analyst, province=dong_nai, index=original)
    on_screen = {k: v for k, v in node.items() if k != "children"}
    before = copy.deepcopy(draft.data)
    call = lambda: builder.draft_node_save(user=province_analyst, draft=draft, node=on_screen, parent_code="A")  # noqa: E731
    assert messages_of(call) == [message]
    draft.refresh_from_db()
    assert draft.data == before  # nothing changed


def test_a_copy_issued_as_a_new_version_never_changes_what_was_published(
    catalog, dong_nai, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst
):
    v1 = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    av, ta = an_vien_2025(v1, an_vien, an_vien_officer), tri_an_2025(v1, tri_an, tri_an_officer)
    for a, officer in ((av, an_vien_officer), (ta, tri_an_officer)):
        assessment_submit(user=officer, assessment=a)
        assessment_publish(user=province_analyst, assessment=a)
    before = [(r.commune_name, r.total, r.rank) for r in ranking(user=province_analyst, index=v1, year=2025,
                                                                 province=dong_nai)]  # fmt: skip
    assert before == [("Xã Trị An", 74, 1), ("Xã An Viễn", 66.2, 2)]  # hand-computed in test_assessment

    draft = builder.draft_copy(user=province_analyst, index=v1, province=dong_nai)
    assert index_check(draft.data).total == 100  # the copy is the whole tree, valid as it stands
    # B becomes 40 = B1 40 alone (B2 removed); A1's thresholds are raised
    builder.draft_node_delete(user=province_analyst, draft=draft, code="B2")
    b1 = {"code": "B1", "name": "Mô hình điểm", "points": 40, "rule": {"kind": "manual"}}
    builder.draft_node_save(user=province_analyst, draft=draft, node=b1, parent_code="B", original_code="B1")
    raised = {"kind": "thresholds", "indicator": "households_fibre_rate", "thresholds": [["95", "1"]]}
    a1 = {"code": "A1", "name": "Hộ có cáp quang", "points": 20, "rule": raised}
    builder.draft_node_save(user=province_analyst, draft=draft, node=a1, parent_code="A", original_code="A1")
    builder.draft_decision_attach(user=province_analyst, draft=draft, upload=decision_pdf())
    v2 = builder.draft_issue(user=province_analyst, draft=draft)

    assert (v2.code, v2.version, v1.version) == ("xa-thu", 2, 1)
    assert Criterion.objects.filter(index=v2, code="B1").get().factor == 1.0
    assert Criterion.objects.filter(index=v1, code="B1").get().factor == pytest.approx(0.8)
    after = [(r.commune_name, r.total, r.rank) for r in ranking(user=province_analyst, index=v1, year=2025,
                                                                province=dong_nai)]  # fmt: skip
    assert after == before
    assert score(av, "A1").points == 10 and score(av, "A1").criterion.index == v1


def test_only_the_provinces_analyst_builds_and_other_provinces_see_nothing(
    client, draft, dong_nai, an_vien_officer, province_analyst, thanh_hoa
):
    with pytest.raises(PermissionDenied):
        builder.draft_create(user=an_vien_officer, province=dong_nai, head=HEAD)
    other = make_user("thanh_hoa_analyst", "analyst", thanh_hoa)
    with pytest.raises(PermissionDenied):
        builder.draft_node_save(user=other, draft=draft, node=dict(P1))
    client.force_login(other)
    assert client.get(reverse("dti:draft", args=[draft.pk])).status_code == 404
    assert client.post(reverse("dti:draft_issue", args=[draft.pk])).status_code == 404
    client.force_login(an_vien_officer)
    assert client.get(reverse("dti:draft", args=[draft.pk])).status_code == 403
    assert client.get(reverse("files:download", args=["dti-draft-decision", draft.pk])).status_code in (403, 404)


def test_a_decision_file_that_is_not_a_pdf_or_word_file_is_refused(draft, province_analyst):
    page = SimpleUploadedFile("qd.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(ValidationError):
        builder.draft_decision_attach(user=province_analyst, draft=draft, upload=page)
    draft.refresh_from_db()
    assert not draft.decision_file


def test_the_builder_through_its_screens(client, draft, province_analyst):
    client.force_login(province_analyst)
    url = reverse("dti:draft_node", args=[draft.pk])
    client.post(url, {"n-code": "P1", "n-name": "Hạ tầng số", "n-points": "100", "n-kind": "group"})
    response = client.post(url, {"n-parent": "P1", "n-code": "L1", "n-name": "Hộ có cáp quang", "n-points": "100",
                                 "n-kind": "thresholds", "n-indicator": "households_fibre_rate",
                                 "n-thresholds": "50:0,5; 80:1", "n-direction": "higher"})  # fmt: skip
    assert response.status_code == 302
    bad = client.post(url, {"n-parent": "P1", "n-code": "L2", "n-name": "Tuyến tính", "n-points": "10",
                            "n-kind": "linear", "n-indicator": "adults_smartphone_rate", "n-minimum": "5",
                            "n-maximum": "5"})  # fmt: skip
    assert bad.status_code == 400
    assert "Tiêu chí “L2”: giá trị tối thiểu và tối đa phải khác nhau." in bad.content.decode()
    page = client.get(reverse("dti:draft", args=[draft.pk]) + "?edit=L1").content.decode()
    assert 'value="50:0,5; 80:1"' in page and "Bộ chỉ số hợp lệ" in page
    draft.refresh_from_db()
    assert draft.data["criteria"][0]["children"][0]["rule"]["thresholds"] == [["50", "0.5"], ["80", "1"]]
    assert IndexDraft.objects.count() == 1


def test_a_draft_version_cannot_be_assessed_until_issued(draft, province_analyst, an_vien_officer):
    # a draft is not an IndexVersion: the commune's start form lists only issued versions
    from xaso.dti.selectors import indexes_for_user

    assert list(indexes_for_user(an_vien_officer)) == []
    build(draft, province_analyst, ("", {**P1, "points": 100}), ("P1", {**M1, "points": 100}))
    builder.draft_decision_attach(user=province_analyst, draft=draft, upload=decision_pdf())
    index = builder.draft_issue(user=province_analyst, draft=draft)
    assert list(indexes_for_user(an_vien_officer)) == [index]


def test_the_decision_file_can_be_attached_to_an_index_loaded_from_a_file(catalog, dong_nai, province_analyst):
    index = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    builder.index_decision_attach(user=province_analyst, index=index, upload=decision_pdf())
    index.refresh_from_db()
    assert index.decision_file_name == "qd-45.pdf"


def test_self_assessment_still_uses_the_version_it_started_under(
    catalog, dong_nai, an_vien, an_vien_officer, province_analyst
):
    v1 = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    a = an_vien_2025(v1, an_vien, an_vien_officer)
    draft = builder.draft_copy(user=province_analyst, index=v1, province=dong_nai)
    builder.draft_decision_attach(user=province_analyst, draft=draft, upload=decision_pdf())
    builder.draft_issue(user=province_analyst, draft=draft)
    score_self_assess(user=an_vien_officer, score=score(a, "B1"), points=30, explanation="Ba mô hình",
                      evidence=decision_pdf())  # fmt: skip
    assert score(a, "B1").criterion.index == v1


def test_the_builder_page_queries_do_not_grow_with_the_tree(client, draft, province_analyst):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(province_analyst)
    url = reverse("dti:draft", args=[draft.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    build(draft, province_analyst, ("", P1), ("P1", L1))
    small = count()
    build(draft, province_analyst, ("P1", L2), ("", P2), ("P2", M1), ("P2", M2))
    assert count() == small <= 12


def test_a_province_user_who_is_not_an_analyst_cannot_build(dong_nai, draft):
    officer = make_user("dong_nai_officer", "officer", dong_nai)
    with pytest.raises(PermissionDenied):
        builder.draft_create(user=officer, province=dong_nai, head=HEAD)
    with pytest.raises(PermissionDenied):
        builder.draft_head_save(user=officer, draft=draft, head=HEAD)


def test_the_decision_file_is_attached_to_a_loaded_index_through_its_page(
    client, catalog, dong_nai, province_analyst, an_vien_officer
):
    index = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    url = reverse("dti:index_decision", args=[index.pk])
    client.force_login(an_vien_officer)
    assert client.post(url, {"f-decision_file": decision_pdf()}).status_code == 403
    client.force_login(province_analyst)
    assert 'data-testid="copy"' in client.get(reverse("dti:index", args=[index.pk])).content.decode()
    client.post(url, {"f-decision_file": decision_pdf()})
    index.refresh_from_db()
    assert index.decision_file_name == "qd-45.pdf"
    page = client.get(reverse("dti:index", args=[index.pk])).content.decode()
    assert f'href="/files/dti-decision/{index.pk}/"' in page and "qd-45.pdf" in page


def test_the_province_s_communes_open_its_decision_file_and_no_one_else_does(
    client, catalog, dong_nai, thanh_hoa, province_analyst, an_vien_officer, nga_an_officer
):
    """The commune applies the decision that issues the index: the link on the index page opens for it; another
    province's commune gets the same 404 as for a missing file."""
    index = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    client.force_login(province_analyst)
    client.post(reverse("dti:index_decision", args=[index.pk]), {"f-decision_file": decision_pdf()})
    url = reverse("files:download", args=["dti-decision", index.pk])
    client.force_login(an_vien_officer)
    assert f'href="{url}"' in client.get(reverse("dti:index", args=[index.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(nga_an_officer)
    assert client.get(url).status_code == 404
