from django.urls import path

from hogo.registry import views

app_name = "registry"
urlpatterns = [
    path("vehicles/", views.vehicles, name="vehicles"),
    path("register/", views.register, name="register"),
    path("register/vehicles/new/", views.vehicle_form, name="vehicle_new"),
    path("register/vehicles/<int:pk>/", views.vehicle_page, name="vehicle"),
    path("register/vehicles/<int:pk>/edit/", views.vehicle_form, name="vehicle_edit"),
    path("register/vehicles/<int:vehicle_pk>/recorders/new/", views.recorder_form,
         name="recorder_new"),
    path("register/recorders/<int:pk>/edit/", views.recorder_form, name="recorder_edit"),
]
