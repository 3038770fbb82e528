"""Test settings: fast hashers, in-memory email and cache, DEBUG off as in production."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-long-enough-for-hs256-signing")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests: serve from the finders, no warning about STATIC_ROOT
LANGUAGE_CODE = "en"  # tests assert the source strings; portrait/tests/test_translations.py checks the Chinese
