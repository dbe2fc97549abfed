from django.urls import path

from . import views

app_name = "census"

urlpatterns = [
    path("", views.home, name="home"),
    path("commune/<str:code>/", views.progress, name="progress"),
    path("commune/<str:code>/export/", views.export, name="export"),
    path("commune/<str:code>/access-log/", views.access_log, name="access_log"),
    path("village/<str:code>/", views.village, name="village"),
    path("village/<str:code>/new/", views.household_edit, name="household_new"),
    path("village/<str:code>/complete/", views.village_complete, name="village_complete"),
    path("village/<str:code>/household/<uuid:uid>/edit/", views.household_edit, name="household_edit"),
    path("household/<uuid:uid>/", views.household, name="household"),
    path("household/<uuid:uid>/assign/", views.household_assign, name="household_assign"),
    path("household/<uuid:uid>/withdraw/", views.household_withdraw, name="household_withdraw"),
    path("household/<uuid:uid>/conflict-seen/", views.household_conflict_seen, name="household_conflict_seen"),
]
