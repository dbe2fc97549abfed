"""A small catalog with seed 003's figures in mind: households, fibre, population, adults, smartphones, dossiers."""

from __future__ import annotations

import pytest

from xaso.indicators.models import DataElement, Indicator, ValidationRule
from xaso.indicators.services import ValueInput, values_write


def element(code, name, **kw) -> DataElement:
    defaults = {
        "value_type": "integer",
        "aggregation": "last",
        "period_type": "year",
        "area": "society",
        "unit_label": "hộ",
    }
    defaults.update(kw)
    return DataElement.objects.create(code=code, name=name, **defaults)


def indicator(code, name, formula, elements, **kw) -> Indicator:
    defaults = {"unit_label": "%", "area": "society"}
    defaults.update(kw)
    ind = Indicator.objects.create(code=code, name=name, formula=formula, **defaults)
    ind.elements.set(elements)
    return ind


@pytest.fixture
def catalog(db):
    households = element("households_total", "Tổng số hộ")
    fibre = element("households_fibre", "Hộ có cáp quang")
    fibre_stated = element(
        "households_fibre_rate_stated", "Tỷ lệ hộ cáp quang (văn bản)", value_type="percent", unit_label="%"
    )
    population = element("population_total", "Dân số", unit_label="người")
    adults = element("adults_total", "Dân số trưởng thành", unit_label="người")
    smartphone = element("adults_smartphone", "Người trưởng thành có điện thoại thông minh", unit_label="người")
    smartphone_stated = element(
        "adults_smartphone_rate_stated",
        "Tỷ lệ có điện thoại thông minh (văn bản)",
        value_type="percent",
        unit_label="%",
    )
    received = element(
        "dossiers_received",
        "Hồ sơ tiếp nhận",
        aggregation="sum",
        period_type="month",
        area="government",
        unit_label="hồ sơ",
    )
    online = element(
        "dossiers_online",
        "Hồ sơ trực tuyến",
        aggregation="sum",
        period_type="month",
        area="government",
        unit_label="hồ sơ",
    )
    cameras = element("camera_points", "Điểm camera", unit_label="điểm", area="infrastructure")
    lan = element(
        "lan_completed", "Hoàn thành mạng LAN", value_type="boolean", unit_label="có/không", area="infrastructure"
    )
    inds = {
        "fibre": indicator(
            "households_fibre_rate",
            "Tỷ lệ hộ có cáp quang",
            "households_fibre / households_total * 100",
            [households, fibre],
            stated_rate_element=fibre_stated,
        ),
        # the target's measure: adults with a smartphone over adults (the catalog's adults_smartphone_rate)
        "smartphone": indicator(
            "adults_smartphone_rate",
            "Tỷ lệ dân số trưởng thành có điện thoại thông minh",
            "adults_smartphone / adults_total * 100",
            [adults, smartphone],
        ),
        # seed 003's own computation over the whole population, kept only for its stated-versus-computed check
        "smartphone_population": indicator(
            "adults_smartphone_population_rate",
            "Người trưởng thành có điện thoại thông minh trên tổng dân số (cách tính của văn bản 003)",
            "adults_smartphone / population_total * 100",
            [population, smartphone],
            stated_rate_element=smartphone_stated,
        ),
        "online": indicator(
            "dossiers_online_rate",
            "Tỷ lệ hồ sơ trực tuyến",
            "dossiers_online / dossiers_received * 100",
            [received, online],
            area="government",
        ),
        "cameras": indicator(
            "camera_points", "Số điểm camera", "camera_points", [cameras], unit_label="điểm", decimals=0
        ),
        "lan": indicator(
            "lan_completed", "Hoàn thành mạng LAN", "lan_completed", [lan], unit_label="có/không", decimals=0
        ),
    }
    ValidationRule.objects.create(
        code="fibre_le_households",
        name="Hộ cáp quang ≤ tổng số hộ",
        left="households_fibre",
        operator="<=",
        right="households_total",
        message="Số hộ có cáp quang lớn hơn tổng số hộ.",
    )
    ValidationRule.objects.create(
        code="smartphone_le_adults",
        name="Người có điện thoại thông minh ≤ dân số trưởng thành",
        left="adults_smartphone",
        operator="<=",
        right="adults_total",
        message="Số người trưởng thành có điện thoại thông minh lớn hơn dân số trưởng thành.",
    )
    ValidationRule.objects.create(
        code="online_le_received",
        name="Hồ sơ trực tuyến ≤ hồ sơ tiếp nhận",
        left="dossiers_online",
        operator="<=",
        right="dossiers_received",
        message="Số hồ sơ trực tuyến lớn hơn số hồ sơ tiếp nhận.",
    )
    return inds


def write(user, unit, period: str, **figures):
    """Figures for one unit and period, written through the real service: `write(officer, unit, "2023", a=1)`."""
    return values_write(
        user=user, rows=[ValueInput(element=k, unit=unit.code, period=period, value=v) for k, v in figures.items()]
    )
