from django.urls import path

from . import views

app_name = "reportforms"

urlpatterns = [
    path("", views.form_list, name="list"),
    path("new/", views.form_create, name="create"),
    path("<int:pk>/", views.form_detail, name="detail"),
    path("<int:pk>/cells/", views.cell_add, name="cell_add"),
    path("<int:pk>/cells/<int:cell_pk>/remove/", views.cell_remove, name="cell_remove"),
    path("<int:pk>/period/", views.period_set, name="period"),
    path("<int:pk>/delete/", views.form_delete, name="delete"),
    path("<int:pk>/import/", views.report_upload, name="upload"),
]
