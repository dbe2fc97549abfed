from django.urls import path

from . import views

app_name = "feedback"

# the citizen's pages under the commune's code; the officer's under manage/
urlpatterns = [
    path("manage/", views.manage_home, name="home"),
    path("manage/<str:code>/", views.manage_list, name="manage"),
    path("manage/<str:code>/flag/", views.flag, name="flag"),
    path("manage/item/<int:pk>/", views.manage_item, name="item"),
    path("manage/item/<int:pk>/<str:action>/", views.manage_action, name="action"),
    path("<str:code>/", views.public_list, name="public"),
    path("<str:code>/new/", views.submit, name="submit"),
    path("<str:code>/confirm/<uuid:token>/", views.confirm, name="confirm"),
    path("<str:code>/track/", views.track_lookup, name="track_lookup"),
    path("<str:code>/track/<str:tracking>/", views.track, name="track"),
    path("<str:code>/photo/<int:pk>/", views.public_photo, name="photo"),
]
