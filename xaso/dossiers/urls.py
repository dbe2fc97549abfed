from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("<str:code>/", views.dossier_list, name="list"),
    path("<str:code>/settings/", views.dossier_settings, name="settings"),
]
