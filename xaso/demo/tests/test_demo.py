"""The demo data reproduces the source documents' figures (seed 003: Nga Điền, 2023)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from xaso.accounts.models import User
from xaso.core.models import Period
from xaso.core.testing import wipe_committed_data
from xaso.geo.models import AdminUnit
from xaso.indicators.models import DataValue, Indicator
from xaso.indicators.selectors import indicator_values
from xaso.indicators.validation import violations_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for command in ("load_units", "load_catalog", "load_demo"):
            call_command(command, stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        wipe_committed_data()


def test_nga_dien_2023_fibre_70_6_and_smartphones_70_0_flagged(demo):
    admin = User.objects.get(username="admin")
    nga_dien = AdminUnit.objects.get(code="legacy:16150")
    year = Period.objects.get(code="2023")
    fibre, smartphone = (
        Indicator.objects.get(code="households_fibre_rate"),
        Indicator.objects.get(code="adults_smartphone_population_rate"),  # seed 003's own base: whole population
    )
    table = indicator_values(user=admin, indicators=[fibre, smartphone], units=[nga_dien], periods=[year])
    assert round(table[(nga_dien.id, fibre.id, year.id)].value, 1) == 70.6
    cell = table[(nga_dien.id, smartphone.id, year.id)]
    assert round(cell.value, 1) == 70.0 and cell.stated == 75 and cell.is_stated_mismatch


def test_demo_figures_break_no_rule_and_loading_again_changes_nothing(demo):
    units = list(AdminUnit.objects.filter(data_values__isnull=False).distinct())
    periods = list(Period.objects.filter(data_values__isnull=False).distinct())
    assert violations_for(units=units, periods=periods) == []
    before = DataValue.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert DataValue.objects.count() == before


def test_sample_villages_have_coherent_adults_that_sum_to_the_communes_2024_figures(demo):
    """The five sample villages of Nga Điền carry adults (≤ population, ≥ adults with a smartphone), so the adult-based
    rates have a figure per village; the demo gives the commune no 2024 figure of its own, so the commune's 2024 is the
    sum of its villages."""
    admin = User.objects.get(username="admin")
    nga_dien = AdminUnit.objects.get(code="legacy:16150")
    villages = list(AdminUnit.objects.filter(parent=nga_dien, is_sample=True).order_by("code"))
    year = Period.objects.get(code="2024")
    stored = {
        (v.unit.code, v.data_element.code): v.value
        for v in DataValue.objects.filter(unit__in=villages, period=year).select_related("unit", "data_element")
    }
    adults = [stored[(v.code, "adults_total")] for v in villages]
    population = [stored[(v.code, "population_total")] for v in villages]
    smartphone = [stored[(v.code, "adults_smartphone")] for v in villages]
    assert adults == [1296, 1094, 1351, 1021, 1113]
    assert all(s <= a <= p for s, a, p in zip(smartphone, adults, population, strict=True))
    assert not DataValue.objects.filter(unit=nga_dien, period=year).exists()  # the commune's 2024 is its villages'
    rate = Indicator.objects.get(code="adults_smartphone_rate")
    table = indicator_values(user=admin, indicators=[rate], units=[nga_dien, *villages], periods=[year])
    commune = table[(nga_dien.id, rate.id, year.id)]
    assert commune.inputs == {"adults_smartphone": 5411, "adults_total": 5875}  # 1.205 + ... ; 1.296 + ...
    assert round(commune.value, 1) == 92.1
    assert [round(table[(v.id, rate.id, year.id)].value, 1) for v in villages] == [93.0, 91.7, 93.6, 90.2, 91.5]


def test_demo_logins_are_scoped(demo):
    officer = User.objects.get(username="anvien")
    assert officer.unit.code == "26296" and officer.check_password("xaso-demo-2026")
    assert User.objects.get(username="dongnai").unit.code == "75"


def test_source_plans_are_loaded_with_their_horizons(demo):
    from xaso.plans.models import Plan

    an_vien = Plan.objects.get(unit__code="26296")
    online = an_vien.targets.filter(indicator__code="dossiers_online_rate").order_by("horizon_year")
    assert [(t.horizon_year, t.value) for t in online] == [(2026, 85), (2030, 95), (2045, 100)]
    assert {t.horizon_year for t in an_vien.targets.all()} == {2026, 2030, 2045}
    nghi_loc = Plan.objects.get(unit__code="legacy:429")
    assert nghi_loc.covered_units.count() == 10
    # seed 002 names "Nghi Hoa", which the 2019–2021 merger made part of Diên Hoa: matched, not with certainty
    links = list(nghi_loc.covered_unit_links.select_related("unit"))
    assert [(c.unit.name, c.name_in_source, c.match) for c in links if c.shows_source_name] == [
        ("Xã Diên Hoa", "Nghi Hoa", "uncertain")
    ]
    assert [c.name_in_source for c in links] == [
        "Nghi Hoa",
        "Nghi Thiết",
        "Nghi Đồng",
        "Nghi Quang",
        "Nghi Kiều",
        "Nghi Hưng",
        "Nghi Công Bắc",
        "Nghi Yên",
        "Nghi Vạn",
        "Nghi Công Nam",
    ]
    assert all(c.match == "certain" for c in links[1:])
    nga_dien = Plan.objects.get(unit__code="legacy:16150")
    fibre = nga_dien.targets.get(indicator__code="households_fibre_rate")
    assert fibre.baseline_value == 70.6


def test_demo_province_scorecard_ranks_the_dong_nai_communes(demo):
    from datetime import date

    from xaso.plans import scorecard

    analyst = User.objects.get(username="dongnai")
    dong_nai = AdminUnit.objects.get(code="75")
    targets = scorecard.key_targets(user=analyst, province=dong_nai, horizon=2026)
    assert len(targets) == 6
    rows = scorecard.province_scorecard(user=analyst, province=dong_nai, targets=targets, today=date(2026, 11, 23))
    scored = sorted((r for r in rows if r.has_data), key=lambda r: r.rank)
    assert {r.unit.code for r in scored} >= {"26296", "26116", "26170", "26173", "26179"}
    assert all(0 < r.score <= 100 for r in scored)
    assert [r.rank for r in scored] == list(range(1, len(scored) + 1))
    # the ninety-odd communes without any figure are neither scored 0 nor ranked
    unscored = [r for r in rows if not r.has_data]
    assert unscored and all(r.score is None and r.rank is None for r in unscored)


def test_demo_nga_dien_2024_plan_seen_in_2026_is_judged_on_its_2024_else_2023_figures(demo):
    from datetime import date

    from xaso.plans import scorecard

    officer = User.objects.get(username="ngadien")
    nga_dien = AdminUnit.objects.get(code="legacy:16150")
    progress = scorecard.commune_targets(user=officer, unit=nga_dien, today=date(2026, 11, 23)).progress
    by_code = {p.target.indicator.code: p for p in progress if p.target.horizon_year == 2024}
    # 2024: the five sample villages, 338 + 281 + 352 + 255 + 290 = 1.516 of 436 + 371 + 452 + 348 + 371 = 1.978
    # households on fibre = 76,6%, short of the plan's 100%
    fibre = by_code["households_fibre_rate"]
    assert (round(fibre.latest, 1), fibre.period.code, fibre.status.code) == (76.6, "2024", "off_track")
    # adults with a smartphone over adults, from the villages: 1.205 + 1.003 + 1.264 + 921 + 1.018 = 5.411 of
    # 1.296 + 1.094 + 1.351 + 1.021 + 1.113 = 5.875 adults = 92,1%, short of 100%
    smartphone = by_code["adults_smartphone_rate"]
    assert (round(smartphone.latest, 1), smartphone.period.code, smartphone.status.code) == (92.1, "2024", "off_track")
    # no 2024 figure: 2023's one video-conference system (seed 003, Part 1) meets "≥ 1"
    video = by_code["video_conference_systems"]
    assert (video.latest, video.period.code, video.status.code) == (1.0, "2023", "achieved")


def test_an_vien_dossier_figures_are_computed_from_its_register(demo):
    """The demo register of An Viễn (sample dossiers) counts exactly the demo's monthly figures, which are now
    written from the register; the operations centre's drill-down lists the dossiers behind them."""
    import yaml

    from xaso.demo.services import DEMO_PATH
    from xaso.dossiers.models import Dossier, DossierChange
    from xaso.dossiers.selectors import dossier_list
    from xaso.indicators.models import ChangeSource, DataValueChange

    typed = {
        str(block["period"]): block["figures"]
        for block in yaml.safe_load(DEMO_PATH.read_text(encoding="utf-8"))["values"]
        if str(block["unit"]) == "26296" and str(block["period"]).startswith("2025-")
    }
    assert sorted(typed) == ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]
    an_vien = AdminUnit.objects.get(code="26296")
    registered = {"dossiers_received_total", "dossiers_online", "dossiers_resolved_on_time", "fee_payments_cashless"}
    for period, figures in typed.items():
        stored = dict(
            DataValue.objects.filter(unit=an_vien, period__code=period).values_list("data_element__code", "value")
        )
        assert {code: stored[code] for code in figures} == figures
        sources = DataValueChange.objects.filter(unit=an_vien, period__code=period, data_element__code__in=registered)
        assert set(sources.values_list("source", flat=True)) >= {ChangeSource.REGISTER}
    assert Dossier.objects.filter(unit=an_vien).count() == sum(f["dossiers_received_total"] for f in typed.values())
    officer = User.objects.get(username="anvien")
    on_time = dossier_list(
        user=officer, unit=an_vien, year=2025, indicator=Indicator.objects.get(code="dossiers_on_time_rate")
    )
    assert on_time.numerator == sum(f["dossiers_resolved_on_time"] for f in typed.values())  # 9.101
    assert on_time.denominator == sum(f["dossiers_resolved"] for f in typed.values())  # 9.257
    assert on_time.dossiers[0].is_late
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Dossier.objects.filter(unit=an_vien).count() == 9562
    assert not DossierChange.objects.exists()


def test_demo_citizen_services_hold_seed_003_loudspeakers_and_feedback_in_every_state(demo):
    """Nga Điền's loudspeaker inventory is seed 003's 21 points and 36 clusters (its 2023 figures), spread over the
    five sample villages as their 2024 sample figures; An Viễn's sample feedback has one item in each state, one
    overdue, two published; the demo announcement reached every channel with a delivery record each."""
    from collections import Counter

    from xaso.demo.citizens import ANNOUNCEMENT_TITLE
    from xaso.feedback.models import Feedback
    from xaso.feedback.selectors import feedback_counts, public_feedback
    from xaso.notify.announcements import Inventory, loudspeaker_inventory
    from xaso.notify.models import Announcement, BulletinPlay, LoudspeakerCluster, LoudspeakerPoint

    nga_dien = AdminUnit.objects.get(code="legacy:16150")
    assert loudspeaker_inventory(unit=nga_dien) == Inventory(points=21, clusters=36, villages_covered=5)
    seed = dict(
        DataValue.objects.filter(
            unit=nga_dien, period__code="2023", data_element__code__startswith="loudspeaker_"
        ).values_list("data_element__code", "value")
    )
    assert seed == {"loudspeaker_points": 21, "loudspeaker_clusters": 36}
    per_village = {
        v.code: (
            LoudspeakerPoint.objects.filter(village=v).count(),
            LoudspeakerCluster.objects.filter(point__village=v).count(),
        )
        for v in AdminUnit.objects.filter(parent=nga_dien, is_sample=True)
    }
    sample = {
        (unit, code): value
        for unit, code, value in DataValue.objects.filter(
            unit__parent=nga_dien,
            period__code="2024",
            data_element__code__in=["loudspeaker_points", "loudspeaker_clusters"],
        ).values_list("unit__code", "data_element__code", "value")
    }
    assert per_village == {
        code: (sample[(code, "loudspeaker_points")], sample[(code, "loudspeaker_clusters")]) for code in per_village
    }

    an_vien = AdminUnit.objects.get(code="26296")
    officer = User.objects.get(username="anvien")
    items = Feedback.objects.filter(unit=an_vien)
    assert Counter(items.values_list("status", flat=True)) == {
        "received": 1, "assigned": 1, "in_progress": 2, "answered": 1, "closed": 1, "refused": 1,
    }  # fmt: skip
    counts = feedback_counts(user=officer, unit=an_vien)
    assert (counts.waiting, counts.overdue, counts.answered, counts.unconfirmed) == (3, 1, 3, 1)
    assert [f.tracking_code for f in items if f.is_overdue()] == ["PA-AVRW4C"]  # 7-day category, confirmed 10 days ago
    published = public_feedback(unit=an_vien)
    assert sorted(f.tracking_code for f in published) == ["PA-AVCY6E", "PA-AVHN9D"]
    assert items.filter(latitude__isnull=False).count() == 3
    figures = Counter()
    for code, value in DataValue.objects.filter(unit=an_vien, data_element__code__startswith="feedback_").values_list(
        "data_element__code", "value"
    ):
        figures[code] += value
    assert figures == {  # six confirmed; answered: PA-AVHN9D and PA-AVCY6E, both on time; one rating, 4 of 5
        "feedback_received": 6, "feedback_answered": 2, "feedback_answered_on_time": 2,
        "feedback_rated": 1, "feedback_satisfied": 1,
    }  # fmt: skip

    announcement = Announcement.objects.get(unit=nga_dien, title=ANNOUNCEMENT_TITLE)
    by_channel = Counter(announcement.deliveries.values_list("channel", "status"))
    assert by_channel[("web", "delivered")] == 1
    assert by_channel[("sms", "delivered")] == 2 and by_channel[("zalo", "delivered")] == 1
    if "loudspeaker" in announcement.channels:  # espeak-ng installed: read out, 36 clusters × 2 slots
        assert BulletinPlay.objects.filter(bulletin__announcement=announcement).count() == 72
        # on the controller's playlist: 60 a minute (the channel's rate), the rest queued for the next minute
        assert (by_channel[("loudspeaker", "sending")], by_channel[("loudspeaker", "created")]) == (60, 12)
        assert announcement.bulletin.audio_seconds > 5 and announcement.bulletin.audio.name.endswith(".wav")

    before = (items.count(), LoudspeakerCluster.objects.count(), Announcement.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (items.count(), LoudspeakerCluster.objects.count(), Announcement.objects.count()) == before


def test_an_vien_census_reproduces_the_demo_figures_from_households_and_people(demo):
    """An Viễn's census (xaso/census/demo.py): 18 sample ấp, 8.560 households and 31.240 people whose answers count
    to the 2025 sample figures the demo shows — now this year's figures, computed from the records."""
    from django.utils import timezone

    from xaso.census.models import Household, Person, VillageCensus
    from xaso.indicators.models import ChangeSource, ElementRollup

    an_vien = AdminUnit.objects.get(code="26296")
    year = str(timezone.localdate().year)
    villages = AdminUnit.objects.filter(parent=an_vien, is_sample=True)
    assert villages.count() == 18 and set(villages.values_list("division_type", flat=True)) == {"ấp"}
    assert Household.objects.filter(commune=an_vien).count() == 8560 and Person.objects.count() == 31240
    figures = dict(
        ElementRollup.objects.filter(unit=an_vien, period__code=year).values_list("data_element__code", "value")
    )
    assert {code: figures[code] for code in (
        "households_total", "households_fibre", "households_mobile_covered", "population_total", "adults_total",
        "working_age_total", "adults_smartphone", "population_vneid", "population_ehr", "adults_bank_account",
        "adults_epayment_account", "adults_cashless_payment", "adults_online_public_services",
        "adults_digital_signature",
    )} == {
        "households_total": 8560, "households_fibre": 6420, "households_mobile_covered": 8390,
        "population_total": 31240, "adults_total": 24180, "working_age_total": 19870, "adults_smartphone": 20950,
        "population_vneid": 24610, "population_ehr": 27420, "adults_bank_account": 19560,
        "adults_epayment_account": 17880, "adults_cashless_payment": 15240, "adults_online_public_services": 8930,
        "adults_digital_signature": 1690,
    }  # fmt: skip
    # the shares not in the 2025 figures: 85% smart device (7.276), 56% cashless electricity (4.794), 80% SMS (6.848)
    assert (figures["households_smart_device"], figures["households_cashless_electricity"],
            figures["households_phone_registered"]) == (7276, 4794, 6848)  # fmt: skip
    admin = User.objects.get(username="admin")
    period = Period.objects.get(code=year)
    fibre = Indicator.objects.get(code="households_fibre_rate")
    table = indicator_values(user=admin, indicators=[fibre], units=[an_vien], periods=[period])
    assert round(table[(an_vien.id, fibre.id, period.id)].value, 1) == 75.0  # 6.420 / 8.560
    # the figures are the census's, per village; the first ấp's census is marked complete
    assert (
        DataValue.objects.filter(unit__in=villages, period=period, data_element__code="households_total").count() == 18
    )
    from xaso.indicators.models import DataValueChange

    assert set(
        DataValueChange.objects.filter(
            unit__in=villages, period=period, data_element__code="households_fibre"
        ).values_list("source", flat=True)
    ) == {ChangeSource.CENSUS}
    assert VillageCensus.objects.filter(village__in=villages, completed_at__isnull=False).count() == 1
    # consent recorded for every household, names obviously invented
    assert not Household.objects.exclude(consent_method="verbal").exists()
    assert not Household.objects.exclude(head_name__startswith="Chủ hộ mẫu").exists()
    assert not Person.objects.exclude(full_name__startswith="Người mẫu").exists()
    assert Household.objects.filter(assigned_member__isnull=True).count() == 0


def test_an_vien_teams_in_every_village_and_the_team_member_login(demo):
    from django.utils import timezone

    from xaso.census.permissions import can_record
    from xaso.indicators.models import ElementRollup
    from xaso.teams.models import Team, TeamMember

    an_vien = AdminUnit.objects.get(code="26296")
    teams = Team.objects.filter(commune=an_vien)
    assert teams.count() == 18
    assert TeamMember.objects.filter(team__in=teams).count() == 72  # lead, deputy, two members each
    assert TeamMember.objects.filter(team__in=teams, trainings__isnull=False).distinct().count() == 64  # 16 teams
    figures = dict(
        ElementRollup.objects.filter(unit=an_vien, period__code=str(timezone.localdate().year)).values_list(
            "data_element__code", "value"
        )
    )
    assert (figures["villages_digital_team"], figures["digital_team_members"],
            figures["digital_team_members_trained"]) == (18, 72, 64)  # fmt: skip
    member = User.objects.get(username="anvien.to")
    lead = TeamMember.objects.get(user=member)
    assert lead.role == "lead" and lead.team.village.name == "Ấp 1 (mẫu)"
    assert can_record(member, lead.team.village)
    assert not can_record(member, AdminUnit.objects.get(parent=an_vien, name="Ấp 2 (mẫu)"))


def test_loading_the_demo_again_keeps_one_census(demo):
    from xaso.census.models import Household, Person
    from xaso.teams.models import TeamMember

    before = (Household.objects.count(), Person.objects.count(), TeamMember.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Household.objects.count(), Person.objects.count(), TeamMember.objects.count()) == before
