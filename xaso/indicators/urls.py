from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("entry/", views.entry_grid, name="entry"),
    path("entry/cell/", views.entry_cell, name="entry_cell"),
    path("entry/indicators/", views.entry_indicators, name="entry_indicators"),
    path("history/", views.value_history, name="history"),
    path("violations/", views.violations, name="violations"),
    path("import/", views.import_values, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/jobs/<int:job_id>/", views.import_job, name="import_job"),
    path("import/jobs/<int:job_id>/status/", views.import_job_status, name="import_job_status"),
    path("export/", views.export_values, name="export"),
]
