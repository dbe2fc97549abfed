"""Settings shared by every environment. Environment-specific files import from here."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from xaso.ops.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = "insecure-local-key-change-me"  # overridden in production
DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "xaso.ops",  # before django_tasks_db: its `db_worker` records the heartbeat /healthz reads
    "django_tasks_db",
    "axes",
    "xaso.core",
    "xaso.files",
    "xaso.geo",
    "xaso.accounts",
    "xaso.indicators",
    "xaso.coc",
    "xaso.plans",
    "xaso.reports",
    "xaso.exchange",
    "xaso.correspondence",
    "xaso.reportforms",
    "xaso.registers",
    "xaso.dossiers",
    "xaso.privacy",
    "xaso.teams",
    "xaso.census",
    "xaso.dti",
    "xaso.steering",
    "xaso.notify",
    "xaso.feedback",
    "xaso.demo",
]

MIDDLEWARE = [
    # outermost: request id, latency by view (Prometheus), the request's log line (xaso.ops)
    "xaso.ops.middleware.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # outside the session: one read-after-write scope per request (xaso.core.db_router); nothing without a replica
    "xaso.core.db_router.ReadAfterWriteMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xaso.core.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "xaso.core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # last: turns a login answered while locked out into a 429 with Retry-After (xaso.accounts.lockout)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xaso" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'xaso.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }

# Read replica (docs/decisions/0021-national-topology.md): a PostgreSQL streaming replica of `default`. Reads that
# opt in with xaso.core.db_router.using_replica() (province table, scorecard, dashboards, province export) go to it
# while it is fresh; everything else, and a user's reads for a while after they wrote, go to the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["xaso.core.db_router.PrimaryReplicaRouter"]
# seconds: a user reads from the primary this long after a write (at least max_lag + check, checked at start-up);
# a replica further behind than max_lag is not read; its lag is checked at most every check_seconds per process
XASO_REPLICA = {"read_after_write_seconds": 30, "max_lag_seconds": 5, "check_seconds": 1}

# Rendered page fragments (docs/decisions/0024-page-cache.md): the expensive part of a page, kept until the next
# write that changes it (keys carry the unit's data version) and at most a day. Shared by every worker and
# process: a folder under var/ (default), the database ("database": run `manage.py createcachetable` once),
# Redis ("redis://host:6379/1", needs the redis package), or "none" to render every time.
XASO_FRAGMENT_CACHE = os.environ.get("XASO_FRAGMENT_CACHE", "file")
XASO_FRAGMENT_CACHE_SECONDS = 24 * 3600
XASO_FRAGMENT_CACHE_ENTRIES = 3000


def _cache(spec: str, name: str, *, timeout: int, entries: int, variable: str, none: bool = True) -> dict:
    """A cache from its setting: `file` (a folder under var/cache/), `database` (table xaso_<name>_cache),
    `redis://…`, `locmem` (this process only) or, where allowed, `none`."""
    common = {"TIMEOUT": timeout, "OPTIONS": {"MAX_ENTRIES": entries}}
    if spec == "file":
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(VAR_DIR / "cache" / name), **common}  # fmt: skip
    if spec == "database":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": f"xaso_{name}_cache", **common}
    if spec.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": spec, "TIMEOUT": timeout}
    if spec == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name, **common}
    if spec == "none" and none:
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    choices = "file, database, redis://…, locmem" + (" or none" if none else "")
    raise ValueError(f"{variable}={spec!r}: use {choices}")


def _fragment_cache(spec: str) -> dict:
    return _cache(spec, "fragments", timeout=XASO_FRAGMENT_CACHE_SECONDS, entries=XASO_FRAGMENT_CACHE_ENTRIES,
                  variable="XASO_FRAGMENT_CACHE")  # fmt: skip


# The default cache holds the request counts of every limit: Django REST framework's throttles and the public pages'
# limits per network address (xaso/core/throttle.py, decision 0061). It must be one count for every worker process:
# a per-process cache ("locmem") would give each of N workers its own, N times the limit. A folder under var/
# (default: one machine), the database ("database": `manage.py createcachetable` once; several machines) or Redis.
XASO_LIMITS_CACHE = os.environ.get("XASO_LIMITS_CACHE", "file")


def _limits_cache(spec: str) -> dict:
    return _cache(spec, "limits", timeout=3600, entries=5_000, variable="XASO_LIMITS_CACHE", none=False)


CACHES = {
    "default": _limits_cache(XASO_LIMITS_CACHE),
    "fragments": _fragment_cache(XASO_FRAGMENT_CACHE),
}

# Content-Security-Policy on every response (Django's middleware). Scripts and stylesheets come from xaso itself;
# an inline <script>/<style> needs the request's nonce (`nonce="{{ csp_nonce }}"`); no inline event handlers, no
# eval (htmx is configured without it in base.html). Inline style ATTRIBUTES are allowed (`style-src-attr`): the
# templates size boxes and progress bars with style="width:…"/"max-width:…", which cannot run code. A private file
# overrides this with its own `sandbox` policy (xaso.files.serving).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# axes first: it refuses a locked-out client before any password is checked
# Django's database sessions, read with one plain SQL statement (docs/decisions/0037-per-request-reads.md)
SESSION_ENGINE = "xaso.accounts.sessions"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend loading the user with their unit (one query for both on every request)
    "xaso.accounts.backends.UserWithUnitBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "coc:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# dates shown and typed day first (31/12/2026) in both languages; Django's own locale files give the rest
FORMAT_MODULE_PATH = ["xaso.core.formats"]
# every form renders through the design system's markup: xaso/templates/components/form.html and field.html
FORM_RENDERER = "xaso.core.forms.XasoFormRenderer"

STATIC_URL = "/static/"
# the shared layout's assets (xaso.css, vendored htmx and Chart.js) live outside any app
STATICFILES_DIRS = [BASE_DIR / "xaso" / "static"]
STATIC_ROOT = VAR_DIR / "static"
# Nothing is served from MEDIA_URL: uploads and generated reports are private files (xaso.files), kept outside
# every public URL and read only through the view that checks rights. MEDIA_ROOT is where older versions kept
# them; `manage.py move_private_files` (also run by the migration) moves them to XASO_PRIVATE_ROOT.
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
XASO_PRIVATE_ROOT = VAR_DIR / "private"
# Value history archived by `manage.py archive_value_history` (docs/decisions/0016-import-pipeline.md).
XASO_HISTORY_ARCHIVE_ROOT = VAR_DIR / "history-archive"
# Who sends a private file once the view has checked the rights: None (Django streams it), "nginx"
# (X-Accel-Redirect to XASO_PRIVATE_FILE_INTERNAL_URL, an `internal` location aliased to XASO_PRIVATE_ROOT) or
# "apache" (X-Sendfile with the file's path; mod_xsendfile with XSendFilePath set to XASO_PRIVATE_ROOT).
XASO_PRIVATE_FILE_SERVER = None
XASO_PRIVATE_FILE_INTERNAL_URL = "/_private/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # hashed names (xaso.<hash>.css) and a gzip copy: whitenoise then serves them cached for a year, immutable
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# an API key (token) is refused, and deleted, this many days after it was issued (xaso.accounts.authentication)
XASO_API_TOKEN_DAYS = 30

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xaso.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "xaso.core.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "xaso.core.pagination.Pagination",
    "PAGE_SIZE": 100,
    # JSON in, JSON out: another body type is a 415, another Accept a 406, both in the API's error body
    "DEFAULT_PARSER_CLASSES": ["xaso.core.parsers.JSONParser"],
    # strict JSON; a number stored before the input bounds (Infinity, NaN) goes out as null (xaso.core.api)
    "DEFAULT_RENDERER_CLASSES": ["xaso.core.api.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "xaso.core.api.exception_handler",
    # DRF's default throttle key trusts no X-Forwarded-For; xaso's throttles key on xaso.accounts.client_ip
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {"auth_token": "20/minute"},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "xaso API",
    "DESCRIPTION": "Xã số — API cho dữ liệu chuyển đổi số cấp xã (đơn vị hành chính, chỉ tiêu, số liệu).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # /api/docs/ requests nothing from another host: sidecar's favicon, and no badge from the online validator
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},  # a deep link would nest a link in a button
}

# Logs on stderr: XASO_LOG_FORMAT=json writes one JSON object per line (request id on every record), "text" plain
# lines; XASO_LOG_LEVEL sets xaso's own loggers (xaso.ops.logs).
LOGGING = logging_config(os.environ.get("XASO_LOG_FORMAT", "text"), os.environ.get("XASO_LOG_LEVEL", "INFO"))

# Background jobs (large exports): Django's task framework, stored in the database; run `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Values more than this many years after today are refused on entry.
XASO_MAX_FUTURE_YEARS = 0

# Password guessing (docs/decisions/0013-login-lockout.md). Failed logins through any door
# (HTML login, admin login, API token) are counted by django-axes per rule; a rule at its limit locks that
# account / address / pair until enough failures are AXES_COOLOFF_TIME old. A successful login clears the account.
XASO_LOGIN_LIMITS = {"account_address": 5, "account": 10, "address": 20}
AXES_LOCKOUT_PARAMETERS = "xaso.accounts.lockout.lockout_parameters"
AXES_FAILURE_LIMIT = XASO_LOGIN_LIMITS["account_address"]  # the scale axes compares on (see LoginLockoutHandler)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_HANDLER = "xaso.accounts.lockout.LoginLockoutHandler"
AXES_CLIENT_IP_CALLABLE = "xaso.accounts.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "xaso.accounts.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = False  # xaso clears only the account's failures (LoginLockoutHandler.user_logged_in)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lock ends on time, however often the attacker retries
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure kept for administrators (admin: Axes › access failures)

# The reverse proxies in front of xaso (addresses or CIDR ranges). Only a request whose direct peer is one of
# them has its XASO_CLIENT_IP_HEADER read; empty: the client is REMOTE_ADDR and forwarded headers are ignored.
XASO_TRUSTED_PROXIES: list[str] = []
XASO_CLIENT_IP_HEADER = "X-Forwarded-For"  # or "X-Real-IP"; the proxy must set it (append/overwrite), not pass it on

# Bounds on an imported CSV or XLSX, checked before and while it is read (xaso/indicators/filelimits.py has
# every name, its default and why; docs/security.md lists them). Override a name here to change it, e.g.
# XASO_IMPORT_LIMITS = {"rows": 400_001, "seconds": 120}.
XASO_IMPORT_LIMITS: dict = {}
# Import files larger than this are imported by the task worker, the page showing the progress and then the report
# (docs/decisions/0016-import-pipeline.md).
XASO_IMPORT_BACKGROUND_BYTES = 2 * 1024 * 1024

# Operations (docs/deploy.md). /metrics answers a request bearing XASO_METRICS_TOKEN (Authorization: Bearer …) or
# coming from an address in XASO_METRICS_ALLOWED_IPS (addresses or CIDR ranges); nobody when both are empty.
XASO_METRICS_TOKEN = ""
XASO_METRICS_ALLOWED_IPS: list[str] = []
# The job worker writes a heartbeat this often; /healthz fails when the newest is older than the stale limit.
XASO_WORKER_HEARTBEAT_SECONDS = 15
XASO_WORKER_STALE_SECONDS = 60
# /healthz fails when one of these directories (default: XASO_PRIVATE_ROOT) has less free space than this.
XASO_HEALTH_DISK_PATHS: list[str] = []
XASO_HEALTH_MIN_FREE_BYTES = 1024**3
# The daily clean-up (`manage.py housekeeping`, xaso/ops/housekeeping.py): how long each kind of record is kept.
XASO_IMPORT_JOB_DAYS = 30  # finished background imports and their reports
XASO_REPORT_FILE_DAYS = 30  # files of finished background exports
XASO_LOGIN_LOG_DAYS = 90  # successful and failed logins (account name, address, browser: personal data)
# Personal data of the household census (docs/decisions/0034-personal-data.md): a household not confirmed for this
# many days is deleted; the log of reads of personal data is kept this long (proof for the data subject).
XASO_CENSUS_RETENTION_DAYS = 5 * 365
XASO_ACCESS_LOG_DAYS = 2 * 365
# Backups (`manage.py backup`, xaso.ops.backup): where, and how many daily and weekly ones are kept.
XASO_BACKUP_DIR = VAR_DIR / "backups"
XASO_BACKUP_KEEP_DAILY = 7
XASO_BACKUP_KEEP_WEEKLY = 4
XASO_PG_BIN_DIR = ""  # pg_dump / pg_restore from here when set (e.g. /usr/lib/postgresql/15/bin), else the PATH

# Exchange with province operations centres (docs/decisions/0029-exchange.md, docs/deploy.md "Push to an operations
# centre"). Pull and import bounds; push: batch size, queue bound per endpoint, retries, and the SSRF guard.
XASO_EXCHANGE_MAX_ROWS = 500_000  # figures in one ADX pull (streamed); more: a 400 asking to narrow it
XASO_EXCHANGE_MAX_IMPORT_VALUES = 50_000  # figures in one import (JSON or ADX)
XASO_EXCHANGE_MAX_IMPORT_BYTES = 20 * 1024 * 1024  # body of one import
XASO_EXCHANGE_ADX_DATASET = "XASO"  # the ADX dataSet of every group xaso writes
XASO_EXCHANGE_BATCH_SIZE = 500  # figures per pushed batch
XASO_EXCHANGE_QUEUE_MAX = 200_000  # figures waiting per endpoint; beyond, counted as dropped (resend needed)
XASO_EXCHANGE_RETRY = {"base_seconds": 30, "max_seconds": 3600, "max_attempts": 10}
XASO_EXCHANGE_TIMEOUT_SECONDS = 15
XASO_EXCHANGE_REQUIRE_HTTPS = True
XASO_EXCHANGE_ALLOW_PRIVATE_ADDRESSES = False  # True only for a receiver on the same private network

# Citizens: feedback and messages (docs/decisions/0038-feedback.md, 0039-deliveries.md, 0040-loudspeakers.md).
# The address citizens reach xaso at, for the links in their messages (tracking page, unsubscribe).
XASO_PUBLIC_BASE_URL = os.environ.get("XASO_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# One provider per channel: "local" (the outbox table: development and tests), "http_sms" (url, token),
# "zalo_oa" (access_token), "email" (Django's EMAIL_* settings, SMTP). Not listed: local.
XASO_NOTIFY_PROVIDERS: dict[str, dict] = {}
# Sending policy of every channel, overridden per channel below: sends a minute, messages a commune may queue a day,
# retries of a temporary failure (exponential backoff with jitter: base × 2^(n−1), at most max, n < max_attempts).
XASO_NOTIFY_DEFAULTS = {
    "rate_per_minute": 60,
    "daily_cap": 5000,
    "retry_base_seconds": 30,
    "retry_max_seconds": 3600,
    "max_attempts": 6,
}
XASO_NOTIFY_LIMITS = {
    "sms": {"rate_per_minute": 30, "daily_cap": 2000},
    "zalo": {"rate_per_minute": 60, "daily_cap": 5000},
    "email": {"rate_per_minute": 60, "daily_cap": 5000},
    "loudspeaker": {"daily_cap": 2000},
}
XASO_NOTIFY_CODE_MINUTES = 10  # a one-time code holds this long
XASO_NOTIFY_RECORD_DAYS = 180  # finished deliveries (they hold the address) and the local outbox are kept this long
# Feedback: at most this many items per phone/e-mail a day and per network address an hour; the sender's contact
# is erased this many days after the item closed; a network address may look up this many unknown tracking codes an
# hour (decision 0061).
XASO_FEEDBACK = {
    "per_contact_per_day": 5,
    "per_ip_per_hour": 10,
    "contact_days": 365,
    "track_misses_per_ip_per_hour": 20,
}
# One-time codes (decision 0061): at most this many codes to one phone/e-mail an hour, whatever asked for them (feedback
# in any commune, subscriptions), and subscriptions asked for from one network address an hour.
XASO_NOTIFY_CODE_LIMITS = {"per_address_per_hour": 10, "subscribe_per_ip_per_hour": 10}
# Loudspeakers (docs/decisions/0040-loudspeakers.md): the daily slots (local time) a bulletin is scheduled in, and
# the Vietnamese voice of espeak-ng (`vi` Northern, `vi-vn-x-central`, `vi-vn-x-south`) and its speed.
XASO_LOUDSPEAKER_SLOTS = {"morning": "06:00", "evening": "17:00"}
XASO_TTS = {"voice": "vi", "words_per_minute": 130}
# Zalo OA webhook (docs/decisions/0050-zalo-followers.md): `XASO_NOTIFY_PROVIDERS["zalo"]` also holds the app's
# `app_id`, the OA's `oa_secret_key` (and optionally `oa_id`); an event is accepted within `window_seconds` of its
# timestamp, at most `per_minute` events a minute per commune.
XASO_ZALO_WEBHOOK = {"window_seconds": 300, "per_minute": 120}
# The feedback form's map (docs/decisions/0049-map-points.md). No tile server: the form offers "use my location" and
# typed coordinates. A province's own tile server, or OpenStreetMap's within its usage policy (with its attribution):
#   XASO_MAP_TILE_URL="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
#   XASO_MAP_ATTRIBUTION='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
# The tile host is added to the Content-Security-Policy's img-src (that host only). `communes`: a commune's centre
# and radius, to open the map there and refuse a point farther away:
#   {"26296": {"centre": [10.95, 107.05], "radius_km": 15}}.
XASO_MAP = {
    "tile_url": os.environ.get("XASO_MAP_TILE_URL", ""),
    "attribution": os.environ.get("XASO_MAP_ATTRIBUTION", ""),
    "max_zoom": 19,
    "communes": {},
}


def _tile_source(url: str) -> str:
    """The CSP source of a tile URL template: its scheme and host ("{s}." subdomains as "*.")."""
    from urllib.parse import urlsplit

    from django.core.exceptions import ImproperlyConfigured

    parts = urlsplit(url.replace("{s}", "tile-subdomain"))
    host = parts.netloc.replace("tile-subdomain", "*")
    if parts.scheme not in ("https", "http") or not host or "{" in host:
        raise ImproperlyConfigured("XASO_MAP_TILE_URL: an http(s) URL template such as https://host/{z}/{x}/{y}.png")
    return f"{parts.scheme}://{host}"


if XASO_MAP["tile_url"]:
    SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], _tile_source(XASO_MAP["tile_url"])]
