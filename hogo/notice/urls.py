"""Staff routes of notice."""

app_name = "notice"
urlpatterns: list = []
