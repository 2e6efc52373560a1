from django.urls import path

from hogo.media import views

app_name = "media"
urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.medium_form, name="medium_new"),
    path("<int:pk>/", views.medium_page, name="medium"),
    path("<int:pk>/edit/", views.medium_form, name="medium_edit"),
    path("cabinets/", views.cabinets, name="cabinets"),
    path("cabinets/new/", views.cabinet_form, name="cabinet_new"),
    path("cabinets/<int:pk>/edit/", views.cabinet_form, name="cabinet_edit"),
    path("cabinets/<int:pk>/inventory/", views.start_inventory, name="start_inventory"),
    path("inventories/<int:pk>/", views.inventory, name="inventory"),
    path("inventory-items/<int:pk>/", views.confirm_item, name="confirm_item"),
]
