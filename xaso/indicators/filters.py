"""Filters for the catalog lists (data elements, indicators)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from xaso.core.filters import FilterSet

from .models import PERIOD_TYPE_CHOICES, Area, DataElement, Indicator, ValueType


class _CatalogFilter(FilterSet):
    area = django_filters.ChoiceFilter(choices=Area.choices, help_text="Lĩnh vực (trụ cột), ví dụ society.")
    period_type = django_filters.ChoiceFilter(choices=PERIOD_TYPE_CHOICES, help_text="Kỳ: year, quarter, month.")
    q = django_filters.CharFilter(method="filter_q", help_text="Mã hoặc tên chứa chuỗi này.")

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class DataElementFilter(_CatalogFilter):
    value_type = django_filters.ChoiceFilter(choices=ValueType.choices, help_text="Kiểu giá trị.")

    class Meta:
        model = DataElement
        fields = ["area", "period_type", "value_type", "q"]


class IndicatorFilter(_CatalogFilter):
    class Meta:
        model = Indicator
        fields = ["area", "period_type", "q"]
