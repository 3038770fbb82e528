"""Project-wide guarantees: migrations match the models, checks pass, production fails fast, the engine stays pure."""
import ast
import configparser
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

BASE_DIR = Path(settings.BASE_DIR)
PURE_MODULES = ["matching/engine.py", "insights/segmentation.py", "demo/generators.py"]


@pytest.mark.django_db
def test_migrations_match_the_models():
    out = io.StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)  # SystemExit(1) when one is missing

    assert out.getvalue().strip() == "No changes detected"


def test_system_checks_pass():
    out = io.StringIO()

    call_command("check", fail_level="WARNING", stdout=out)  # SystemCheckError on a warning or worse

    assert out.getvalue().strip() == "System check identified no issues (0 silenced)."


def import_production_settings(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", "import portrait.settings.production"],
        cwd=BASE_DIR, env={**environment, **env}, capture_output=True, text=True, timeout=60,
    )


def test_production_settings_refuse_to_start_without_secret_key():
    # SECRET_KEY set but empty, which base.py treats as missing, also keeps a developer's .env out of the way.
    result = import_production_settings(SECRET_KEY="")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_settings_ignore_a_debug_flag_without_secret_key():
    result = import_production_settings(SECRET_KEY="", DEBUG="1")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_import_with_secret_key():
    result = import_production_settings(SECRET_KEY="a-long-random-production-secret")

    assert result.returncode == 0, result.stderr


def test_manage_py_defaults_to_development_settings_with_debug_on():
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "diffsettings", "--all"], cwd=BASE_DIR, capture_output=True, text=True,
        timeout=180, env={**environment, "SECRET_KEY": ""},
    )

    assert result.returncode == 0, result.stderr
    assert "DEBUG = True" in result.stdout and "SETTINGS_MODULE = 'portrait.settings.development'" in result.stdout


@pytest.mark.parametrize("path", PURE_MODULES)
def test_numeric_core_imports_no_django(path):
    tree = ast.parse((BASE_DIR / path).read_text(encoding="utf-8"), filename=path)

    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and not node.level]
    assert not [name for name in imported if name == "django" or name.startswith("django.")]
    relative = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]
    assert not [name for name in relative if name in {"models", "services", "selectors"}], relative


def test_make_test_collects_every_app_with_tests():
    """`testpaths` names the folders `make test` runs: an app whose tests are missing there never runs in CI."""
    config = configparser.ConfigParser()
    config.read(BASE_DIR / "pytest.ini")
    collected = set(config["pytest"]["testpaths"].split())
    with_tests = {path.parts[-3] for path in BASE_DIR.glob("*/tests/test_*.py")}

    assert with_tests - collected == set()
