"""Portrait settings, read from the environment (see .env.example and the README).

`production.py` and `test.py` change only what those contexts need.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent.parent
load_dotenv(BASE_DIR / ".env")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portrait.apps.PortraitAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "django_filters",
    "drf_spectacular_sidecar",
    # core: knows no domain
    "core",
    # who people are, who did what
    "accounts",
    "audit",
    # one kind of data each
    "vocabularies",
    "managers",
    "customers",
    "contacts",
    # background work: the job row, enqueue/execute, the task (apps register their kinds)
    "jobs",
    # workflows across apps
    "matching",
    # who is told when a customer's manager changes (listens to matching)
    "notifications",
    "imports",
    "demo",
    "change_requests",
    # analysis: segments, the dashboard's figures, reports
    "insights",
    # capacity planning: what a seat is worth, what-if scenarios (reads matching's plans)
    "planning",
    # surfaces
    "portal",
    "console",
    "api",
    # sign-in protection (settings below)
    "portrait.apps.AxesConfig",  # django-axes, named for people in the admin
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.context.AuditContextMiddleware",
    "accounts.context.CurrentUserMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a lockout into the 429 of accounts.signin.lockout_response
]

ROOT_URLCONF = "portrait.urls"
WSGI_APPLICATION = "portrait.wsgi.application"
ASGI_APPLICATION = "portrait.asgi.application"

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
                "django.template.context_processors.i18n",
            ],
            # The layout's own tags: the site navigation, which knows every surface; how values look (display).
            "libraries": {"site": "portrait.navigation", "display": "portrait.display"},
        },
    },
]


def database_from_url(url: str) -> dict:
    """Parse a DATABASE_URL; MySQL gets utf8mb4 and strict mode so it refuses what SQLite would."""
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))
    if config["ENGINE"] == "django.db.backends.mysql":
        config["OPTIONS"] = {
            "charset": "utf8mb4",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES', innodb_strict_mode=1",
            **config.get("OPTIONS", {}),
        }
        config["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
    return config


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# --- Headers every response carries ---------------------------------------------------------------
# Scripts and styles only from this site (vendored under static/, no CDN): no inline script (chart data
# goes in json_script blocks, which are JSON, not code), no <style> block and no style attribute (bars are
# <meter> and <progress> elements, the Swagger UI page's styles a file). Scripts may still set styles through
# the DOM (Bootstrap, Chart.js), which CSP allows. Framing is refused twice (CSP and X-Frame-Options).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Sign-in protection, passwords, sessions ------------------------------------------------------
# django-axes counts failed sign-ins per username + client address (so a stranger elsewhere cannot lock
# a real user out): 5 failures within 15 minutes lock that pair out for 15 minutes, 429 on every surface
# (pages, admin, API). It counts them per address as well, whatever the usernames: 30 failures from one
# address within 15 minutes lock the address out (password spraying); higher, since an office or a mobile
# carrier puts many people behind one address (`accounts.signin.SignInLockoutHandler` gives each its limit).
# Unlock: delete the attempts in the admin (Axes > Access attempts), `manage.py axes_reset_username NAME`
# or `manage.py axes_reset_ip ADDRESS`.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.SignInProtectionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "30"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "accounts.signin.SignInLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.signin.attempted_username"
AXES_CLIENT_IP_CALLABLE = "audit.context.client_ip"  # REMOTE_ADDR, or X-Forwarded-For behind trusted proxies
AXES_LOCKOUT_CALLABLE = "accounts.signin.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit log
AXES_VERBOSE = False

# OWASP ASVS 2.1.1: at least 12 characters for new passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 for new and changed passwords; older hashes still verify and are re-hashed at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# A session lasts a working day (seconds; SESSION_COOKIE_AGE) and ends when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True

# Mail: password reset links, sent by staff from the admin (`accounts.services.user_password_reset_send`);
# the link is valid for PASSWORD_RESET_TIMEOUT (Django's default, 3 days) and once. Notifications of a
# change of manager go out by mail too (Celery, retried; docs/notifications.md). Production: set
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS and DEFAULT_FROM_EMAIL;
# development prints mail on the console.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portrait@localhost")

# The site's address, for links in mail sent where no request gives it (notifications, from a worker).
PORTRAIT_SITE_URL = os.environ.get("PORTRAIT_SITE_URL", "http://localhost:8000")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (console imports wait here between the check and the import): shared by web and workers.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Portrait's business settings: one place for every tunable rule -----------------------------
# Minimum total overlap (shared needs + shared hobbies with the best manager) for classes A-D.
PORTRAIT_CLASS_THRESHOLDS = {"A": 13, "B": 10, "C": 7, "D": 4}
# A customer moves up one class when needs_match >= hobbies_match + this margin.
PORTRAIT_UPGRADE_MARGIN = 2
# How many customers a new manager may serve unless set otherwise.
PORTRAIT_DEFAULT_MANAGER_CAPACITY = int(os.environ.get("PORTRAIT_DEFAULT_MANAGER_CAPACITY", "50"))
# How long a matching run waits for another to finish before it stops with a message (MySQL).
PORTRAIT_RUN_LOCK_WAIT_SECONDS = int(os.environ.get("PORTRAIT_RUN_LOCK_WAIT_SECONDS", "30"))
# How long the session of a run holding the lock may sit idle before the server ends it and frees the lock
# (MariaDB: idle_transaction_timeout; MySQL: wait_timeout): the most a run whose client vanished holds it.
PORTRAIT_RUN_LOCK_IDLE_SECONDS = int(os.environ.get("PORTRAIT_RUN_LOCK_IDLE_SECONDS", "600"))

# Service tiers (vocabularies.tiers): a customer's tier is the last whose `min_assets` (yuan) their total assets
# reach; listed from the lowest, the first from 0. A manager serves a set of them (none chosen: every tier).
PORTRAIT_TIERS = [
    {"code": "mass", "name": _("Mass customers"), "min_assets": 0},
    {"code": "vip", "name": _("VIP customers"), "min_assets": 500_000},
    {"code": "private", "name": _("Private banking customers"), "min_assets": 6_000_000},
]
# Who may serve a customer of a branch: "none" (branches do not matter), "branch" (only a manager of the same
# branch, or one without a branch) or "region" (also managers of the region's other branches, at
# PORTRAIT_REGION_PENALTY score points less). A customer or manager without a branch matches any.
PORTRAIT_BRANCH_POLICY = os.environ.get("PORTRAIT_BRANCH_POLICY", "none")
PORTRAIT_REGION_PENALTY = int(os.environ.get("PORTRAIT_REGION_PENALTY", "3"))

# The dashboard's figures follow every audited write, but are computed at most this often (seconds).
PORTRAIT_DASHBOARD_REFRESH_SECONDS = int(os.environ.get("PORTRAIT_DASHBOARD_REFRESH_SECONDS", "30"))

# The largest file the console's import page accepts.
PORTRAIT_IMPORT_MAX_BYTES = int(os.environ.get("PORTRAIT_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))

# How many reverse proxies in front of the site may be trusted to set X-Forwarded-For (0: use REMOTE_ADDR).
PORTRAIT_TRUSTED_PROXIES = int(os.environ.get("PORTRAIT_TRUSTED_PROXIES", "0"))

# --- Cache ------------------------------------------------------------------------------------
# The dashboard's figures, the API's rate limits and the job progress live here. One process alone
# (`make run`) keeps them in memory; several app servers must share one cache, so set CACHE_URL to
# Redis (redis://127.0.0.1:6379/1) there, or each server counts its own rate limits.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Background tasks (Celery) -------------------------------------------------------------------
# With a broker (redis://127.0.0.1:6379/0) runs, previews, segmentation and big imports go to workers;
# without one (the `make run` default) tasks run in-process, so nothing extra is needed.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

# --- The JSON API (api/): Django REST framework, JWT, the OpenAPI schema ---------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # staff in the browsable API
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "api.renderers.JSONRenderer",
        "api.renderers.StaffBrowsableAPIRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.renderers.StaffOnlyBrowsableNegotiation",
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],  # DRF's, with a depth limit (API_JSON_MAX_DEPTH)
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Sign-in, refresh, verify, sign-out and registration per client IP (429 beyond); django-axes adds the
# sign-in lockouts (per username + address, and per address).
API_AUTH_THROTTLE_RATE = os.environ.get("API_AUTH_THROTTLE_RATE", "30/minute")

# How deeply a JSON body may nest (lists and objects); deeper is a 400. The API's bodies are flat.
API_JSON_MAX_DEPTH = 32

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=int(os.environ.get("API_ACCESS_TOKEN_MINUTES", "15"))),
    "REFRESH_TOKEN_LIFETIME": timedelta(hours=int(os.environ.get("API_REFRESH_TOKEN_HOURS", "24"))),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,  # the login view sends user_logged_in, which updates it (and feeds the audit)
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_CLAIM": "user_id",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Portrait API",
    "DESCRIPTION": "Customer portraits and relationship-manager assignment. Sign in at /api/auth/login, "
                   "then send `Authorization: Bearer <access>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",  # served from drf-spectacular-sidecar's static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Clients sign in with JWT; the session is only the staff's way into the browsable API.
    "AUTHENTICATION_WHITELIST": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "ENUM_NAME_OVERRIDES": {
        "RunStatusEnum": "matching.models.RunStatus",
        "HealthStatusEnum": ["ok", "error"],
    },
}
PORTRAIT_VERSION = os.environ.get("PORTRAIT_VERSION", SPECTACULAR_SETTINGS["VERSION"])

# Imports (core.tabular): with PORTRAIT_IMPORT_MAX_BYTES above, limits checked before any row is built
# (an .xlsx may unpack to 5x the upload).
PORTRAIT_IMPORT_MAX_ROWS = int(os.environ.get("PORTRAIT_IMPORT_MAX_ROWS", "500000"))
PORTRAIT_IMPORT_MAX_COLUMNS = int(os.environ.get("PORTRAIT_IMPORT_MAX_COLUMNS", "100"))
PORTRAIT_IMPORT_MAX_CELL_CHARS = int(os.environ.get("PORTRAIT_IMPORT_MAX_CELL_CHARS", "5000"))
