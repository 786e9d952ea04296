"""The one settings module for ntrdb, driven by environment variables.

Defaults give a working local site on SQLite. Production sets at least
DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_email, env_email_address, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-local-development-only"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "django_tasks",
    "core",
    "accounts",
    "catalog",
    "glossary",
    "lists",
    "community",
    "ops",
    "tooling",
]

# Everything above WhiteNoiseMiddleware also applies to the static files it answers.
MIDDLEWARE = [
    "ops.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.ViewerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.viewer",
                "community.context_processors.notifications",
            ],
        },
    },
    {
        # The hottest templates: the grid of work cards every list page prints
        # (catalog.templatetags.catalog_tags.work_grid), the works list's content and the partials it
        # shares with other pages (pagination, the age-gate offer), which Django templates include
        # through {% jinja %} (core/templatetags/jinja.py). Jinja2 renders them several times faster
        # than Django's engine (docs/performance.md); layouts and every other page stay Django templates.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "core.jinja2.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{env_path('NTRDB_SQLITE_PATH', BASE_DIR / 'db.sqlite3')}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("NTRDB_POSTGRES_JIT", False):
    # No JIT compilation: the site's queries are short, and a query costly enough to be compiled
    # (the tag index's counts) loads LLVM into the connection, which every parallel worker the
    # connection starts afterwards loads again: 15 ms more on each such query of the next pages
    # (docs/performance.md, "PostgreSQL and JIT").
    _postgres_options = DATABASES["default"].setdefault("OPTIONS", {})
    _postgres_options["options"] = f"-c jit=off {_postgres_options.get('options', '')}".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several workers write to one file. WAL lets readers go on while one writes; the timeout
    # makes a writer wait for the lock instead of failing; BEGIN IMMEDIATE takes the write lock
    # when a transaction starts, because a transaction that read first and must then upgrade to
    # writing fails at once with "database is locked", whatever the timeout.
    # synchronous=NORMAL is safe with WAL: a killed process loses nothing committed.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("NTRDB_SQLITE_TIMEOUT", 20, minimum=1),
        **DATABASES["default"].get("OPTIONS", {}),
    }

# With REDIS_URL, the cache and the sessions live in Redis (shared by every worker, kept
# across restarts); without it, a per-process memory cache and sessions in the database.
# The throttle's counters (accounts/throttle.py) must be shared by every worker: in Redis
# (the "throttle" alias) with REDIS_URL, else in the database (the ThrottleCounter table).
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    _REDIS_CACHE = {
        "BACKEND": "core.cache.RedisCache",  # one client per pool (core/cache.py)
        "LOCATION": REDIS_URL,
        # A stalled Redis fails requests quickly (a 503) instead of holding workers.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    CACHES = {"default": _REDIS_CACHE, "throttle": {**_REDIS_CACHE, "KEY_PREFIX": "throttle"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Every authenticate() is throttled (accounts/backends.py, accounts/throttle.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# A password-reset link works once, for this many seconds (Django's three days is too long).
PASSWORD_RESET_TIMEOUT = env_int("DJANGO_PASSWORD_RESET_TIMEOUT", 2 * 60 * 60, minimum=60)
# The link that confirms a new email address works for this many seconds.
NTRDB_EMAIL_CONFIRM_TIMEOUT = env_int("NTRDB_EMAIL_CONFIRM_TIMEOUT", 24 * 60 * 60, minimum=60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env_path("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; plain files while developing
        # so a changed stylesheet shows up without running collectstatic.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# Uploaded covers live under MEDIA_ROOT; nothing there is served at MEDIA_URL (config/urls.py).
MEDIA_URL = "media/"
MEDIA_ROOT = env_path("DJANGO_MEDIA_ROOT", BASE_DIR / "media")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Production behind HTTPS: opt in with DJANGO_HTTPS=1.
HTTPS = env_bool("DJANGO_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
# Load balancers probe over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Mail: EMAIL_URL (smtp://user:password@host:587?tls=1, smtps://..., console://), or the
# usual EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# EMAIL_USE_SSL; with neither, messages are printed to the console (config/env.py).
_EMAIL = env_email()
EMAIL_BACKEND = _EMAIL.backend
EMAIL_HOST = _EMAIL.host
EMAIL_PORT = _EMAIL.port
EMAIL_HOST_USER = _EMAIL.user
EMAIL_HOST_PASSWORD = _EMAIL.password
EMAIL_USE_TLS = _EMAIL.use_tls
EMAIL_USE_SSL = _EMAIL.use_ssl
EMAIL_TIMEOUT = _EMAIL.timeout if _EMAIL.timeout is not None else env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_email_address("DEFAULT_FROM_EMAIL", "ntrdb <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (django-tasks): mail is sent by a task enqueued once the request's transaction
# commits. "immediate" (the default, for development and tests) runs it in the web process right
# then; "database" stores it in the database for `manage.py db_worker` to run (README,
# "Background tasks"). Only that backend has models, so only it adds an app and migrations.
NTRDB_TASKS_BACKEND = env_choice("NTRDB_TASKS_BACKEND", "immediate", ("immediate", "database"))
if NTRDB_TASKS_BACKEND == "database":
    INSTALLED_APPS.append("django_tasks_db")
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# ntrdb's own knobs.
NTRDB_WORKS_PER_PAGE = env_int("NTRDB_WORKS_PER_PAGE", 24, minimum=1)
# "Top rated" on the home page ranks works with at least this many counted votes.
NTRDB_TOP_RATED_MIN_VOTES = env_int("NTRDB_TOP_RATED_MIN_VOTES", 10, minimum=1)
NTRDB_SEARCH_MAX_QUERY_LENGTH = env_int("NTRDB_SEARCH_MAX_QUERY_LENGTH", 200, minimum=10)

# Community limits: posting rates, duplicate window, and reports that hide a post.
NTRDB_COMMENTS_PER_HOUR = env_int("NTRDB_COMMENTS_PER_HOUR", 10, minimum=1)
NTRDB_REVIEWS_PER_DAY = env_int("NTRDB_REVIEWS_PER_DAY", 5, minimum=1)
NTRDB_DUPLICATE_WINDOW_SECONDS = env_int("NTRDB_DUPLICATE_WINDOW_SECONDS", 600, minimum=0)
NTRDB_REPORTS_TO_HIDE = env_int("NTRDB_REPORTS_TO_HIDE", 3, minimum=1)
# Only reports from accounts this old, with this many published reviews and comments of
# their own, count toward NTRDB_REPORTS_TO_HIDE; the others still reach the curators.
NTRDB_REPORTER_MIN_AGE_DAYS = env_int("NTRDB_REPORTER_MIN_AGE_DAYS", 3, minimum=0)
NTRDB_REPORTER_MIN_POSTS = env_int("NTRDB_REPORTER_MIN_POSTS", 1, minimum=0)
NTRDB_REVIEWS_PER_PAGE = env_int("NTRDB_REVIEWS_PER_PAGE", 20, minimum=1)
# A member's votes (list scores) count in works' public scores once the account is this many
# days old, is active and lists at least this many works (lists.votes; 0 turns a test off).
NTRDB_VOTE_MIN_ACCOUNT_DAYS = env_int("NTRDB_VOTE_MIN_ACCOUNT_DAYS", 7, minimum=0)
NTRDB_VOTE_MIN_LIST_ENTRIES = env_int("NTRDB_VOTE_MIN_LIST_ENTRIES", 3, minimum=0)
# Where the site is, for the links in notification emails.
NTRDB_SITE_URL = env_str("NTRDB_SITE_URL", "http://localhost:8000")
# Sign-in throttling: this many failures from one address for one account lock that pair.
NTRDB_LOGIN_FAILURES_ALLOWED = env_int("NTRDB_LOGIN_FAILURES_ALLOWED", 5, minimum=1)
NTRDB_LOGIN_FAILURES_PER_IP = env_int("NTRDB_LOGIN_FAILURES_PER_IP", 20, minimum=1)
NTRDB_LOGIN_LOCKOUT_SECONDS = env_int("NTRDB_LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=1)
NTRDB_SIGNUPS_PER_IP_PER_HOUR = env_int("NTRDB_SIGNUPS_PER_IP_PER_HOUR", 5, minimum=1)
# Password-reset requests: past either limit the form answers as usual but sends nothing.
NTRDB_RESETS_PER_ADDRESS_PER_HOUR = env_int("NTRDB_RESETS_PER_ADDRESS_PER_HOUR", 3, minimum=1)
NTRDB_RESETS_PER_IP_PER_HOUR = env_int("NTRDB_RESETS_PER_IP_PER_HOUR", 10, minimum=1)
# Lists count matches up to this many and then say "more than"; see catalog/pagination.py.
NTRDB_COUNT_CAP = env_int("NTRDB_COUNT_CAP", 2000, minimum=100)
# Whether every process serving the site shares one cache (Redis). Only then may a process keep
# what the catalog generation keys beyond one request (each card's HTML, the filter panel, its copy
# of every tag): with a memory cache per process, an edit moves the generation of the process that
# made it alone, and the others would go on showing what the edit changed (a tag made explicit, a
# link made a spoiler). One process (the development server) shares its own: NTRDB_CACHE_SHARED=1.
NTRDB_CACHE_SHARED = bool(REDIS_URL) or env_bool("NTRDB_CACHE_SHARED", False)
# How long a works list's count and refine panel are kept for the next page, sort or visitor of
# the same list (catalog/pagination.py, catalog/views.py); any catalog edit renews them at once
# (catalog/generation.py). 0 computes both on every request.
NTRDB_LIST_CACHE_SECONDS = env_int("NTRDB_LIST_CACHE_SECONDS", 120, minimum=0)
# Cover uploads: files above this size, or images above this many pixels, are refused (the
# pixel limit is checked before decoding, so a decompression bomb costs nothing).
NTRDB_COVER_MAX_BYTES = env_int("NTRDB_COVER_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
NTRDB_COVER_MAX_PIXELS = env_int("NTRDB_COVER_MAX_PIXELS", 25_000_000, minimum=10_000)
# Importing a MyAnimeList export (lists/mal.py): the upload as sent (gzipped or not), the XML once
# unpacked (read at most this far, so a gzip bomb stops there), and its entries. A real export is
# about 1 KB of XML an entry, a tenth of that gzipped. The summary's signed form (lists/transfer_forms.py) is good for this long.
NTRDB_IMPORT_MAX_UPLOAD_BYTES = env_int("NTRDB_IMPORT_MAX_UPLOAD_BYTES", 4 * 1024 * 1024, minimum=1024)
NTRDB_IMPORT_MAX_XML_BYTES = env_int("NTRDB_IMPORT_MAX_XML_BYTES", 16 * 1024 * 1024, minimum=1024)
NTRDB_IMPORT_MAX_ENTRIES = env_int("NTRDB_IMPORT_MAX_ENTRIES", 5000, minimum=1)
NTRDB_IMPORT_CONFIRM_SECONDS = env_int("NTRDB_IMPORT_CONFIRM_SECONDS", 60 * 60, minimum=60)
