"""Development settings: `make run` uses these."""

from .base import *  # noqa: F403

DEBUG = True

# static files are served from the apps by whitenoise finders; no collectstatic needed here
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
