from django.urls import path

from . import views

app_name = "geo"

urlpatterns = [
    path("<str:code>/villages/", views.village_list, name="villages"),
    path("<str:code>/villages/<str:village_code>/rename/", views.village_rename, name="village_rename"),
]
