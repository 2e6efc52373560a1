"""Staff routes of complaints."""

app_name = "complaints"
urlpatterns: list = []
