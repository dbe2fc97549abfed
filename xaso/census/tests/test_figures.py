"""Census → figures: hand-computed counts per village, ages at the boundaries, the typed-vs-census rule (each
condition flipped), incremental refresh of one village, full re-aggregation, the commune's rollup."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import call_command

from xaso.census.figures import cell_rules, census_refresh, village_counts
from xaso.census.models import Household
from xaso.census.services import household_submit, household_withdraw, village_census_mark
from xaso.indicators.models import ChangeSource, DataValue, DataValueChange, ElementRollup
from xaso.indicators.services import ValueInput, values_write

from .conftest import YEAR, figures, person, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_households(census_catalog, an_vien_villages, an_vien_officer):
    """Ấp 1: household A (fibre, smart device, SMS) with a 40-year-old (smartphone, VNeID, bank, e-payment, cashless,
    online services, signature, skills), a 70-year-old (smartphone, VNeID, EHR) and a 10-year-old (VNeID);
    household B (no fibre, 4G) with a 15-year-old (smartphone, skills) and a 60-year-old (bank account).
    By hand: households 2, fibre 1, 4G 1, smart device 1, cashless electricity 0, SMS 1; people 5, adults 4
    (40, 70, 15, 60), working age 3 (40, 15, 60); VNeID 3, EHR 1, adults with a smartphone 3 (40, 70, 15),
    working age with a smartphone 2 (40, 15), bank 2 (40, 60), e-payment 1, cashless 1, online services 1,
    signature 1, working age with skills 2 (40, 15)."""
    village = an_vien_villages[0]
    a = record(village, head_name="Hộ A", fibre=True, smart_device=True, sms_registered=True, members=[
        person(YEAR - 40, smartphone=True, vneid=True, bank_account=True, epayment_account=True,
               cashless_payment=True, online_public_services=True, digital_signature=True, digital_skills=True),
        person(YEAR - 70, smartphone=True, vneid=True, ehr=True, digital_skills=True),
        person(YEAR - 10, vneid=True, smartphone=True),
    ])  # fmt: skip
    b = record(village, head_name="Hộ B", fibre=False, mobile_covered=True, members=[
        person(YEAR - 15, smartphone=True, digital_skills=True), person(YEAR - 60, bank_account=True),
    ])  # fmt: skip
    household_submit(user=an_vien_officer, record=a)
    household_submit(user=an_vien_officer, record=b)
    return village


EXPECTED = {
    "households_total": 2, "households_fibre": 1, "households_mobile_covered": 1, "households_smart_device": 1,
    "households_cashless_electricity": 0, "households_phone_registered": 1, "population_total": 5,
    "adults_total": 4, "working_age_total": 3, "population_vneid": 3, "population_ehr": 1, "adults_smartphone": 3,
    "working_age_smartphone": 2, "adults_bank_account": 2, "adults_epayment_account": 1,
    "adults_cashless_payment": 1, "adults_online_public_services": 1, "adults_digital_signature": 1,
    "working_age_digital_skills": 2,
}  # fmt: skip


def test_village_figures_are_the_hand_counted_census(two_households):
    assert figures(two_households) == EXPECTED
    change = DataValueChange.objects.filter(unit=two_households, source=ChangeSource.CENSUS).first()
    assert change is not None and "điều tra hộ" in change.comment


def test_commune_rollup_sums_its_villages(two_households, an_vien_villages, an_vien_officer):
    other = an_vien_villages[1]
    household_submit(user=an_vien_officer, record=record(other, fibre=True, members=[person(YEAR - 30)]))
    rollup = dict(
        ElementRollup.objects.filter(unit=two_households.commune, period__code=str(YEAR)).values_list(
            "data_element__code", "value"
        )
    )
    assert rollup["households_total"] == 3 and rollup["households_fibre"] == 2 and rollup["adults_total"] == 5


def test_ages_counted_at_the_edges(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    members = [person(YEAR - age) for age in (14, 15, 60, 61)]
    household_submit(user=an_vien_officer, record=record(village, members=members))
    counts = village_counts([village.id], YEAR)[village.id]
    assert (counts["population_total"], counts["adults_total"], counts["working_age_total"]) == (4, 3, 2)


def test_a_change_refreshes_its_village_only(two_households, an_vien_villages, an_vien_officer):
    other = an_vien_villages[1]
    household_submit(user=an_vien_officer, record=record(other, members=[person(YEAR - 30)]))
    before = DataValueChange.objects.filter(unit=other).count()
    uid = Household.objects.get(head_name="Hộ A").uid
    household_submit(user=an_vien_officer, record=record(two_households, uid=uid, base=1, consent=None,
                                                         cashless_electricity=True))  # fmt: skip
    assert DataValueChange.objects.filter(unit=other).count() == before
    assert figures(two_households)["households_cashless_electricity"] == 1


def test_withdrawal_removes_the_household_from_the_figures(two_households, an_vien_officer):
    household_withdraw(user=an_vien_officer, household=Household.objects.get(head_name="Hộ B"))
    after = figures(two_households)
    assert (after["households_total"], after["population_total"], after["adults_total"]) == (1, 3, 2)


def _type(officer, village, element, value):
    values_write(user=officer, rows=[ValueInput(element=element, unit=village.code, period=str(YEAR), value=value)])


def test_typed_figure_stays_while_the_census_is_in_progress(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    _type(an_vien_officer, village, "population_total", 400)
    _type(an_vien_officer, village, "households_total", 120)
    household_submit(user=an_vien_officer, record=record(village, fibre=True, members=[person(YEAR - 30)]))
    got = figures(village)
    assert got["households_total"] == 120  # typed, census in progress: kept
    assert got["households_fibre"] == 1  # empty cell: the census writes it
    rule = next(r for r in cell_rules([village.id], YEAR)[village.id] if r.element == "households_total")
    assert (rule.census, rule.typed, rule.census_wins, rule.reason) == (1, 120, False, "typed")


def test_flipped_census_replaces_typed_once_the_village_is_complete(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    _type(an_vien_officer, village, "population_total", 400)
    _type(an_vien_officer, village, "households_total", 120)
    household_submit(user=an_vien_officer, record=record(village, fibre=True, members=[person(YEAR - 30)]))
    village_census_mark(user=an_vien_officer, village=village, complete=True)
    assert figures(village)["households_total"] == 1
    history = list(DataValueChange.objects.filter(unit=village, data_element__code="households_total").order_by("id"))
    assert [(h.old_value, h.new_value, h.source) for h in history] == [(None, 120, "form"), (120, 1, "census")]
    assert figures(village)["population_total"] == 1


def test_reopened_census_no_longer_replaces_a_typed_figure(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    household_submit(user=an_vien_officer, record=record(village, members=[person(YEAR - 30)]))
    village_census_mark(user=an_vien_officer, village=village, complete=True)
    assert figures(village)["households_total"] == 1
    village_census_mark(user=an_vien_officer, village=village, complete=False)
    _type(an_vien_officer, village, "population_total", 400)
    _type(an_vien_officer, village, "households_total", 99)  # typed over the census figure
    household_submit(user=an_vien_officer, record=record(village, members=[person(YEAR - 30)]))
    assert figures(village)["households_total"] == 99
    assert figures(village)["adults_total"] == 2  # still the census's cell


def test_census_cell_keeps_following_the_census(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    household_submit(user=an_vien_officer, record=record(village, members=[person(YEAR - 30)]))
    household_submit(user=an_vien_officer, record=record(village, members=[person(YEAR - 30)]))
    assert figures(village)["households_total"] == 2


def test_only_an_officer_marks_a_village_complete(census_catalog, an_vien_villages, ap1_team, team_user):
    from xaso.census.services import CensusError

    with pytest.raises(CensusError):
        village_census_mark(user=team_user, village=an_vien_villages[0], complete=True)


def test_full_reaggregation_equals_the_incremental_one(two_households, capsys):
    DataValue.objects.filter(unit=two_households).delete()
    assert census_refresh() == len(EXPECTED)
    assert figures(two_households) == EXPECTED
    call_command("census_refresh", "--commune", two_households.commune.code)
    assert "figures=" in capsys.readouterr().out
    assert figures(two_households) == EXPECTED


def test_a_rule_refusal_keeps_the_records_and_shows(census_catalog, an_vien_villages, an_vien_officer, monkeypatch):
    from xaso.census import figures as census_figures
    from xaso.census.models import VillageCensus
    from xaso.indicators.errors import BulkValueError, RowError

    def refuse(**kwargs):
        raise BulkValueError([RowError(None, "value", "quy tắc kiểm tra", "rule")])

    monkeypatch.setattr(census_figures, "values_write", refuse)  # every row refused, every time
    village = an_vien_villages[0]
    household_submit(user=an_vien_officer, record=record(village, uid=uuid.uuid4()))
    assert Household.objects.count() == 1
    assert "quy tắc kiểm tra" in VillageCensus.objects.get(village=village).figures_error


def test_a_rule_refusing_one_count_leaves_the_others_written(census_catalog, an_vien_villages, an_vien_officer):
    """Households recorded before their members: "households ≤ population" refuses the household count (0 people),
    the other counts are written, and the refusal is shown on the village's census status."""
    from xaso.census.models import VillageCensus

    village = an_vien_villages[0]
    household_submit(user=an_vien_officer, record=record(village, fibre=True))
    got = figures(village)
    assert "households_total" not in got and got["households_fibre"] == 1
    assert "Số hộ gia đình lớn hơn tổng dân số" in VillageCensus.objects.get(village=village).figures_error
    uid = Household.objects.get().uid
    household_submit(user=an_vien_officer, record=record(village, uid=uid, base=1, consent=None,
                                                         members=[person(YEAR - 30)]))  # fmt: skip
    assert figures(village)["households_total"] == 1
    assert VillageCensus.objects.get(village=village).figures_error == ""


def test_the_value_history_shows_which_figure_the_cell_holds(client, census_catalog, an_vien_villages,
                                                             an_vien_officer):  # fmt: skip
    from django.urls import reverse

    village = an_vien_villages[0]
    _type(an_vien_officer, village, "population_total", 400)
    _type(an_vien_officer, village, "households_total", 120)
    household_submit(user=an_vien_officer, record=record(village, fibre=True, members=[person(YEAR - 30)]))
    client.force_login(an_vien_officer)
    url = reverse("indicators:history") + f"?unit={village.code}&period={YEAR}&element="
    typed = client.get(url + "households_total").content.decode()
    assert "đang giữ số nhập tay" in typed and "đang có 1" in typed
    census = client.get(url + "households_fibre").content.decode()
    assert "lấy số liệu điều tra hộ gia đình" in census and "Tính từ điều tra hộ gia đình" in census
    village_census_mark(user=an_vien_officer, village=village, complete=True)
    flipped = client.get(url + "households_total").content.decode()
    assert "lấy số liệu điều tra hộ gia đình của thôn (hiện 1)" in flipped
