from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/diff/", views.plan_diff, name="diff"),
    path("<int:pk>/legal-bases/new/", views.legal_basis_add, name="legal_basis_add"),
    path("<int:pk>/targets/new/", views.target_edit, name="target_add"),
    path("<int:pk>/targets/<int:target_id>/", views.target_edit, name="target_edit"),
    path("<int:pk>/tasks/new/", views.task_edit, name="task_add"),
    path("<int:pk>/tasks/<int:task_id>/", views.task_edit, name="task_edit"),
    path("<int:pk>/tasks/<int:task_id>/updates/new/", views.task_update_add, name="task_update_add"),
    path("<int:pk>/budget/new/", views.budget_line_edit, name="budget_add"),
    path("<int:pk>/budget/<int:line_id>/", views.budget_line_edit, name="budget_edit"),
    path("<int:pk>/responsibilities/new/", views.responsibility_add, name="responsibility_add"),
    path("<int:pk>/<str:action>/", views.plan_transition, name="transition"),
]
