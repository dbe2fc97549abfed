"""Production settings: everything secret or host-specific comes from the environment."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Đặt biến môi trường DJANGO_SECRET_KEY (set DJANGO_SECRET_KEY).")
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
# comma-separated addresses/CIDRs of the reverse proxies whose X-Forwarded-For (or X-Real-IP) is believed
XASO_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("XASO_TRUSTED_PROXIES", "").split(",") if p.strip()]
XASO_CLIENT_IP_HEADER = os.environ.get("XASO_CLIENT_IP_HEADER", "X-Forwarded-For")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

XASO_PRIVATE_ROOT = Path(os.environ.get("XASO_PRIVATE_ROOT", str(XASO_PRIVATE_ROOT)))  # noqa: F405
XASO_PRIVATE_FILE_SERVER = os.environ.get("XASO_PRIVATE_FILE_SERVER") or None
XASO_PRIVATE_FILE_INTERNAL_URL = os.environ.get("XASO_PRIVATE_FILE_INTERNAL_URL", "/_private/")

# collected by `manage.py collectstatic` and served by whitenoise (docs/deploy.md)
STATIC_ROOT = Path(os.environ.get("XASO_STATIC_ROOT", str(STATIC_ROOT)))  # noqa: F405
# a monitor on the server itself asks gunicorn over plain HTTP: no redirect to HTTPS for these two
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
XASO_METRICS_TOKEN = os.environ.get("XASO_METRICS_TOKEN", "")
XASO_METRICS_ALLOWED_IPS = [p.strip() for p in os.environ.get("XASO_METRICS_ALLOWED_IPS", "").split(",") if p.strip()]
XASO_HEALTH_DISK_PATHS = [p.strip() for p in os.environ.get("XASO_HEALTH_DISK_PATHS", "").split(",") if p.strip()]
XASO_HEALTH_MIN_FREE_BYTES = int(os.environ.get("XASO_HEALTH_MIN_FREE_BYTES", str(1024**3)))
LOGGING = logging_config(os.environ.get("XASO_LOG_FORMAT", "json"), os.environ.get("XASO_LOG_LEVEL", "INFO"))  # noqa: F405
XASO_BACKUP_DIR = Path(os.environ.get("XASO_BACKUP_DIR", str(XASO_BACKUP_DIR)))  # noqa: F405
XASO_BACKUP_KEEP_DAILY = int(os.environ.get("XASO_BACKUP_KEEP_DAILY", "7"))
XASO_BACKUP_KEEP_WEEKLY = int(os.environ.get("XASO_BACKUP_KEEP_WEEKLY", "4"))
XASO_PG_BIN_DIR = os.environ.get("XASO_PG_BIN_DIR", "")
