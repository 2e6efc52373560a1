from django.urls import path

from hogo.media import views

app_name = "media"
urlpatterns = [
    path("", views.board, name="board"),
    path("<int:pk>/", views.medium_page, name="medium"),
    path("cabinets/<int:pk>/inventory/", views.start_inventory, name="start_inventory"),
    path("inventories/<int:pk>/", views.inventory, name="inventory"),
    path("inventory-items/<int:pk>/", views.confirm_item, name="confirm_item"),
]
