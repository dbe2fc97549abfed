"""A commune's plans at a glance (`commune_plan_summary`): targets per pillar and status, late and due tasks, data
gaps; counted on the demo data (seed 004's An Viễn 2026 plan, seed 003's Nga Điền 2024 plan) by hand."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from xaso.accounts.models import User
from xaso.coc.selectors import STATUS_ORDER, commune_plan_summary, counted_status
from xaso.core.testing import wipe_committed_data
from xaso.geo.models import AdminUnit
from xaso.indicators.selectors import source_short_name
from xaso.plans.models import Target
from xaso.plans.selectors import target_progress
from xaso.plans.status import NO_DATA, UNKNOWN

from .conftest import with_areas

pytestmark = pytest.mark.django_db

#: the day the demo counts below are computed for: 336 of the 364 days from 1 January to 31 December 2026 elapsed
TODAY = date(2026, 12, 3)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for command in ("load_units", "load_catalog", "load_demo"):
            call_command(command, stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield User.objects.get(username="anvien"), User.objects.get(username="ngadien")
        wipe_committed_data()


def counts(summary) -> dict[str, tuple[int, ...]]:
    return {p.area: tuple(p.counts[s] for s in STATUS_ORDER) for p in summary.pillars}


def test_an_vien_2026_targets_per_pillar_and_status(demo):
    """Seed 004's 53 targets (horizons 2026, 2030, 2045) judged on the demo's 2025 sample figures, without baselines
    (start 0 on 1 January 2026): elapsed = 336 / 364 = 0,923 for a 2026 target, 0,184 for 2030, 0,046 for 2045.

    - Tỷ lệ hồ sơ trực tuyến ≥ 85% (2026): 77,2% → progress 0,908 ≥ 0,923 − 0,15: at risk; the same figure is on
      track for ≥ 95% by 2030 (0,812 ≥ 0,184) and ≥ 100% by 2045.
    - Tỷ lệ văn bản đi điện tử ≥ 100% (2026): 99,5% → 0,995 ≥ 0,923: on track.
    - Tỷ lệ người trưởng thành có chữ ký số ≥ 10% (2026): 6,99% → 0,699 < 0,773: off track.
    - Tỷ lệ tiếp cận dịch vụ số (2030, 2045), chi ngân sách KH-CN (2030), phủ sóng 6G (2045), sử dụng dịch vụ số
      thường xuyên (2045): no figure in the demo → no data.
    Columns: achieved, on track, at risk, off track, no data.
    """
    officer, _ = demo
    an_vien = AdminUnit.objects.get(code="26296")
    summary = commune_plan_summary(user=officer, unit=an_vien, today=TODAY)
    assert counts(summary) == {
        "government": (0, 14, 6, 0, 0),
        "economy": (0, 2, 1, 0, 0),
        "society": (0, 5, 1, 1, 3),
        "institutions": (0, 0, 0, 0, 1),
        "infrastructure": (0, 2, 1, 1, 1),
        "human_resources": (0, 3, 0, 1, 0),
        "platforms": (0, 4, 1, 0, 0),
        "data": (0, 4, 0, 1, 0),
    }
    assert summary.totals == {"achieved": 0, "on_track": 34, "at_risk": 10, "off_track": 4, "no_data": 5}
    assert summary.target_count == 53
    assert [p.label for p in summary.pillars][:3] == ["Chính quyền số", "Kinh tế số", "Xã hội số"]
    # the five targets without a figure name four indicators, each once, with their horizons
    gaps = {g.indicator.code: g.horizons for g in summary.gaps}
    assert gaps == {
        "adults_digital_services_access_rate": [2030, 2045],
        "adults_digital_services_regular_rate": [2045],
        "st_budget_execution_rate": [2030],
        "population_6g_coverage_rate": [2045],
    }
    # under its pillar, what needs attention first: off track, at risk, no data, then on track
    society = next(p for p in summary.pillars if p.area == "society")
    assert [p.status.code for p in society.progress] == ["off_track", "at_risk"] + ["no_data"] * 3 + ["on_track"] * 5
    # the chart draws the same counts as the table, one dataset per status in the documents' colours
    chart = summary.chart()
    assert chart["labels"][:3] == ["Chính quyền số", "Kinh tế số", "Xã hội số"]
    assert [d["status"] for d in chart["datasets"]] == list(STATUS_ORDER)
    assert chart["datasets"][2]["data"] == [6, 1, 1, 0, 1, 0, 1, 0]  # at risk, per pillar
    assert chart["datasets"][2]["color"] == "#e0a000"
    # recurring tasks due by 31 December 2026 (monthly, quarterly, yearly), none with a passed date
    assert summary.late == [] and len(summary.due) == 14
    assert {t.next_due for t in summary.due} == {date(2026, 12, 31)}


def test_an_vien_in_june_is_mostly_on_track(demo):
    """Half-way through 2026 (elapsed 180 / 364 = 0,495): the 2026 targets at 65–99% of the way are on track (5G
    coverage ≥ 60% at 45,0%: progress 0,750 ≥ 0,495; digital signatures ≥ 10% at 6,99%: 0,699); the one target at
    risk is gigabit access ≥ 85% by 2030 at 5,0% (progress 0,059, elapsed 0,099 for a 2030 horizon: within 15
    points, not on track)."""
    officer, _ = demo
    summary = commune_plan_summary(user=officer, unit=AdminUnit.objects.get(code="26296"), today=date(2026, 6, 30))
    assert summary.totals == {"achieved": 0, "on_track": 47, "at_risk": 1, "off_track": 0, "no_data": 5}
    [at_risk] = [p for pillar in summary.pillars for p in pillar.progress if p.status.code == "at_risk"]
    assert at_risk.target.indicator.code == "gigabit_broadband_access_rate"


def test_nga_dien_2024_plan_seen_in_2026(demo):
    """Seed 003's 2024 plan, horizon passed: judged on 2024's figure, else 2023's (seed 003, Part 1).

    Counted figures:
    - 01 video-conference system in 2023 (≥ 1): achieved.
    - OCOP products sold online: 0 of 1 in 2023 (≥ 100%): off track; households on fibre in 2024, from the five
      sample villages: 1.516 / 1.978 = 76,6% (< 100%): off track; with a smart device 1.816 / 1.978 = 91,8%: off
      track; adults with a smartphone in 2024, from the same villages: 1.205 + 1.003 + 1.264 + 921 + 1.018 = 5.411
      of 1.296 + 1.094 + 1.351 + 1.021 + 1.113 = 5.875 adults = 92,1% (≥ 100%): off track.
    Rates the document states without counts (2023), judged on for want of counts, marked stated:
    - officials with an official mailbox 100% (≥ 100%): achieved; computers 100% (≥ 100%): achieved;
    - officials regularly using official e-mail 87% (≥ 100%): off track; 4G/5G coverage of households 90%: off track.
    Everything else has no figure: 40 − 5 counted − 4 stated = 31 without data.
    """
    _, officer = demo
    nga_dien = AdminUnit.objects.get(code="legacy:16150")
    summary = commune_plan_summary(user=officer, unit=nga_dien, today=TODAY)
    assert summary.totals == {"achieved": 3, "on_track": 0, "at_risk": 0, "off_track": 6, "no_data": 31}
    assert summary.target_count == 40 and summary.stated_count == 4
    assert counts(summary)["government"] == (2, 0, 0, 1, 8)
    assert counts(summary)["infrastructure"] == (1, 0, 0, 2, 4)
    stated = {p.target.indicator.code: (p.latest, p.period.code, p.status.code, p.stated_source)
              for pillar in summary.pillars for p in pillar.progress if p.is_stated}  # fmt: skip
    assert stated == {
        "officials_email_rate": (100, "2023", "achieved", "003, Phần 1, mục II.1.1 và II.1.2"),
        "officials_email_regular_rate": (87, "2023", "off_track", "003, Phần 1, mục II.1.1 và II.1.2"),
        "officials_computer_rate": (100, "2023", "achieved", "003, Phần 1, mục II.1.1 và II.1.2"),
        "households_mobile_coverage_rate": (90, "2023", "off_track", "003, Phần 1, mục II.3"),
    }
    # a counted figure wins over a stated one: fibre is judged on 2024's 76,6%, not on the 70,6% stated for 2023
    fibre = next(p for pillar in summary.pillars for p in pillar.progress if p.target.indicator.code
                 == "households_fibre_rate")  # fmt: skip
    assert not fibre.is_stated and round(fibre.latest, 1) == 76.6 and fibre.period.code == "2024"
    # overdue: the tasks with a date before today that are not done, oldest deadline first
    assert [t.due_date < TODAY for t in summary.late] == [True, True]
    assert summary.late == sorted(summary.late, key=lambda t: t.due_date)


def test_screens_other_than_the_communes_own_judge_on_counted_figures_only(demo):
    """The scorecard, the public page, the API and the reports read `target_progress` without `stated`."""
    _, officer = demo
    targets = Target.objects.filter(plan__unit__code="legacy:16150", indicator__code="officials_email_regular_rate")
    targets = list(targets.select_related("indicator", "plan__unit"))
    [counted] = target_progress(user=officer, targets=targets, today=TODAY)
    assert (counted.latest, counted.status.code, counted.is_stated) == (None, NO_DATA, False)
    [stated] = target_progress(user=officer, targets=targets, today=TODAY, stated=True)
    assert (stated.latest, stated.status.code, stated.is_stated) == (87, "off_track", True)


def test_commune_page_shows_stated_figures_with_their_source(demo, client):
    """Seed 003's rates without counts read "Theo văn bản: 87%" with the document, not "thiếu số liệu"."""
    _, officer = demo
    client.force_login(officer)
    response = client.get(reverse("coc:unit", args=["legacy:16150"]), {"year": 2023})
    page = re.sub(r"\s+", " ", with_areas(client, response))  # every area of indicators opened
    row = re.search(r'data-indicator="officials_email_regular_rate">(.*?)</tr>', page).group(1)
    assert "Theo văn bản: 87,0%" in row and "Nguồn: văn bản 003, Phần 1, mục II.1.1 và II.1.2" in row
    assert "thiếu số liệu" not in row
    coverage = re.search(r'data-indicator="households_mobile_coverage_rate">(.*?)</tr>', page).group(1)
    assert "Theo văn bản: 90,0%" in coverage and "003, Phần 1, mục II.3" in coverage
    overview = response.context["overview"]
    assert overview.stated_only == 4  # mailbox 100%, regular e-mail 87%, computers 100%, 4G/5G coverage 90%
    assert 'data-testid="count-stated">4<' in page
    # the pillar's list marks the target judged on a stated rate
    details = page[page.index('id="pillar-government"') :]
    assert "Theo văn bản: 87,0%" in details and "(2023)" in details
    assert "Trong đó 4 chỉ tiêu được đánh giá theo tỷ lệ văn bản nêu" in page
    # the plan page says the same of the same target
    plan = response.context["plan"].plans[0]
    plan_page = re.sub(r"\s+", " ", client.get(reverse("plans:detail", args=[plan.pk])).content.decode())
    target = Target.objects.get(plan=plan, indicator__code="officials_email_regular_rate")
    row = re.search(rf'id="target-{target.pk}"(.*?)</tr>', plan_page).group(1)
    assert "theo văn bản 003, Phần 1, mục II.1.1 và II.1.2" in row and "Chậm tiến độ" in row


def test_a_source_note_gives_the_documents_short_name():
    assert source_short_name("Nguồn: 003, Phần 1, mục II.3 (Tổng dân số 7.410; ...)") == "003, Phần 1, mục II.3"
    assert source_short_name("Dữ liệu mẫu (không có trong văn bản)") == ""
    assert source_short_name("") == ""


def test_a_status_that_could_not_be_computed_counts_as_no_data():
    assert counted_status(UNKNOWN) == NO_DATA
    assert [counted_status(s) for s in STATUS_ORDER] == list(STATUS_ORDER)


def test_another_commune_cannot_read_the_summary(demo):
    officer, _ = demo
    with pytest.raises(Exception, match="không có quyền"):
        commune_plan_summary(user=officer, unit=AdminUnit.objects.get(code="legacy:16150"), today=TODAY)
