"""/api/: version 1 of the JSON API, its OpenAPI schema and the Swagger UI (served from local files)."""
from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .v1 import auth, change_requests, contacts, customers, managers, matching, notifications, planning, system
from .v1.common import IdConverter

register_converter(IdConverter, "id")

app_name = "api"

urlpatterns = [
    path("auth/login", auth.LoginView.as_view(), name="login"),
    path("auth/refresh", auth.RefreshView.as_view(), name="refresh"),
    path("auth/verify", auth.VerifyView.as_view(), name="verify"),
    path("auth/register", auth.RegisterView.as_view(), name="register"),
    path("auth/logout", auth.LogoutView.as_view(), name="logout"),
    path("customers", customers.CustomerListView.as_view(), name="customers"),
    path("customers/<id:id>/profile", customers.CustomerProfileView.as_view(), name="customer-profile"),
    path("customers/<id:id>/contacts", contacts.ContactListView.as_view(), name="customer-contacts"),
    path("managers", managers.ManagerListView.as_view(), name="managers"),
    path("managers/<id:id>/profile", managers.ManagerProfileView.as_view(), name="manager-profile"),
    path("admin/dashboard", matching.DashboardView.as_view(), name="dashboard"),
    path("admin/auto-assign", matching.AutoAssignView.as_view(), name="auto-assign"),
    path("admin/jobs/<id:id>", matching.JobDetailView.as_view(), name="job-detail"),
    path("admin/runs", matching.RunListView.as_view(), name="runs"),
    path("admin/runs/<id:id>", matching.RunDetailView.as_view(), name="run-detail"),
    path("admin/runs/<id:id>/apply", matching.RunApplyView.as_view(), name="run-apply"),
    path("admin/runs/<id:id>/move-cost-curve", matching.RunMoveCostCurveView.as_view(), name="run-move-cost-curve"),
    path("admin/runs/<id:id>/undo", matching.RunUndoView.as_view(), name="run-undo"),
    path("admin/manual-assign", matching.ManualAssignView.as_view(), name="manual-assign"),
    path("admin/capacity-plan", planning.CapacityPlanView.as_view(), name="capacity-plan"),
    path("admin/capacity-scenarios", planning.ScenarioListView.as_view(), name="capacity-scenarios"),
    path("admin/capacity-scenarios/<id:id>", planning.ScenarioDetailView.as_view(), name="capacity-scenario"),
    path("admin/capacity-scenarios/<id:id>/evaluate", planning.ScenarioEvaluateView.as_view(),
         name="capacity-scenario-evaluate"),
    path("change-requests", change_requests.ChangeRequestListView.as_view(), name="change-requests"),
    path("change-requests/<id:id>/approve", change_requests.ChangeRequestApproveView.as_view(),
         name="change-request-approve"),
    path("change-requests/<id:id>/decline", change_requests.ChangeRequestDeclineView.as_view(),
         name="change-request-decline"),
    path("notifications", notifications.NotificationListView.as_view(), name="notifications"),
    path("notifications/settings", notifications.NotificationSettingsView.as_view(), name="notification-settings"),
    path("notifications/<id:id>/read", notifications.NotificationReadView.as_view(), name="notification-read"),
    path("vocabulary", system.VocabularyView.as_view(), name="vocabulary"),
    path("health", system.HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (`?script`): the policy
    # allows no inline script, and the one-page view's inline script was refused (a blank page).
    # Its page styles come from a file (api/swagger_ui.html): the policy allows no inline style either.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
         name="docs"),
]
