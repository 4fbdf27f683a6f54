"""One settings module, driven by environment variables.

Defaults let a laptop run with nothing configured: SQLite in var/, Celery tasks
executed eagerly in-process. Production sets DATABASE_URL, CELERY_BROKER_URL,
SECRET_KEY, ALLOWED_HOSTS and DEBUG=0. Every variable is listed in README.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lib.params import parse_bool

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return parse_bool(value) is True


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# --- Core -------------------------------------------------------------------
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG=0.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "config.apps.WiringConfig",
    "papers",
    "taxonomy",
    "api",
    "curation",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RejectNulBytesMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.response_cache.AnonymousApiCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/heterogpu; default SQLite in var/.
VAR_DIR = BASE_DIR / "var"
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        # Reused connections save ~2 ms per request on PostgreSQL.
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # A reused connection is checked before its first query in a request: one broken by a database
        # restart is dropped and reopened, not reused.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails the request in seconds (config.middleware answers 503) instead of
    # holding a worker until gunicorn's timeout. A connect_timeout in DATABASE_URL wins; SQLite has none.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Security (production: DEBUG=0) -------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything is served by the app itself: no other host is needed for scripts, styles or fonts.
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Static files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production: hashed names, gzip/brotli copies and far-future cache headers (WhiteNoise).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Serve from app directories when collectstatic has not run (development, tests).
WHITENOISE_USE_FINDERS = DEBUG
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- I18N --------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- REST framework ----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Tokens (scripts) and sessions (the browsable API, with CSRF) identify staff for writes.
    # Token first, so an anonymous write gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.StaffWriteOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.permissions.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "600/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "HeteroGPU Papers API",
    "DESCRIPTION": "Papers on ML training and inference on heterogeneous GPU clusters: search, taxonomy, "
    "comparison of solution approaches, exports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Docs assets come from drf-spectacular-sidecar: served by the app, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# The cache is per process unless CACHE_URL names a shared one (e.g. redis://127.0.0.1:6379/1).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        # A cache that stops answering must not hold requests: they go on uncached (config.response_cache).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Facet and category counts are cached this long (seconds; 0 = always exact). A write that commits
# makes them stale at once in the process that wrote (everywhere with a shared cache, hence the longer
# default there: over 100,000 papers the unfiltered facets cost ~0.8 s): see config.response_cache.
FACET_CACHE_SECONDS = env_int("FACET_CACHE_SECONDS", 600 if CACHE_URL else 60)
# Whole anonymous GET responses of the API are cached this long (seconds; 0 = off) and dropped when
# any write commits. Off by default without a shared cache: one process cannot tell another's
# cache that the catalogue changed.
API_CACHE_SECONDS = env_int("API_CACHE_SECONDS", 600 if CACHE_URL else 0)

# --- Celery ------------------------------------------------------------------
# Without a broker, tasks run eagerly in-process (laptop default, tests).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- arXiv and ingestion ------------------------------------------------------
from celery.schedules import crontab  # noqa: E402  (kept inside the section that uses it)

# The full query endpoint; the offline demo and tests point it at a loopback server.
ARXIV_API_URL = os.environ.get("ARXIV_API_URL", "https://export.arxiv.org/api/query")
# arXiv's API terms ask for at most one request every 3 seconds; tests and the offline demo use 0.
ARXIV_DELAY_SECONDS = float(os.environ.get("ARXIV_DELAY_SECONDS") or 3)
# Ids per request: 200 keep the query URL near 2.5 kB, and 1,000 ids take 5 requests.
ARXIV_BATCH_SIZE = env_int("ARXIV_BATCH_SIZE", 200)
ARXIV_TIMEOUT_SECONDS = float(os.environ.get("ARXIV_TIMEOUT_SECONDS") or 30)
# Network errors, timeouts and HTTP 5xx/429 are retried by the tasks after 30 s, 60 s, 120 s, ...
# (or the Retry-After arXiv asks for, if longer), at most ARXIV_MAX_RETRIES times.
ARXIV_RETRY_BACKOFF_SECONDS = float(os.environ.get("ARXIV_RETRY_BACKOFF_SECONDS") or 30)
ARXIV_RETRY_BACKOFF_MAX_SECONDS = float(os.environ.get("ARXIV_RETRY_BACKOFF_MAX_SECONDS") or 3600)
ARXIV_MAX_RETRIES = env_int("ARXIV_MAX_RETRIES", 5)
# The watch runs the saved queries once a day at this hour (UTC), after arXiv's nightly announcement.
ARXIV_WATCH_HOUR = env_int("ARXIV_WATCH_HOUR", 6)
BIBTEX_UPLOAD_MAX_BYTES = env_int("BIBTEX_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Pasted BibTeX arrives as a form or JSON field and counts against this (Django's default is 2.5 MB):
# room for a text at the upload limit plus its JSON escaping.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * BIBTEX_UPLOAD_MAX_BYTES
# Runs submitted while the broker was away, or whose worker died, are handed to the broker again by
# a beat task every INGEST_RECOVERY_SECONDS. "Died" means untouched for INGEST_STALE_AFTER_SECONDS,
# longer than a task may run (its time limit is 600 s); after INGEST_MAX_RESTARTS a run fails.
INGEST_RECOVERY_SECONDS = float(os.environ.get("INGEST_RECOVERY_SECONDS") or 60)
INGEST_STALE_AFTER_SECONDS = float(os.environ.get("INGEST_STALE_AFTER_SECONDS") or 900)
INGEST_MAX_RESTARTS = env_int("INGEST_MAX_RESTARTS", 2)
CELERY_BEAT_SCHEDULE = {
    "watch-arxiv-daily": {
        "task": "papers.watch_arxiv",
        "schedule": crontab(minute=0, hour=ARXIV_WATCH_HOUR),
    },
    "recover-ingest-runs": {"task": "papers.recover_ingest_runs", "schedule": INGEST_RECOVERY_SECONDS},
}
# --- end of arXiv and ingestion -----------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object per line in production, for log shippers; plain text on a laptop.
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain" if DEBUG else "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
