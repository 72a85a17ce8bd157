"""WSGI entry point for gunicorn: `gunicorn bigsoc.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigsoc.settings")

application = get_wsgi_application()
