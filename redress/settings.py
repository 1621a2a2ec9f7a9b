"""Django settings for Redress, all taken from environment variables (see redress/config.py)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from redress.config import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(
    env(
        "REDRESS_VAR_DIR",
        str(BASE_DIR.parent / "var"),
        "Folder for the SQLite database, the evidence store, collected static files, demo "
        "mail and other local state.",
        shown_default="`var/` beside the source",
    )
)

DEBUG = env_bool("DEBUG", False, "Django debug pages. Never true in production.")
SECRET_KEY = env(
    "SECRET_KEY",
    # The "django-insecure-" prefix makes `check --deploy` refuse this key in production.
    "django-insecure-development-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz",
    "Signs sessions and tokens. Set a long random value in production.",
    secret=True,
)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    "127.0.0.1,localhost,testserver",
    "Comma-separated host names this server answers to.",
)
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins (https://host) trusted for forms."
)

DATABASES = {
    "default": dj_database_url.parse(
        env(
            "DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'redress.sqlite3'}",
            "Database URL: postgres://user@host:5432/name in production and tests; "
            "sqlite:///path for the demo.",
            shown_default="`redress.sqlite3` in `REDRESS_VAR_DIR`",
        ),
        conn_max_age=env_int(
            "DATABASE_CONN_MAX_AGE",
            60,
            "Seconds a database connection is kept open between requests.",
        ),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (server and worker) share the demo database.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "redress.people",
    "redress.audit",
    "redress.rulebook",
    "redress.cases",
    "redress.panels",
    "redress.api",
    "redress.intake",
    "redress.portal",
    "redress.privacy",
    "redress.publication",
    "redress.demo",
    "redress.analytics",
    "redress.transparency",
    "redress.evidence",
    "redress.consistency",
    "redress.ops",
    "redress.security",
    "ninja",  # serves the API docs' scripts from this site, which the CSP allows, not a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "redress.security.ratelimits.RateLimitMiddleware",
    "redress.security.uploads.RequestSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "redress.security.signin.SignInExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "redress.urls"
WSGI_APPLICATION = "redress.wsgi.application"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "login"

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
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env(
    "TIME_ZONE", "Europe/London", "Local time zone used to show dates and count working days."
)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Saved similar-case indexes, one per organisation: a cache of the database's case embeddings
# that each process starts from (see redress/consistency/index.py).
SIMILAR_CASES_DIR = VAR_DIR / "similar-cases"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_AGE = env_int(
    "SESSION_COOKIE_AGE", 8 * 3600, "Seconds a staff sign-in lasts before it must be repeated."
)
STAFF_IDLE_SECONDS = env_int(
    "STAFF_IDLE_SECONDS",
    30 * 60,
    "Seconds without a request after which a staff sign-in ends.",
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_COOKIES = env_bool(
    "SECURE_COOKIES", False, "Send cookies only over HTTPS. Set true behind HTTPS."
)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool(
    "SECURE_SSL_REDIRECT", False, "Redirect plain HTTP requests to HTTPS."
)
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 0, "Strict-Transport-Security max-age; 31536000 in production."
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env_bool("BEHIND_HTTPS_PROXY", False, "Trust X-Forwarded-Proto from a reverse proxy.")
    else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: the pages load scripts, styles, images and fonts from this site only,
# run no inline script or style attribute, post forms only here, and may not be framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

# Uploads: a body larger than this is refused before it is read (the intake's own limits on
# each file's size and number come on top); a form with more fields than this is refused too.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    2_621_440,
    "Largest request body in bytes, other than uploaded files, that Redress reads.",
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads are spooled to a temporary file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
MAX_REQUEST_BYTES = env_int(
    "MAX_REQUEST_BYTES",
    55_000_000,
    "Largest request body in bytes, uploaded files included (the intake takes five files of "
    "10 MB); a larger one is refused before it is read.",
)

# Rate limits on the public endpoints (redress/security/ratelimits.py has the table).
RATE_LIMIT_BACKEND = env(
    "RATE_LIMIT_BACKEND",
    "database",
    "Where rate-limit counts are kept: `database` (no more to run), or `redis` (REDIS_URL) "
    "for production traffic.",
)
if RATE_LIMIT_BACKEND not in {"database", "redis"}:
    raise ImproperlyConfigured("RATE_LIMIT_BACKEND must be database or redis")
REDIS_URL = env(
    "REDIS_URL",
    "redis://127.0.0.1:6379/0",
    "Redis server for rate-limit counts when RATE_LIMIT_BACKEND is redis.",
    secret=True,
)
RATE_LIMIT_EXEMPT = env_list(
    "RATE_LIMIT_EXEMPT",
    "",
    "Comma-separated client addresses no rate limit applies to (a load test's, a monitor's).",
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if RATE_LIMIT_BACKEND == "redis"
        # Flood counts (page views, API calls) per process; the rest go to the database.
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    ),
}

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend",
    "Django mail backend; the demo uses the file backend so no mail leaves the machine.",
)
EMAIL_HOST = env("EMAIL_HOST", "127.0.0.1", "SMTP server host.")
EMAIL_PORT = env_int("EMAIL_PORT", 25, "SMTP server port.")
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "", "SMTP user name, if the server needs one.")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "", "SMTP password.", secret=True)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False, "Use STARTTLS to the SMTP server.")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", "complaints@redress.invalid", "Sender address of notices."
)

TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend",
            "Backend for background work: django_tasks_db.DatabaseBackend (run "
            "`redress worker`), or django_tasks.backends.immediate.ImmediateBackend to run "
            "tasks inline.",
        ),
    }
}

SERVE_WORKERS = env_int(
    "WEB_CONCURRENCY", 2, "Web worker processes `redress serve` runs (gunicorn's variable)."
)

REDRESS_ORGANISATION = env(
    "REDRESS_ORGANISATION",
    "",
    "Slug of the organisation this installation serves when only one is hosted.",
)
REDRESS_ESCROW_KEY = env(
    "REDRESS_ESCROW_KEY",
    "",
    "Key of the held-report escrow (keyed hashes of respondents, wrapping of report keys); "
    "derived from SECRET_KEY when empty. Changing it makes held reports unmatchable.",
    secret=True,
)
REDRESS_EVIDENCE_ROOT = Path(
    env(
        "REDRESS_EVIDENCE_ROOT",
        str(VAR_DIR / "evidence"),
        "Folder of the evidence store: every file kept once under its SHA-256, never changed. "
        "Back it up with the database.",
        shown_default="`evidence` in `REDRESS_VAR_DIR`",
    )
)
REDRESS_REMIND_WORKING_DAYS_BEFORE = env_int(
    "REDRESS_REMIND_WORKING_DAYS_BEFORE",
    2,
    "Working days before a deadline that `redress remind` first emails the case officer "
    "(it also reminds on the day and once overdue); 0 for no early reminder.",
)
REDRESS_WORKER_STALE_SECONDS = env_int(
    "REDRESS_WORKER_STALE_SECONDS",
    60,
    "Seconds without a heartbeat after which a task worker is taken for dead: `redress doctor` "
    "warns, and other workers queue its unfinished task again. Workers beat four times as often.",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env("LOG_LEVEL", "INFO", "Log level: DEBUG, INFO, WARNING, ERROR."),
    },
    # faiss says at INFO which CPU instructions it loaded, in every process, on every command.
    "loggers": {"faiss": {"level": "WARNING"}},
}
