"""The base of every FilterSet: a typed filter sent empty is an error, not "no filter".

django-filter reads `?level=` or `?is_legacy=` as if the parameter were absent and returns everything,
so a client that meant to filter does not learn its value was lost. A choice, boolean or number sent
empty is a 400 naming the parameter (the API's error body, through DjangoFilterBackend); free-text
filters (`q=`) may be empty.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class _NoEmptyTypedValues(forms.Form):
    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if type(field) is forms.CharField:
                continue
            key = self.add_prefix(name)
            if key in self.data and any(not v.strip() for v in self.data.getlist(key)):
                self.add_error(
                    name,
                    ValidationError(
                        _("Tham số “%(name)s” không được để trống: bỏ tham số hoặc cho một giá trị."),
                        code="blank",
                        params={"name": name},
                    ),
                )
        return cleaned


class FilterSet(django_filters.FilterSet):
    def get_form_class(self):
        return type(f"{type(self).__name__}Form", (_NoEmptyTypedValues, super().get_form_class()), {})
