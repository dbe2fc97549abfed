from django.urls import path

from . import views

app_name = "dti"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.assessment_start, name="start"),
    path("load/", views.index_upload, name="load"),
    path("assessment/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessment/<int:pk>/return/", views.assessment_return, name="return"),
    path("assessment/<int:pk>/<slug:action>/", views.assessment_action, name="action"),
    path("score/<int:pk>/self/", views.score_self, name="self"),
    path("score/<int:pk>/review/", views.score_review, name="review"),
    path("index/<int:pk>/", views.index_detail, name="index"),
    path("index/<int:pk>/copy/", views.index_copy, name="copy"),
    path("index/<int:pk>/decision/", views.index_decision, name="index_decision"),
    path("index/<int:pk>/ranking/<int:year>/", views.ranking, name="ranking"),
    path("build/", views.draft_new, name="draft_new"),
    path("build/<int:pk>/", views.draft_detail, name="draft"),
    path("build/<int:pk>/node/", views.draft_node, name="draft_node"),
    path("build/<int:pk>/delete/", views.draft_node_delete, name="draft_delete"),
    path("build/<int:pk>/head/", views.draft_head, name="draft_head"),
    path("build/<int:pk>/decision/", views.draft_decision, name="draft_decision"),
    path("build/<int:pk>/issue/", views.draft_issue, name="draft_issue"),
    path("build/<int:pk>/discard/", views.draft_discard, name="draft_discard"),
]
