"""Processing screens, under the same /copies/ paths they had in the copies app (bookmarks
keep working); hogo.urls includes this beside hogo.copies.urls."""

from django.urls import path

from hogo.processing import views

app_name = "processing"
urlpatterns = [
    path("copies/<int:pk>/processing/", views.ask, name="ask"),
    path("processing/<int:pk>/", views.page, name="page"),
    path("processing/<int:pk>/progress/", views.progress, name="progress"),
    path("processing/<int:pk>/decide/", views.decide, name="decide"),
    path("processing/<int:pk>/review/", views.review, name="review"),
    path("processing/<int:pk>/frames/<int:index>.jpg", views.frame, name="frame"),
    path("processing/<int:pk>/detections/<str:track_id>.jpg", views.detection,
         name="detection"),
]
