from rest_framework.routers import SimpleRouter

from .views import AssessmentViewSet, IndexVersionViewSet

router = SimpleRouter()
router.register("dti/indexes", IndexVersionViewSet, basename="dti-index")
router.register("dti/assessments", AssessmentViewSet, basename="dti-assessment")

urlpatterns = router.urls
