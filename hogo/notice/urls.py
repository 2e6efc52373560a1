"""Staff routes of notice (under /notice/): the privacy officer's screen and the history."""

from hogo.notice.views import edit

app_name = "notice"
urlpatterns = [*edit.urlpatterns]
