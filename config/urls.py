from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves Swagger UI's start-up script as a file (/api/docs/?script=), not inline: CSP-safe
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("xaso.api_urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("xaso.accounts.urls")),
    path("units/", include("xaso.geo.urls")),
    path("data/", include("xaso.indicators.urls")),
    path("plans/", include("xaso.plans.urls")),
    path("reports/", include("xaso.reports.urls")),
    path("files/", include("xaso.files.urls")),
    path("", include("xaso.coc.urls")),
]

__all__ = ["i18n_patterns", "urlpatterns"]
