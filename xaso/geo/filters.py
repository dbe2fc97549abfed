"""Filters for unit lists (the API's /units/ and any screen that lists units)."""

from __future__ import annotations

import django_filters

from xaso.core.filters import FilterSet

from .models import AdminUnit, Level


class UnitFilter(FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, help_text="Cấp: province, district, commune, village.")
    parent = django_filters.CharFilter(field_name="parent__code", help_text="Mã đơn vị cấp trên trực tiếp.")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Tên chứa chuỗi này.")
    is_legacy = django_filters.BooleanFilter(help_text="true: đơn vị trước sắp xếp 1/7/2025.")

    class Meta:
        model = AdminUnit
        fields = ["level", "parent", "q", "is_legacy"]
