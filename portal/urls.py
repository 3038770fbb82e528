from django.urls import path

from .views import auth, change_requests, contacts, customer, notifications, reports, search, workspace

app_name = "portal"

urlpatterns = [
    path("", auth.home, name="home"),
    path("accounts/login/", auth.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth.SignOutView.as_view(), name="logout"),
    path("accounts/register/", auth.register, name="register"),
    path("accounts/password/", auth.PasswordChangeView.as_view(), name="password_change"),
    # The link of a reset mail (sent by staff from the admin: `accounts.services.user_password_reset_send`).
    path("accounts/password/reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("me/", customer.me, name="me"),
    path("me/change-request/", change_requests.change_request_create, name="change_request"),
    path("workspace/", workspace.workspace, name="workspace"),
    path("workspace/customers/<int:pk>/", workspace.workspace_customer, name="workspace_customer"),
    path("workspace/customers/<int:pk>/contacts/", contacts.workspace_contact_create, name="workspace_contact_create"),
    path(
        "workspace/customers/<int:pk>/contacts/<int:contact_pk>/", contacts.workspace_contact_edit,
        name="workspace_contact_edit",
    ),
    path("workspace/search/", search.search, name="search"),
    path("workspace/profile/", workspace.workspace_profile, name="workspace_profile"),
    path("workspace/report/", reports.workspace_report, name="workspace_report"),
    path("workspace/report/export/", reports.workspace_report_export, name="workspace_report_export"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
]
