from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    DataElementViewSet,
    DataValueHistoryApi,
    DataValueListApi,
    IndicatorValueTableApi,
    IndicatorViewSet,
    ValidationResultApi,
)

router = SimpleRouter()
router.register("data-elements", DataElementViewSet, basename="data-element")
router.register("indicators", IndicatorViewSet, basename="indicator")

urlpatterns = [
    path("data-values/", DataValueListApi.as_view(), name="api-data-values"),
    path("data-values/history/", DataValueHistoryApi.as_view(), name="api-data-value-history"),
    path("validation/", ValidationResultApi.as_view(), name="api-validation"),
    path("indicator-values/", IndicatorValueTableApi.as_view(), name="api-indicator-values"),
    *router.urls,
]
