from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("receipts/<str:channel>/", views.receipt, name="receipt"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
