"""The offline census app under /census/app/ (xaso/census/offline.py; docs/decisions/0036-offline-census-app.md).

The service worker is served from this folder, so its scope (the folder) is the app itself."""

from django.urls import path

from xaso.census import offline

app_name = "census_app"

urlpatterns = [
    path("", offline.app_shell, name="shell"),
    path("sw.js", offline.service_worker, name="sw"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("form.json", offline.form_definition_json, name="form"),
    path("households.json", offline.households_json, name="households"),
    path("sync/", offline.sync, name="sync"),
]
