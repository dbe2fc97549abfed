from django.urls import path

from . import views

app_name = "steering"

urlpatterns = [
    path("", views.home, name="home"),
    path("unit/<int:unit_id>/", views.committee, name="committee"),
    path("unit/<int:unit_id>/reviews/", views.reviews, name="reviews"),
    path("member/<int:pk>/end/", views.member_end, name="member_end"),
    path("review/<int:pk>/", views.review_detail, name="review"),
    path("review/<int:pk>/<slug:action>/", views.review_action, name="review_action"),
    path("review/<int:pk>/report.<slug:fmt>", views.review_document, name="review_document"),
    path("follow-up/<int:pk>/remove/", views.follow_up_remove, name="follow_up_remove"),
]
