"""Production: DEBUG off, secrets and the database from the environment, hardened transport and cookies.

Start-up stops with one line (manage.py and wsgi.py print it) when SECRET_KEY or DATABASE_URL is
missing: a production server never falls back to a development key or a SQLite file.
`python manage.py check --deploy` is clean with these settings (see the README, "Production").
"""
import os

os.environ["DEBUG"] = "0"

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from .base import *  # noqa: E402,F403
from .base import env_bool  # noqa: E402

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in production, e.g. mysql://portrait:PASSWORD@db-host:3306/portrait "
        "(see .env.example)."
    )

DEBUG = False
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405

# --- Transport --------------------------------------------------------------------------------------
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto. SECURE_SSL_REDIRECT=0 when the proxy itself
# redirects http to https (then Django's own redirect check is silenced, since the proxy does it).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if not SECURE_SSL_REDIRECT:
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
# HSTS for a year, on every subdomain, with the preload directive. The directive alone changes nothing
# in browsers: the bank decides separately whether to submit its domain to hstspreload.org. Lower
# SECURE_HSTS_SECONDS (e.g. 300) for a first deployment, then raise it once https is proven everywhere.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- Cookies ----------------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
