from django.urls import path

from .views import HouseholdDetailApi, HouseholdListApi, SubmissionApi, VillageFiguresApi

urlpatterns = [
    path("census/households/", HouseholdListApi.as_view(), name="api-census-households"),
    path("census/households/<uuid:uid>/", HouseholdDetailApi.as_view(), name="api-census-household"),
    path("census/villages/", VillageFiguresApi.as_view(), name="api-census-villages"),
    path("census/submissions/", SubmissionApi.as_view(), name="api-census-submissions"),
]
