from rest_framework.routers import SimpleRouter

from .views import BudgetLineViewSet, PlanViewSet, TargetViewSet, TaskUpdateViewSet, TaskViewSet

router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("targets", TargetViewSet, basename="target")
router.register("tasks", TaskViewSet, basename="task")
router.register("task-updates", TaskUpdateViewSet, basename="task-update")
router.register("budget-lines", BudgetLineViewSet, basename="budget-line")

urlpatterns = router.urls
