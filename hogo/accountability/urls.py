"""Staff routes of accountability (training, contractors): each views module declares its
own `urlpatterns`."""

from hogo.accountability.views import contractors, training

app_name = "accountability"
urlpatterns = [*training.urlpatterns, *contractors.urlpatterns]
