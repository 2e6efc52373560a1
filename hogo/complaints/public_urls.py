"""Public routes of complaints, under /public/complaints/ (no log-in)."""

app_name = "complaints_public"
urlpatterns: list = []
