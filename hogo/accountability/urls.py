"""Staff routes of accountability (training, contractors)."""

app_name = "accountability"
urlpatterns: list = []
