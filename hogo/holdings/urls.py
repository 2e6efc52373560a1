"""Staff routes of the register of what personal information is held."""

from hogo.holdings.views import urlpatterns as _staff

app_name = "holdings"
urlpatterns = list(_staff)
