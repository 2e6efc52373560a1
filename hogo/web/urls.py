from django.urls import path

from hogo.web import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
