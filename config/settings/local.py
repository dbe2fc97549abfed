"""Development settings: `make run` uses these."""

from .base import *  # noqa: F403

DEBUG = True

# static files are served from the apps by whitenoise finders; no collectstatic needed here
STATIC_ROOT = None
# plain names: the hashed-name storage of production (base.py) reads a manifest that only collectstatic writes
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
