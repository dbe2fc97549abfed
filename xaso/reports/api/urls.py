from django.urls import path, re_path

from .views import (
    EvaluationApi,
    PlanDocumentApi,
    PlanExportApi,
    ProgressReportApi,
    ReportJobDetailApi,
    ReportJobFileApi,
    ReportJobListApi,
)

urlpatterns = [
    re_path(r"^plans/(?P<pk>\d+)/document\.(?P<ext>docx|pdf)$", PlanDocumentApi.as_view(), name="plan-document"),
    re_path(
        r"^plans/(?P<pk>\d+)/progress-report\.(?P<ext>docx|pdf)$",
        ProgressReportApi.as_view(),
        name="plan-progress-report",
    ),  # fmt: skip
    re_path(r"^plans/(?P<pk>\d+)/evaluation\.(?P<ext>docx|pdf)$", EvaluationApi.as_view(), name="plan-evaluation"),
    path("plans/<int:pk>/export/<str:table>.xlsx", PlanExportApi.as_view(), name="plan-export"),
    path("report-jobs/", ReportJobListApi.as_view(), name="report-job-list"),
    path("report-jobs/<int:job_id>/", ReportJobDetailApi.as_view(), name="report-job-detail"),
    path("report-jobs/<int:job_id>/file/", ReportJobFileApi.as_view(), name="report-job-file"),
]
