from django.urls import path

from hogo.incidents import document_views, views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.new_incident, name="new"),
    path("summary/", views.summary, name="summary"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/facts/", views.facts, name="facts"),
    path("<int:pk>/awareness/", views.awareness, name="awareness"),
    path("<int:pk>/filings/", views.filing, name="filing"),
    path("<int:pk>/links/", views.link, name="link"),
    path("<int:pk>/close/", views.close, name="close"),
    path("steps/<int:pk>/", views.step, name="step"),
    path("<int:pk>/documents/<str:kind>/", document_views.document, name="document"),
    path("<int:pk>/documents/<str:kind>/issue/", document_views.issue, name="issue_document"),
    path("<int:pk>/documents/<str:kind>/print/", document_views.print_document,
         name="print_document"),
]
