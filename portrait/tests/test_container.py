"""The container deployment: compose.yaml, the Dockerfile and .dockerignore read as an engine would, and the
image's entrypoint and health check run directly (no container engine needed)."""
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def env_file(name: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (ROOT / name).read_text().splitlines() if line and not line.startswith("#"))
    return {key: value for key, value in pairs}


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions per stage, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction.upper(), arguments))
    return stages


class TestCompose:
    def test_has_web_worker_mariadb_and_redis(self, compose):
        services = compose["services"]

        assert set(services) == {"web", "worker", "db", "redis"}
        assert services["db"]["image"].startswith("mariadb:") and services["redis"]["image"].startswith("redis:")
        assert services["web"]["command"] == ["web"] and services["worker"]["command"] == ["worker"]
        assert services["web"]["build"] == services["worker"]["build"] == "."

    def test_every_service_has_a_health_check(self, compose):
        for name, service in compose["services"].items():
            assert service["healthcheck"]["test"], name

    def test_data_lives_in_named_volumes(self, compose):
        mounts = {name: [volume.split(":")[0] for volume in service.get("volumes", [])]
                  for name, service in compose["services"].items()}

        assert set(compose["volumes"]) == {"db-data", "redis-data", "media"}
        assert mounts["db"] == ["db-data"] and mounts["redis"] == ["redis-data"]
        assert mounts["web"] == mounts["worker"] == ["media"]  # uploads wait between check and import

    def test_web_waits_for_healthy_database_and_redis_and_the_worker_for_migrations(self, compose):
        services = compose["services"]

        assert services["web"]["depends_on"] == {
            "db": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"},
        }
        assert services["worker"]["depends_on"]["web"] == {"condition": "service_healthy"}

    def test_the_env_file_example_sets_what_the_containers_need(self, compose):
        example = env_file(".env.docker.example")

        assert {compose["services"][name]["env_file"] for name in ("web", "worker", "db")} == {".env.docker"}
        assert example["DATABASE_URL"] == (
            f"mysql://{example['MARIADB_USER']}:{example['MARIADB_PASSWORD']}@db:3306/{example['MARIADB_DATABASE']}"
        )
        assert example["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert example["CACHE_URL"].startswith("redis://redis:6379/")
        assert example["SECRET_KEY"] == ""  # to be set: never a committed secret
        assert (example["GUNICORN_WORKERS"], example["GUNICORN_THREADS"]) == ("3", "2")

    def test_the_real_env_file_is_never_committed(self):
        ignored = subprocess.run(["git", "check-ignore", "-q", ".env.docker"], cwd=ROOT).returncode

        assert ignored == 0


class TestDockerfile:
    def test_builds_in_two_stages_and_compiles_mysqlclient_in_the_first(self):
        builder, runtime = dockerfile_stages()

        assert builder[0][1].endswith("AS builder") and runtime[0][1].endswith("AS runtime")
        build_steps = " ".join(arguments for instruction, arguments in builder if instruction == "RUN")
        assert "libmariadb-dev" in build_steps and "requirements-mysql.txt" in build_steps
        runtime_steps = " ".join(arguments for instruction, arguments in runtime if instruction == "RUN")
        assert "build-essential" not in runtime_steps and "libmariadb-dev" not in runtime_steps
        assert ("COPY", "--from=builder /opt/venv /opt/venv") in runtime

    def test_collects_static_files_at_build_and_runs_as_a_user_without_privileges(self):
        runtime = dockerfile_stages()[-1]
        instructions = [instruction for instruction, _ in runtime]
        users = [arguments for instruction, arguments in runtime if instruction == "USER"]
        collect = next(i for i, (ins, arguments) in enumerate(runtime) if ins == "RUN" and "collectstatic" in arguments)

        assert users == ["portrait"]
        assert collect < instructions.index("USER")
        assert "DJANGO_SETTINGS_MODULE=portrait.settings.production" in dict(runtime)["ENV"]

    def test_checks_health_on_api_health_and_starts_through_the_entrypoint(self):
        runtime = dict(dockerfile_stages()[-1])

        assert runtime["HEALTHCHECK"].endswith('CMD ["python", "docker/healthcheck.py"]')
        assert "/api/health" in (ROOT / "docker" / "healthcheck.py").read_text()
        assert runtime["ENTRYPOINT"] == '["docker/entrypoint.sh"]' and runtime["CMD"] == '["web"]'

    def test_gunicorn_runs_three_workers_of_two_threads_by_default(self):
        text = ENTRYPOINT.read_text()

        assert '--workers "${GUNICORN_WORKERS:-3}" --threads "${GUNICORN_THREADS:-2}"' in text

    def test_dockerignore_keeps_environments_data_and_secrets_out(self):
        ignored = set((ROOT / ".dockerignore").read_text().split())

        assert {".git", ".venv", ".env", ".env.docker", "*.sqlite3", "media/", "staticfiles/"} <= ignored


def run_entrypoint(tmp_path, *args, timeout=300, **env):
    environment = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    environment.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        DJANGO_SETTINGS_MODULE="portrait.settings.production",
        SECRET_KEY="entrypoint-test-key-" + "x" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path}/portrait.sqlite3",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    environment.update(env)
    return subprocess.run([str(ENTRYPOINT), *args], capture_output=True, text=True, timeout=timeout,
                          env=environment, cwd=tmp_path)


class TestEntrypoint:
    def test_migrates_then_becomes_the_command(self, tmp_path):
        result = run_entrypoint(tmp_path, "python", "-c", "import os; print('ran as', os.getpid())",
                                MIGRATE_ON_START="1")

        assert result.returncode == 0, result.stderr
        assert "ran as" in result.stdout
        with sqlite3.connect(tmp_path / "portrait.sqlite3") as db:
            applied = {app for (app,) in db.execute("SELECT app FROM django_migrations")}
        assert {"matching", "customers", "accounts", "audit"} <= applied

    def test_another_command_does_not_migrate_unless_asked(self, tmp_path):
        result = run_entrypoint(tmp_path, "true")

        assert result.returncode == 0, result.stderr
        with sqlite3.connect(tmp_path / "portrait.sqlite3") as db:
            tables = db.execute("SELECT name FROM sqlite_master WHERE name = 'django_migrations'").fetchall()
        assert tables == []

    def test_stops_with_one_line_when_the_database_never_answers(self, tmp_path):
        pytest.importorskip("MySQLdb", reason="the image's MariaDB driver (requirements-mysql.txt)")
        result = run_entrypoint(tmp_path, "true", DATABASE_URL="mysql://portrait:x@127.0.0.1:9/portrait",
                                DB_WAIT_SECONDS="2")

        assert result.returncode != 0
        assert "Portrait cannot start: the database is not reachable" in result.stderr

    def test_web_role_migrates_and_serves_api_health_to_the_health_check(self, tmp_path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        environment = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
        environment.update(
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", PORT=str(port),
            DJANGO_SETTINGS_MODULE="portrait.settings.production", SECRET_KEY="entrypoint-test-key-" + "x" * 40,
            DATABASE_URL=f"sqlite:///{tmp_path}/portrait.sqlite3", GUNICORN_WORKERS="1", GUNICORN_THREADS="1",
            ALLOWED_HOSTS="localhost,127.0.0.1",
        )
        server = subprocess.Popen([str(ENTRYPOINT), "web"], env=environment, cwd=tmp_path,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            healthy = None
            for _ in range(120):
                healthy = subprocess.run([sys.executable, str(ROOT / "docker" / "healthcheck.py")], env=environment,
                                         capture_output=True, text=True, timeout=30)
                if healthy.returncode == 0 or server.poll() is not None:
                    break
                time.sleep(1)
            assert server.poll() is None, "the web role stopped"
            assert healthy.returncode == 0, healthy.stderr
        finally:
            server.terminate()
            server.wait(timeout=30)
