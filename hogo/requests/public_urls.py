"""Routes of the public request form, under /public/requests/ (no log-in)."""

from hogo.requests.views import public

app_name = "requests_public"
urlpatterns = [*public.urlpatterns]
