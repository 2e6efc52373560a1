"""Routes of provision: each area's views module declares its own `urlpatterns`."""

from hogo.provision.views import decision, handover, intake, public, records

app_name = "provision"
urlpatterns = [*intake.urlpatterns, *decision.urlpatterns, *handover.urlpatterns,
               *records.urlpatterns, *public.urlpatterns]
