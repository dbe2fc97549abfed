"""A commune's public page (issue 10): a Vietnamese "nothing published yet" page before publishing, a preview of
exactly what citizens will see before confirming, one row per target with its horizons side by side, no personal
data, and the English version behind the language switch."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import pytest
from django.urls import reverse

from xaso.coc import services
from xaso.coc.models import Publication
from xaso.indicators.services import ValueInput, values_write
from xaso.plans import services as plan_services
from xaso.plans.models import Plan, PlanStatus

pytestmark = pytest.mark.django_db

PERSONAL = {
    # the officer who writes the figures and publishes the page, and the people named in the plan
    "full_name": "Nguyễn Văn An",
    "email": "an.nguyen@anvien.gov.vn",
    "task_person": "Phạm Thị Hoa",
    "task_phone": "0912 345 678",
    "task_email": "hoa.pham@example.vn",
    "signer": "Lê Văn Ký",
    "approver": "Trần Văn Duyệt",
}


def public_url(code: str) -> str:
    return reverse("coc:public", args=[code])


def body(html: str) -> str:
    """The public page's content block, headings levelled, so the page and its preview can be compared."""
    found = re.search(r'<div class="coc-public" data-testid="public-body">(.*?)\n</div>', html, re.S)
    assert found, "no public body in the page"
    return re.sub(r"<(/?)h\d", r"<\1h", re.sub(r"\s+", " ", found.group(1))).strip()


@pytest.fixture
def an_vien_plan(an_vien, an_vien_officer, catalog):
    """An Viễn: 6.000 / 8.000 households on fibre in 2025 (75,0%), 180 / 200 dossiers online in 2026 (90,0%);
    a plan in execution for 2026–2030 with the fibre target at two horizons (≥ 80% by 2026, ≥ 95% by 2030) and
    the online one by 2026; a task naming a person with a phone and an email; the plan's signer and approver."""
    an_vien_officer.email = PERSONAL["email"]
    an_vien_officer.save(update_fields=["email"])
    values_write(
        user=an_vien_officer,
        rows=[
            ValueInput("households_total", "26296", "2025", 8000),
            ValueInput("households_fibre", "26296", "2025", 6000),
            ValueInput("dossiers_received", "26296", "2026-03", 200),
            ValueInput("dossiers_online", "26296", "2026-03", 180),
        ],
    )
    plan = plan_services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    plan.year_to, plan.signer_name = 2030, PERSONAL["signer"]
    plan.save(update_fields=["year_to", "signer_name"])
    fibre_2026 = plan_services.target_save(
        user=an_vien_officer, plan=plan, indicator=catalog["fibre"], value=80, horizon_year=2026
    )
    plan_services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["fibre"], value=95, horizon_year=2030)
    plan_services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85, horizon_year=2026)
    plan_services.task_save(
        user=an_vien_officer, plan=plan, area="infrastructure", title="Phủ cáp quang các thôn",
        person=f"{PERSONAL['task_person']}, {PERSONAL['task_phone']}, {PERSONAL['task_email']}",
        lead_unit="Văn phòng HĐND&UBND xã", timeframe_kind="date", due_date=date(2026, 9, 30),
        approver=PERSONAL["approver"], targets=[fibre_2026],
    )  # fmt: skip
    plan.status = PlanStatus.IN_EXECUTION
    plan.save(update_fields=["status"])
    return plan


# --- before publishing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_an_unpublished_commune_says_so_in_vietnamese_never_a_debug_page(client, settings, an_vien, debug):
    settings.DEBUG = debug
    response = client.get(public_url("26296"))
    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "coc/public_unpublished.html"
    page = response.content.decode()
    assert '<html lang="vi"' in page
    assert "Xã An Viễn" in page and "Xã, phường này chưa công khai số liệu chuyển đổi số." in page
    for debug_text in ("Page not found", "Using the URLconf", "DEBUG = True", "Traceback", "Http404"):
        assert debug_text not in page


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("code", ["99999", "75", '"><img src=x onerror=alert(1)>', "x" * 500])
def test_an_unknown_code_or_a_province_gets_the_same_vietnamese_page(client, settings, dong_nai, code, debug):
    settings.DEBUG = debug
    response = client.get("/public/" + quote(code, safe="") + "/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" not in page and "Using the URLconf" not in page
    message = re.search(r'<section class="card narrow coc-public-none"[^>]*>(.*?)</section>', page, re.S).group(1)
    assert "Không tìm thấy xã, phường" in message
    assert "<img" not in page
    assert "x" * 41 not in message  # at most 40 characters of the code are repeated


def test_a_commune_that_unpublishes_is_back_to_nothing_published(client, an_vien, an_vien_officer, catalog):
    services.publication_save(
        user=an_vien_officer, unit=an_vien, is_published=True, indicators=[catalog["fibre"]], show_targets=False
    )
    assert client.get(public_url("26296")).status_code == 200
    services.publication_save(
        user=an_vien_officer, unit=an_vien, is_published=False, indicators=[catalog["fibre"]], show_targets=False
    )
    response = client.get(public_url("26296"))
    assert response.status_code == 404 and "chưa công khai" in response.content.decode()


# --- the published page ---------------------------------------------------------------------------------------------


def test_each_target_is_one_row_with_its_horizons_side_by_side(client, an_vien, an_vien_officer, catalog, an_vien_plan):
    services.publication_save(user=an_vien_officer, unit=an_vien, is_published=True, indicators=[], show_targets=True)
    page = client.get(public_url("26296")).content.decode()
    table = re.search(r'<table class="usa-table coc-public-targets">(.*?)</table>', page, re.S).group(1)
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)
    assert headers == ["Chỉ tiêu", "Hiện nay", "Đến 2026", "Đến 2030"]
    rows = re.findall(r'<tr data-indicator="([^"]+)">(.*?)</tr>', table, re.S)
    assert [code for code, _row in rows] == ["dossiers_online_rate", "households_fibre_rate"]  # one row each
    fibre = re.sub(r"\s+", " ", rows[1][1])
    cells = re.findall(r"<td[^>]*>(.*?)</td>", fibre)
    # now: 6.000 / 8.000 = 75,0% (2025); ≥ 80% by 2026 and ≥ 95% by 2030, side by side
    assert cells[0] == '<strong>75,0%</strong> <span class="muted small">(2025)</span>'
    assert cells[1].startswith('<span class="coc-goal-value">≥ 80,0%</span> <span class="xaso-tag')
    assert cells[2].startswith('<span class="coc-goal-value">≥ 95,0%</span> <span class="xaso-tag')
    online = re.sub(r"\s+", " ", rows[0][1])
    online_cells = re.findall(r"<td[^>]*>(.*?)</td>", online)
    assert online_cells[0] == '<strong>90,0%</strong> <span class="muted small">(2026)</span>'  # 180 / 200
    assert "Đã đạt" in online_cells[1]  # 90% ≥ 85%
    assert online_cells[2] == '<span class="muted">—</span>'  # no 2030 target for this indicator
    assert 'data-label="Đến 2030"' in online  # the phone's stacked card names each horizon


def test_the_public_page_holds_no_personal_data(client, an_vien, an_vien_officer, catalog, an_vien_plan):
    services.publication_save(
        user=an_vien_officer, unit=an_vien, is_published=True, indicators=[catalog["fibre"], catalog["online"]],
        show_targets=True,
    )  # fmt: skip
    page = client.get(public_url("26296")).content.decode()
    assert "75,0%" in page and "90,0%" in page  # the published aggregates are there
    for kind, value in PERSONAL.items():
        assert value not in page, f"{kind} on the public page"
    assert an_vien_officer.username not in page
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", page), "an email address on the public page"
    assert not re.search(r"\b0\d{2,3}[ .]?\d{3}[ .]?\d{3,4}\b", page), "a phone number on the public page"


def test_the_public_page_reads_in_english_after_the_switch(client, an_vien, an_vien_officer, catalog, an_vien_plan):
    services.publication_save(
        user=an_vien_officer, unit=an_vien, is_published=True, indicators=[catalog["fibre"]], show_targets=True
    )
    page = client.get(public_url("26296")).content.decode()
    assert 'name="language" value="en"' in page  # the switch is on the page itself (no menu for citizens on a phone)
    client.post(reverse("set_language"), {"language": "en", "next": public_url("26296")})
    page = client.get(public_url("26296")).content.decode()
    assert '<html lang="en"' in page
    assert "Published digital transformation figures · 2026" in page
    assert "By 2030" in page and "Plan targets" in page
    assert catalog["fibre"].name_en in page  # the catalog's English name of the indicator
    assert 'name="language" value="vi"' in page
    unknown = client.get(public_url("99999"))
    assert unknown.status_code == 404 and "No commune or ward found" in unknown.content.decode()


def test_the_public_page_queries_do_not_grow_with_targets_or_indicators(
    client, django_assert_max_num_queries, an_vien, an_vien_officer, catalog, an_vien_plan
):
    services.publication_save(
        user=an_vien_officer, unit=an_vien, is_published=True, indicators=[catalog["fibre"]], show_targets=True
    )
    with django_assert_max_num_queries(20) as small:
        client.get(public_url("26296"))
    Plan.objects.filter(pk=an_vien_plan.pk).update(status=PlanStatus.DRAFT)  # to add targets, then back
    for indicator, horizon in [(catalog["smartphone"], 2027), (catalog["cameras"], 2028), (catalog["online"], 2030)]:
        plan_services.target_save(
            user=an_vien_officer, plan=an_vien_plan, indicator=indicator, value=50, horizon_year=horizon
        )
    Plan.objects.filter(pk=an_vien_plan.pk).update(status=PlanStatus.IN_EXECUTION)
    services.publication_save(
        user=an_vien_officer, unit=an_vien, is_published=True, show_targets=True,
        indicators=[catalog[k] for k in ("fibre", "online", "smartphone", "cameras")],
    )  # fmt: skip
    with django_assert_max_num_queries(20) as large:
        page = client.get(public_url("26296")).content.decode()
    assert len(large) == len(small)
    assert "Đến 2027" in page and "Đến 2028" in page


# --- publishing: preview, then confirm -----------------------------------------------------------------------------


def test_publishing_previews_exactly_the_public_page_before_saving(
    client, an_vien, an_vien_officer, catalog, an_vien_plan
):
    client.force_login(an_vien_officer)
    url = reverse("coc:publication", args=["26296"])
    choices = {"is_published": "on", "show_targets": "on", "indicators": [catalog["fibre"].pk, catalog["online"].pk]}
    preview = client.post(url, {**choices, "action": "preview"})
    assert preview.status_code == 200
    assert not Publication.objects.filter(unit=an_vien).exists()  # a preview saves nothing
    html = preview.content.decode()
    assert "Xem trước: đúng trang người dân sẽ thấy" in html
    assert 'name="action" value="confirm"' in html and "Xác nhận và công khai" in html
    for kind, value in PERSONAL.items():  # the preview is the public page: no personal data either
        assert value not in body(html), kind

    # the confirm form carries the previewed choices, not whatever is ticked afterwards
    hidden = re.search(r'<form method="post" class="coc-preview__confirm">(.*?)</form>', html, re.S).group(1)
    confirmed = dict(re.findall(r'<input type="hidden" name="(is_published|show_targets)" value="(on)">', hidden))
    indicator_ids = sorted(int(v) for v in re.findall(r'name="indicators" value="(\d+)"', hidden))
    assert confirmed == {"is_published": "on", "show_targets": "on"}
    assert indicator_ids == sorted([catalog["fibre"].pk, catalog["online"].pk])
    saved = client.post(url, {**choices, "action": "confirm"})
    assert saved.status_code == 302
    publication = Publication.objects.get(unit=an_vien)
    assert publication.is_published and publication.show_targets
    assert set(publication.indicators.all()) == {catalog["fibre"], catalog["online"]}

    client.logout()
    public = client.get(public_url("26296")).content.decode()
    assert body(public) == body(html)  # the very same markup: what the officer saw is what citizens see


def test_previewing_an_unpublished_page_shows_the_nothing_published_page(client, an_vien, an_vien_officer, catalog):
    client.force_login(an_vien_officer)
    url = reverse("coc:publication", args=["26296"])
    html = client.post(url, {"show_targets": "on", "indicators": [catalog["fibre"].pk], "action": "preview"})
    html = html.content.decode()
    assert "Xã, phường này chưa công khai số liệu chuyển đổi số." in html
    assert "Xác nhận: không công khai" in html
    assert 'name="is_published"' not in html.split('class="coc-preview__confirm"')[1]


def test_a_bad_choice_is_refused_and_nothing_is_saved(client, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.post(
        reverse("coc:publication", args=["26296"]),
        {"is_published": "on", "indicators": ["999999"], "action": "confirm"},
    )
    assert response.status_code == 200
    assert "usa-error-message" in response.content.decode()
    assert not Publication.objects.filter(unit=an_vien).exists()
