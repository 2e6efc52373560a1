from django.urls import path

from hogo.footage import tus

urlpatterns = [
    path("", tus.collection, name="tus_collection"),
    path("known", tus.known, name="tus_known"),
    path("<uuid:pk>", tus.resource, name="tus_resource"),
]
