from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("commune/<str:code>/", views.overview, name="overview"),
    path("village/<str:code>/", views.team, name="team"),
    path("village/<str:code>/member/", views.member, name="member_new"),
    path("village/<str:code>/member/<int:pk>/", views.member, name="member"),
    path("village/<str:code>/member/<int:pk>/training/", views.training, name="training"),
]
