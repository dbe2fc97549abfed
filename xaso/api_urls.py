"""/api/v1/: each app contributes its routes; authentication tokens live in accounts."""

from django.urls import include, path

urlpatterns = [
    path("auth/", include("xaso.accounts.api.urls")),
    path("", include("xaso.geo.api.urls")),
    path("", include("xaso.indicators.api.urls")),
    path("", include("xaso.plans.api.urls")),
    path("", include("xaso.reports.api.urls")),
    path("", include("xaso.exchange.api.urls")),
    path("", include("xaso.dti.api.urls")),
    path("", include("xaso.census.api.urls")),
]
