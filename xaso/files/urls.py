from django.urls import path

from . import views

app_name = "files"

urlpatterns = [
    path("<slug:kind>/<int:pk>/", views.private_file, name="download"),
]
