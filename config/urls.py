from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("xaso.ops.urls")),  # /healthz, /metrics
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
    path("documents/", include("xaso.correspondence.urls")),
    path("report-forms/", include("xaso.reportforms.urls")),
    path("files/", include("xaso.files.urls")),
    path("exchange/", include("xaso.exchange.urls")),
    path("registers/", include("xaso.registers.urls")),
    path("dossiers/", include("xaso.dossiers.urls")),
    # the offline census app, before the census pages; its service worker lives in this folder, so its scope is the app
    path("census/app/", include("xaso.census.urls_offline")),
    path("census/", include("xaso.census.urls")),
    path("teams/", include("xaso.teams.urls")),
    path("dti/", include("xaso.dti.urls")),
    path("steering/", include("xaso.steering.urls")),
    path("feedback/", include("xaso.feedback.urls")),
    path("notify/", include("xaso.notify.urls")),
    path("open311/v2/", include("xaso.feedback.open311.urls")),
    path("", include("xaso.coc.urls")),
]

# on /api/ paths Django's own errors answer in the API's JSON error body
handler400 = "xaso.core.views.bad_request"
handler403 = "xaso.core.views.permission_denied"
handler404 = "xaso.core.views.page_not_found"
handler500 = "xaso.core.views.server_error"

__all__ = ["handler400", "handler403", "handler404", "handler500", "i18n_patterns", "urlpatterns"]
