"""Staff routes of accountability (training, contractors, self-inspection, the annual
summary): each views module declares its own `urlpatterns`."""

from hogo.accountability.views import contractors, inspections, summary, training

app_name = "accountability"
urlpatterns = [*training.urlpatterns, *contractors.urlpatterns, *inspections.urlpatterns,
               *summary.urlpatterns]
