from django.urls import path

from .views import TokenObtainApi

urlpatterns = [
    path("token/", TokenObtainApi.as_view(), name="api-token-obtain"),
]
