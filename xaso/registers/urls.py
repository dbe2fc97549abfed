from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("<slug:slug>/<str:code>/import/", views.import_upload, name="upload"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/mapping/", views.import_mapping, name="mapping"),
]
