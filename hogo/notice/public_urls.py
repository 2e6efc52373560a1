"""Public pages under /public/ (no log-in): the index and each organisation's notice."""

app_name = "public"
urlpatterns: list = []
