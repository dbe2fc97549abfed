from django.urls import path, re_path

from . import views

app_name = "notify"

urlpatterns = [
    path("receipts/<str:channel>/", views.receipt, name="receipt"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("zalo/<str:code>/events/", views.zalo_webhook, name="zalo_webhook"),
    path("manage/", views.manage_home, name="home"),
    path("manage/<str:code>/", views.manage, name="manage"),
    path("manage/<str:code>/new/", views.compose, name="compose"),
    path("manage/<str:code>/announcement/<int:pk>/", views.announcement, name="announcement"),
    path("manage/<str:code>/loudspeakers/", views.loudspeakers, name="loudspeakers"),
    path("<str:code>/", views.public, name="public"),
    path("<str:code>/subscribe/", views.subscribe, name="subscribe"),
    path("<str:code>/subscribe/<str:token>/", views.subscribe_confirm, name="subscribe_confirm"),
    path("<str:code>/bulletin/<int:pk>.wav", views.bulletin_audio, name="audio"),
    re_path(r"^(?P<code>[^/]+)/playlist\.(?P<fmt>json|m3u)$", views.playlist, name="playlist"),
]
