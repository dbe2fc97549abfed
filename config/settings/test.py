"""Test settings: fast hashing, an in-memory cache, the same database choice as local."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR, _fragment_cache, _limits_cache

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# static files are served from the apps by whitenoise finders; no collectstatic needed here
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# private files (uploads, generated reports) go to a fresh folder per run, never into var/
XASO_PRIVATE_ROOT = Path(tempfile.mkdtemp(prefix="xaso-private-"))

# report jobs run inside the request that queues them
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Browser tests: the live server answers in several threads at once. An in-memory SQLite database is one
# connection shared by all of them ("database table is locked"); a file gives each thread its own connection.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and os.environ.get("XASO_TEST_SQLITE_FILE"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-browser.sqlite3")}
    DATABASES["default"]["OPTIONS"]["timeout"] = 30

# rendered fragments and the limits' counts in this process's memory (the test processes run side by side and must
# not count each other's requests); emptied before each test (xaso/conftest.py)
CACHES = {"default": _limits_cache("locmem"), "fragments": _fragment_cache("locmem")}
