"""Reads of report forms, scoped to the user's units."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from xaso.geo.models import AdminUnit

from .models import ReportForm


def report_forms_for(*, user) -> QuerySet[ReportForm]:
    return (
        ReportForm.objects.filter(unit__in=AdminUnit.objects.for_user(user))
        .select_related("unit")
        .annotate(cell_count=Count("cells"))
        .order_by("unit__name", "name")
    )


def report_form_get(*, user, pk: int) -> ReportForm:
    """A form of a unit the user may read; 404 otherwise (another commune's forms are not even named)."""
    form = ReportForm.objects.filter(pk=pk, unit__in=AdminUnit.objects.for_user(user)).select_related("unit").first()
    if form is None:
        raise Http404(_("Không có mẫu báo cáo này."))
    return form
