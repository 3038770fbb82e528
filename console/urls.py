from django.urls import path

from .views import (
    audit, change_requests, customers, dashboard, imports, managers, matching, reports, saved_views, search,
)

app_name = "console"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/export/", customers.customer_export, name="customer_export"),
    path("customers/selected/", customers.customer_bulk, name="customer_bulk"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer"),
    path("customers/<int:pk>/assign/", customers.customer_assign_view, name="customer_assign"),
    path("customers/<int:pk>/unlock/", customers.customer_unlock, name="customer_unlock"),
    path("customers/<int:pk>/deactivate/", customers.customer_deactivate_view, name="customer_deactivate"),
    path("managers/", managers.manager_list, name="managers"),
    path("managers/suggestions/", managers.manager_suggestions, name="manager_suggestions"),
    path("managers/<int:pk>/", managers.manager_edit, name="manager"),
    path("managers/<int:pk>/move-book/", managers.manager_transfer_preview, name="manager_transfer"),
    path("managers/<int:pk>/report/", reports.manager_report, name="manager_report"),
    path("managers/<int:pk>/report/export/", reports.manager_report_export, name="manager_report_export"),
    path("reports/", reports.report_overview, name="report_overview"),
    path("reports/export/", reports.report_overview_export, name="report_overview_export"),
    path("branches/<int:pk>/report/", reports.branch_report, name="branch_report"),
    path("branches/<int:pk>/report/export/", reports.branch_report_export, name="branch_report_export"),
    path("matching/", matching.matching_home, name="matching"),
    path("matching/preview/", matching.preview_start, name="preview_start"),
    path("matching/segment/", matching.segment_start, name="segment_start"),
    path("matching/previews/<int:pk>/", matching.preview_detail, name="preview"),
    path("matching/previews/<int:pk>/apply/", matching.preview_apply, name="preview_apply"),
    path("matching/runs/<int:pk>/", matching.run_detail, name="run"),
    path("matching/runs/<int:pk>/undo/", matching.run_undo_start, name="run_undo"),
    path("jobs/<int:pk>/", matching.job_detail, name="job"),
    path("import/", imports.import_home, name="import"),
    path("import/template/<str:target>.<str:file_format>", imports.import_template, name="import_template"),
    path("import/<int:pk>/", imports.import_report, name="import_report"),
    path("import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("audit/", audit.audit_list, name="audit"),
    path("search/", search.search, name="search"),
    path("views/", saved_views.saved_view_create, name="saved_view_create"),
    path("views/<int:pk>/delete/", saved_views.saved_view_delete, name="saved_view_delete"),
    path("change-requests/", change_requests.change_request_queue, name="change_requests"),
    path("change-requests/<int:pk>/", change_requests.change_request_detail, name="change_request"),
]
