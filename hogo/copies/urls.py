from django.urls import path

from hogo.copies import processing_views, views

app_name = "copies"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.new_request, name="new"),
    path("requests/<int:pk>/", views.detail, name="detail"),
    path("requests/<int:pk>/decide/", views.decide, name="decide"),
    path("copies/<int:pk>/extend/", views.extend, name="extend"),
    path("copies/<int:pk>/hold/", views.hold, name="hold"),
    path("holds/<int:pk>/release/", views.release, name="release"),
    path("certificates/<int:pk>/", views.certificate, name="certificate"),
    path("copies/<int:pk>/export/", views.export, name="export"),
    path("exports/<str:token>/", views.download, name="download"),
    path("copies/<int:pk>/processing/", processing_views.ask, name="ask_processing"),
    path("processing/<int:pk>/", processing_views.page, name="processing"),
    path("processing/<int:pk>/progress/", processing_views.progress,
         name="processing_progress"),
    path("processing/<int:pk>/decide/", processing_views.decide, name="processing_decide"),
    path("processing/<int:pk>/review/", processing_views.review, name="processing_review"),
    path("processing/<int:pk>/frames/<int:index>.jpg", processing_views.frame,
         name="processing_frame"),
]
