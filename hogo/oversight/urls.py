from django.urls import path

from hogo.oversight import flag_views, report_views, views

app_name = "audit"  # the audit log's pages: /audit/
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("export.csv", views.export_csv, name="export"),
    path("flags/", flag_views.flag_list, name="flags"),
    path("flags/<int:pk>/", flag_views.flag_detail, name="flag"),
    path("flags/<int:pk>/dismiss", flag_views.flag_dismiss, name="flag_dismiss"),
    path("access-report/", report_views.report, name="access_report"),
    path("access-report.csv", report_views.report_csv, name="access_report_csv"),
]
