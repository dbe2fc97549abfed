from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("new/", views.endpoint_edit, name="new"),
    path("<int:pk>/", views.endpoint_detail, name="detail"),
    path("<int:pk>/edit/", views.endpoint_edit, name="edit"),
    path("<int:pk>/action/", views.endpoint_action, name="action"),
]
