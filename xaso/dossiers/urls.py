from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("<str:code>/", views.dossier_list, name="list"),
    path("<str:code>/settings/", views.dossier_settings, name="settings"),
    path("<str:code>/service-index/", views.service_index_commune, name="service_index"),
    path("province/<str:code>/service-index/", views.service_index_province, name="service_index_province"),
]
