from django.urls import path

from hogo.footage import views

app_name = "footage"
urlpatterns = [
    path("", views.search, name="search"),
    path("uploads/", views.uploads, name="uploads"),
    path("uploads/<uuid:pk>/", views.quarantined, name="quarantined"),
    path("uploads/<uuid:pk>/release/", views.release, name="release_quarantined"),
    path("uploads/<uuid:pk>/erase/", views.erase, name="erase_quarantined"),
    path("vehicles/<int:vehicle_id>/timeline/", views.timeline, name="timeline"),
    path("segments/<int:pk>/", views.watch, name="watch"),
    path("segments/<int:pk>/stream", views.stream, name="stream"),
]
