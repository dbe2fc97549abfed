from django.urls import path

from . import views

app_name = "dti"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.assessment_start, name="start"),
    path("load/", views.index_upload, name="load"),
    path("assessment/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessment/<int:pk>/<slug:action>/", views.assessment_action, name="action"),
    path("score/<int:pk>/self/", views.score_self, name="self"),
    path("score/<int:pk>/review/", views.score_review, name="review"),
    path("index/<int:pk>/", views.index_detail, name="index"),
    path("index/<int:pk>/ranking/<int:year>/", views.ranking, name="ranking"),
]
