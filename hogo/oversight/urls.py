from django.urls import path

from hogo.oversight import views

app_name = "audit"  # the audit log's pages: /audit/
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("export.csv", views.export_csv, name="export"),
]
