from django.urls import path

from hogo.registry import views

app_name = "registry"
urlpatterns = [path("vehicles/", views.vehicles, name="vehicles")]
