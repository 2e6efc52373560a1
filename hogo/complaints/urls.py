"""Staff routes of complaints (under /complaints/)."""

from hogo.complaints.views import staff

app_name = "complaints"
urlpatterns = [*staff.urlpatterns]
