"""Public routes of complaints, under /public/complaints/ (no log-in)."""

from hogo.complaints.views import public

app_name = "complaints_public"
urlpatterns = [*public.urlpatterns]
