"""Load the indicator catalog (data elements, indicators, validation rules) from a YAML file.

The shipped catalog, `xaso/indicators/data/catalog.yaml`, encodes every quantitative target of the
source documents, each entry citing its file and section. Loading is an idempotent upsert by code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xaso.core.formatting import MAX_DECIMALS

from .formula import FormulaError, parse_formula
from .models import Aggregation, Area, DataElement, Direction, Indicator, Operator, ValidationRule, ValueType

CATALOG_PATH = Path(__file__).parent / "data" / "catalog.yaml"


@dataclass
class CatalogResult:
    data_elements: int
    indicators: int
    rules: int


def _choice(entry: dict, key: str, choices, where: str, default=None) -> str:
    value = entry.get(key, default)
    if value not in choices.values:
        raise ValidationError(
            _("%(where)s: giá trị “%(v)s” của “%(k)s” không hợp lệ (chọn một trong %(c)s).")
            % {"where": where, "v": value, "k": key, "c": ", ".join(choices.values)}
        )
    return value


def _decimals(entry: dict, where: str) -> int:
    """An indicator's decimals: a whole number 0–MAX_DECIMALS (what the formatters write, `xaso.core.formatting`)."""
    value = entry.get("decimals", 1)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DECIMALS:
        raise ValidationError(
            _("%(w)s: số chữ số thập phân phải là số nguyên từ 0 đến %(n)s, không phải “%(v)s”.")
            % {"w": where, "n": MAX_DECIMALS, "v": value}
        )
    return value


@transaction.atomic
def catalog_load(path: Path = CATALOG_PATH) -> CatalogResult:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    elements: dict[str, DataElement] = {}
    for entry in data.get("data_elements", []):
        code = entry["code"]
        where = _("Chỉ tiêu dữ liệu %(c)s") % {"c": code}
        element, _created = DataElement.objects.update_or_create(
            code=code,
            defaults={
                "name": entry["name"],
                "name_en": entry.get("name_en", ""),
                "description": entry.get("description", ""),
                "unit_label": entry.get("unit", ""),
                "value_type": _choice(entry, "value_type", ValueType, where, "integer"),
                "aggregation": _choice(entry, "aggregation", Aggregation, where, "sum"),
                "period_type": entry.get("period_type", "year"),
                "area": _choice(entry, "area", Area, where),
                "source": entry.get("source", ""),
            },
        )
        elements[code] = element
    known = set(DataElement.objects.values_list("code", flat=True))
    indicators = 0
    for order, entry in enumerate(data.get("indicators", [])):
        code = entry["code"]
        where = _("Chỉ số %(c)s") % {"c": code}
        try:
            formula = parse_formula(entry["formula"], known)
        except FormulaError as exc:
            raise ValidationError(f"{where}: {exc}") from exc
        stated = entry.get("stated_rate_element")
        if stated and stated not in known:
            raise ValidationError(_("%(w)s: không có chỉ tiêu dữ liệu “%(c)s”.") % {"w": where, "c": stated})
        indicator, _created = Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": entry["name"],
                "name_en": entry.get("name_en", ""),
                "description": entry.get("description", ""),
                "formula": formula.text,
                "unit_label": entry.get("unit", ""),
                "decimals": _decimals(entry, where),
                "direction": _choice(entry, "direction", Direction, where, "higher"),
                "area": _choice(entry, "area", Area, where),
                "period_type": entry.get("period_type", "year"),
                "stated_rate_element": DataElement.objects.get(code=stated) if stated else None,
                "source": entry.get("source", ""),
                "sort_order": order,
            },
        )
        indicator.elements.set(DataElement.objects.filter(code__in=formula.elements))
        indicators += 1
    rules = 0
    for entry in data.get("validation_rules", []):
        where = _("Quy tắc %(c)s") % {"c": entry["code"]}
        for side in ("left", "right"):
            try:
                parse_formula(str(entry[side]), known)
            except FormulaError as exc:
                raise ValidationError(f"{where}: {exc}") from exc
        ValidationRule.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "left": str(entry["left"]),
                "operator": _choice(entry, "operator", Operator, where),
                "right": str(entry["right"]),
                "message": entry["message"],
                "source": entry.get("source", ""),
            },
        )
        rules += 1
    return CatalogResult(len(elements), indicators, rules)
