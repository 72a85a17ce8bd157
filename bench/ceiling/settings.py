"""Settings of the ceiling project: the least a production Django site runs for a request."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = "bench-ceiling-" + "k" * 50
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.ceiling.urls"
WSGI_APPLICATION = "bench.ceiling.wsgi.application"
INSTALLED_APPS = ["django.contrib.staticfiles"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
]
DATABASES = {}
USE_TZ = True
# bigsoc's collected files, so WhiteNoise looks each path up in the same table as bigsoc's does.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
LOGGING_CONFIG = None
