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
    path("export/", views.export_values, name="export"),
]
