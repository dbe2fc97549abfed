"""Settings of the server the page benchmark starts (`bench/pages_bench.py`): production's behaviour over plain
HTTP on 127.0.0.1 — DEBUG off, no query log, the templates cached — plus the trivial view of `bench/urls.py`
and a `Server-Timing` header (`bench/middleware.py`). Never used to serve users."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import MIDDLEWARE

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench-pages-not-secret-" + "x" * 40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.ServerTiming", *MIDDLEWARE]

# static files straight from the apps (no collectstatic), as the test settings serve them
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "loggers": {"xaso": {"level": "WARNING"}}}
