"""Top-level routes: the UI of each domain app, the JSON API and the admin."""

from django.contrib import admin
from django.urls import include, path

from hogo.accounts.permissions import allows
from hogo.api import api

admin.site.site_header = "hogo マスタ管理"
# Only the system administrator uses the admin, decided by the one permission layer.
admin.site.has_permission = lambda request: allows(request.user, "admin.use")
admin.site.site_title = "hogo"

urlpatterns = [
    path("", include("hogo.web.urls")),
    path("accounts/", include("hogo.accounts.urls")),
    path("audit/", include("hogo.oversight.urls")),
    path("registry/", include("hogo.registry.urls")),
    path("footage/", include("hogo.footage.urls")),
    path("copies/", include("hogo.copies.urls")),
    path("copies/", include("hogo.processing.urls")),  # the same paths as before the split
    path("media/", include("hogo.media.urls")),
    path("incidents/", include("hogo.incidents.urls")),
    path("provision/", include("hogo.provision.urls")),
    path("requests/", include("hogo.requests.urls")),
    path("complaints/", include("hogo.complaints.urls")),
    path("accountability/", include("hogo.accountability.urls")),
    path("holdings/", include("hogo.holdings.urls")),
    path("notice/", include("hogo.notice.urls")),
    # Public pages, no log-in: the index and notices, the request and complaint forms.
    path("public/requests/", include("hogo.requests.public_urls")),
    path("public/complaints/", include("hogo.complaints.public_urls")),
    path("public/", include("hogo.holdings.public_urls")),
    path("public/", include("hogo.notice.public_urls")),
    path("api/uploads/", include("hogo.footage.tus_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "hogo.web.views.bad_request"
handler403 = "hogo.web.views.forbidden"
handler404 = "hogo.web.views.not_found"
handler500 = "hogo.web.views.server_error"
