from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("plans/<int:pk>/plan.docx", views.plan_docx, name="plan_docx"),
    path("plans/<int:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/progress/", views.progress_report, name="progress_report"),
    path("plans/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("plans/<int:pk>/export/<str:table>.xlsx", views.export_xlsx, name="export_xlsx"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/status/", views.job_status, name="job_status"),
    path("jobs/<int:job_id>/file/", views.job_download, name="job_download"),
]
