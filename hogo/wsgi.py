"""WSGI entry point for waitress (the embedded default) or any other WSGI server."""

import os

os.umask(0o077)  # files 0600, directories 0700: nothing hogo writes is for other accounts

from django.core.wsgi import get_wsgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hogo.settings")
application = get_wsgi_application()
