"""Every rate of the shipped catalog speaks of one population: its numerator is a part of its denominator.

A rate `a / b * 100` whose numerator counts another population than its denominator (adults with a smartphone
over the whole population) gives a target that can never be met. The catalog states "a is part of b" as a
validation rule `a <= b`; a rate that is deliberately not a share (seed 003's own computation, a budget spent
against its allocation) names the reason in `rate_exception`. A new mismatched rate fails here.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from xaso.indicators.catalog import CATALOG_PATH, catalog_load
from xaso.indicators.models import Indicator

RATE = re.compile(r"\s*(\w+)\s*/\s*(\w+)\s*\*\s*100\s*")
PLANS_PATH = Path(__file__).resolve().parents[2] / "plans" / "data" / "plans.yaml"


def _catalog() -> dict:
    return yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))


def rates_without_part_of_whole_rule(data: dict) -> list[str]:
    """Codes of the rates `a / b * 100` with neither a rule `a <= b` nor a stated reason (`rate_exception`)."""
    rules = {
        (str(r["left"]).strip(), str(r["right"]).strip()) for r in data["validation_rules"] if r["operator"] == "<="
    }
    missing = []
    for indicator in data["indicators"]:
        match = RATE.fullmatch(indicator["formula"])
        if match and match.groups() not in rules and not str(indicator.get("rate_exception", "")).strip():
            missing.append(indicator["code"])
    return missing


def test_every_rate_has_a_numerator_le_denominator_rule_or_a_stated_exception():
    data = _catalog()
    assert sum(1 for i in data["indicators"] if RATE.fullmatch(i["formula"])) > 80
    assert rates_without_part_of_whole_rule(data) == []


def test_a_new_rate_over_another_population_fails_the_check():
    data = copy.deepcopy(_catalog())
    data["indicators"].append({"code": "x_rate", "formula": "adults_bank_account / households_total * 100"})
    assert rates_without_part_of_whole_rule(data) == ["x_rate"]
    data["indicators"][-1]["rate_exception"] = "  "  # an empty reason is no reason
    assert rates_without_part_of_whole_rule(data) == ["x_rate"]
    data["indicators"][-1]["rate_exception"] = "lý do"
    assert rates_without_part_of_whole_rule(data) == []


def test_a_rule_the_other_way_round_or_with_another_operator_does_not_count():
    data = copy.deepcopy(_catalog())
    data["indicators"].append({"code": "x_rate", "formula": "households_total / households_fibre * 100"})
    assert rates_without_part_of_whole_rule(data) == ["x_rate"]  # the rule households_fibre <= households_total
    data["validation_rules"].append({"left": "households_total", "operator": ">=", "right": "households_fibre"})
    assert rates_without_part_of_whole_rule(data) == ["x_rate"]


def test_each_exception_says_why_and_only_where_needed():
    exceptions = {i["code"]: i["rate_exception"] for i in _catalog()["indicators"] if "rate_exception" in i}
    assert set(exceptions) == {"adults_smartphone_population_rate", "st_budget_execution_rate"}
    assert all(len(reason.strip()) > 20 for reason in exceptions.values())


def test_targets_are_never_set_on_seed_003s_computation_over_the_whole_population():
    plans = PLANS_PATH.read_text(encoding="utf-8")
    assert re.search(r"indicator: adults_smartphone_rate\b", plans)
    assert not re.search(r"indicator: adults_smartphone_population_rate\b|adults_smartphone_population_rate@", plans)


@pytest.mark.django_db
def test_smartphones_are_measured_over_adults_and_seed_003_checked_over_the_population():
    catalog_load()
    target = Indicator.objects.get(code="adults_smartphone_rate")
    seed = Indicator.objects.get(code="adults_smartphone_population_rate")
    assert (target.formula, target.stated_rate_element) == ("adults_smartphone / adults_total * 100", None)
    assert seed.formula == "adults_smartphone / population_total * 100"
    assert seed.stated_rate_element.code == "adults_smartphone_rate_stated"
    e_payment = Indicator.objects.get(code="population_epayment_account_rate")
    assert e_payment.formula == "population_epayment_account / population_total * 100"
    assert set(e_payment.elements.values_list("code", flat=True)) == {"population_epayment_account", "population_total"}
    before = Indicator.objects.count()
    catalog_load()  # loading again changes nothing
    assert Indicator.objects.count() == before
    assert Indicator.objects.get(code="adults_smartphone_rate").stated_rate_element is None
