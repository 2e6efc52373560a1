"""WSGI entry point for waitress (the embedded default) or any other WSGI server.

The private umask (files 0600, directories 0700) comes from hogo.settings, which Django loads
before the application writes anything.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hogo.settings")
application = get_wsgi_application()
