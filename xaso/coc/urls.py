from django.urls import path

from . import views

app_name = "coc"

# unit codes may hold a colon (pre-2025 units: "legacy:16150") and a dash (villages: "legacy:16150-001")
urlpatterns = [
    path("", views.home, name="home"),
    path("coc/units/", views.unit_picker, name="units"),
    path("coc/unit/<str:code>/", views.unit_overview, name="unit"),
    path("coc/unit/<str:code>/villages/", views.unit_villages, name="unit_villages"),
    path("coc/unit/<str:code>/area/<str:area>/", views.unit_area, name="unit_area"),
    path("coc/province/<str:code>/", views.province_overview, name="province"),
    path("coc/province/<str:code>/scorecard/", views.province_scorecard, name="scorecard"),
    path("coc/unit/<str:code>/publication/", views.publication_edit, name="publication"),
    path("public/<str:code>/", views.public_page, name="public"),
]
