from django.urls import path

from . import views

app_name = "correspondence"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("import/", views.register_import, name="import"),
]
