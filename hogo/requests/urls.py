"""Routes of a person's requests (staff screens): each area's views module declares its own
`urlpatterns`."""

from hogo.requests.views import decision, footage, intake

app_name = "requests"
urlpatterns = [*intake.urlpatterns, *decision.urlpatterns, *footage.urlpatterns]
