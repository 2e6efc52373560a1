"""Public pages under /public/ (no log-in): the index and each organisation's notice."""

from hogo.notice.views import public

app_name = "public"
urlpatterns = [*public.urlpatterns]
