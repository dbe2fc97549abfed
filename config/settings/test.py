"""Test settings: fast hashing, an in-memory cache, the same database choice as local."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# static files are served from the apps by whitenoise finders; no collectstatic needed here
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# report jobs run inside the request that queues them
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
