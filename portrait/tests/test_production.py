"""Production settings: `check --deploy` is clean, missing secrets stop start-up in one line, headers are set.

The settings are read by a fresh interpreter (a subprocess), as a server would read them.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET = "Q7x#mZ2p!vL9@rT4&wE6^yU1*iO3(pA5)sD8-fG0_hJ2+kL4=zX6"  # noqa: S105 - test data


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "SECRET_", "DATABASE_", "SECURE_", "ALLOWED_"))}
    base.update({"DJANGO_SETTINGS_MODULE": "portrait.settings.production", **env})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


REQUIRED = {"SECRET_KEY": SECRET, "DATABASE_URL": "sqlite:////tmp/portrait-production-check.sqlite3",
            "ALLOWED_HOSTS": "portrait.example.com"}


def test_check_deploy_prints_no_warning():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **REQUIRED)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_ssl_redirect_can_be_left_to_the_tls_proxy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **REQUIRED, SECURE_SSL_REDIRECT="0")

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
@pytest.mark.parametrize("entry", [["manage.py", "check"], ["-c", "import portrait.wsgi"]], ids=["manage", "wsgi"])
def test_a_missing_secret_or_database_stops_start_up_in_one_line(missing, entry):
    result = run(entry, **{**REQUIRED, missing: ""})

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and missing in lines[0], result.stderr


class TestSecurityHeaders:
    @pytest.mark.django_db
    def test_pages_carry_the_security_headers(self, client):
        response = client.get(reverse("admin:login"))

        csp = response.headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"  # no inline script, no eval, no CDN
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"

    def test_production_hardens_cookies_and_transport(self):
        names = ["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
                 "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "DEBUG"]
        code = ("import django; from django.conf import settings as s; django.setup(); "
                f"print(*[getattr(s, n) for n in {names}])")
        result = run(["-c", code], **REQUIRED)

        expected = ["True", "True", "True", "True", "31536000", "True", "True", "False"]
        assert result.stdout.split() == expected, result.stderr


@pytest.mark.worker
def test_with_cache_url_every_server_process_shares_one_cache(tmp_path):
    """Rate limits, job progress and the dashboard's figures must be the same on every app server."""
    url, key = "redis://127.0.0.1:6379/6", f"portrait-shared-{os.getpid()}"
    script = "import django; django.setup(); from django.core.cache import cache; {}"

    written = run(["-c", script.format(f"cache.set('{key}', 'seen', 30)")], **REQUIRED, CACHE_URL=url)
    read = run(["-c", script.format(f"print(cache.get('{key}')); cache.delete('{key}')")], **REQUIRED, CACHE_URL=url)

    assert written.returncode == 0, written.stderr
    assert read.stdout.strip() == "seen", read.stderr
