from django.urls import path

from hogo.copies import playback_views, views

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
    path("copies/<int:pk>/watch/", playback_views.watch, name="watch"),
    path("copies/<int:pk>/stream", playback_views.stream, name="stream"),
]
