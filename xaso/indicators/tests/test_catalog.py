"""The shipped catalog: every quantitative target of the source documents, each citing its source."""

from __future__ import annotations

import re

import pytest
import yaml

from xaso.indicators.catalog import CATALOG_PATH, catalog_load
from xaso.indicators.formula import parse_formula
from xaso.indicators.models import DataElement, Indicator, ValidationRule

pytestmark = pytest.mark.django_db
SOURCE = re.compile(r"\b00[0-4]\b")


def test_catalog_loads_and_covers_the_sources():
    result = catalog_load()
    assert result.indicators > 60
    assert Indicator.objects.count() == result.indicators
    assert DataElement.objects.count() == result.data_elements
    assert ValidationRule.objects.count() >= 15
    for indicator in Indicator.objects.prefetch_related("elements"):
        assert SOURCE.search(indicator.source), f"{indicator.code} has no seed citation"
        assert {e.code for e in indicator.elements.all()} == set(parse_formula(indicator.formula).elements)
    assert Indicator.objects.get(code="households_fibre_rate").formula == "households_fibre / households_total * 100"


def test_catalog_codes_are_unique_and_loading_twice_changes_nothing():
    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    for key in ("data_elements", "indicators", "validation_rules"):
        codes = [e["code"] for e in data[key]]
        assert len(codes) == len(set(codes)), key
    catalog_load()
    before = (DataElement.objects.count(), Indicator.objects.count(), ValidationRule.objects.count())
    catalog_load()
    assert (DataElement.objects.count(), Indicator.objects.count(), ValidationRule.objects.count()) == before
