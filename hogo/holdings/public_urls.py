"""The public 個人情報ファイル簿, under /public/ (no log-in)."""

from hogo.holdings.views import public_urlpatterns

app_name = "holdings_public"
urlpatterns = list(public_urlpatterns)
