"""The benchmark scripts still run (at a tiny scale; they print figures and assert nothing on time)."""
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(script, *args):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True, text=True, timeout=300, env=env, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_engine_benchmark_runs():
    out = run("bench_engine.py", "--customers", "60", "--managers", "6", "--max-arcs", "120")
    assert "optimal pruned" in out and "proven within" in out


def test_autoassign_benchmark_runs():
    out = run("bench_autoassign.py", "--customers", "40", "--managers", "3")
    assert "optimal (first run, writes)" in out and "segment" in out


def test_notifications_benchmark_runs():
    out = run("bench_notifications.py", "--customers", "40", "--managers", "3", "--repeat", "1")
    assert "write phase without the receiver" in out and "write phase ratio" in out
    assert "notifications and" in out


@pytest.mark.parametrize("generator", ["demo", "uniform"])
def test_import_csv_writes_a_file_the_import_reads(tmp_path, generator):
    """The CSV generator of the import benchmark writes rows that `read_table` reads without a problem."""
    from core.tabular import read_table
    from customers.selectors import CUSTOMER_IMPORT_COLUMNS

    path = tmp_path / "customers.csv"
    out = run("import_csv.py", str(path), "--rows", "300", "--generator", generator)
    table = read_table(path, required=[c for c in CUSTOMER_IMPORT_COLUMNS if c != "branch"], optional=["branch"])

    assert "300 rows" in out and table.errors == [] and len(table.rows) == 300
    assert len({row.values["username"] for row in table.rows}) == 300


def test_harness_runs_every_step_and_writes_comparable_json(tmp_path):
    """The harness at a tiny scale: autoassign per strategy, the older algorithm, the write floor, pages, import."""
    import json

    figures = tmp_path / "figures.json"
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.harness", "--customers", "60", "--managers", "4", "--capacity", "20",
         "--page-repeat", "2", "--json", str(figures)],
        capture_output=True, text=True, timeout=600, env=env, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "older algorithm" in out and "write/floor" in out and "import_customers, all new" in out
    data = json.loads(figures.read_text())
    assert [run["strategy"] for run in data["autoassign"]] == ["greedy", "optimal"]
    customers = data["dataset"]["customers"]
    for run in data["autoassign"]:
        assert set(run["phases"]) == {"load", "score", "place", "write"}
        assert run["quality"]["placed"] == customers  # room for everyone: 9 managers x 20
        assert run["quality"]["managers_over_capacity"] == 0
        assert run["floor"]["rows"] == customers and run["peak_mb"] > 0
    assert data["dataset"]["services"] == data["dataset"]["hobbies"] == 20
    assert data["legacy"]["customers_run"] == customers and not data["legacy"]["extrapolated"]
    assert data["legacy"]["statements"] >= 2 * customers  # a SELECT and an UPDATE per customer
    assert data["import"]["rows"] == customers
    greedy, optimal = data["autoassign"]
    assert optimal["quality"]["total_score"] >= greedy["quality"]["total_score"]


def test_harness_legacy_sample_is_scaled_and_labelled(tmp_path):
    """Above --legacy-max-pairs the older algorithm runs on a sample and says the figure is extrapolated."""
    import json

    figures = tmp_path / "figures.json"
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.harness", "--customers", "80", "--managers", "3", "--strategies", "greedy",
         "--legacy-max-pairs", "160", "--no-pages", "--no-import", "--no-floor", "--json", str(figures)],
        capture_output=True, text=True, timeout=600, env=env, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    legacy = json.loads(figures.read_text())["legacy"]
    assert legacy["extrapolated"] and legacy["customers_run"] == 160 // 8
    assert "extrapolated" in result.stdout


def test_harness_places_under_branches_and_tiers(tmp_path):
    """--branches, --regions, --tiers and --policy: the timed runs place within the constraints."""
    import json

    figures = tmp_path / "figures.json"
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.harness", "--customers", "60", "--managers", "6", "--capacity", "20",
         "--branches", "3", "--regions", "2", "--tiers", "--policy", "branch", "--strategies", "optimal",
         "--no-legacy", "--no-pages", "--no-import", "--no-floor", "--json", str(figures)],
        capture_output=True, text=True, timeout=600, env=env, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(figures.read_text())
    assert data["constraints"] == {"branches": 3, "regions": 2, "tiers": True, "policy": "branch"}
    (optimal,) = data["autoassign"]
    assert optimal["quality"]["managers_over_capacity"] == 0 and optimal["quality"]["placed"] > 0


@pytest.fixture
def seeded_sqlite(tmp_path):
    """The environment of a migrated SQLite file with 30 customers and 3 managers."""
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/bench.sqlite3", DEBUG="1", SECRET_KEY="benchmark-smoke-test-key")
    for command in (["migrate", "-v0"], ["seed_demo", "--minimal", "--customers", "30", "--managers", "3", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], check=True, env=env, cwd=ROOT, timeout=300)
    return env


def test_throughput_script_serves_a_list_through_gunicorn(tmp_path, seeded_sqlite):
    """benchmarks/throughput.py at a tiny scale: a seeded SQLite file, a gunicorn worker of two threads, one second."""
    env = seeded_sqlite
    figures = tmp_path / "figures.json"
    with socket.socket() as probe:  # a port nobody holds now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.throughput", "--who", "manager", "--seconds", "1", "--warmup", "0",
         "--clients", "2", "--threads", "2", "--port", str(port), "--json", str(figures)],
        capture_output=True, text=True, timeout=300, env=env, cwd=ROOT,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    import json

    measured = json.loads(figures.read_text())
    assert measured["requests"] > 0 and measured["failures"] == 0 and measured["threads"] == 2
    assert "requests/s" in result.stdout


def test_request_cost_script_times_a_request_in_process(tmp_path, seeded_sqlite):
    """benchmarks/request_cost.py at a tiny scale (its --instructions mode runs the same child under valgrind)."""
    figures = tmp_path / "cost.json"

    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.request_cost", "--requests", "10", "--json", str(figures)],
        capture_output=True, text=True, timeout=300, env=seeded_sqlite, cwd=ROOT,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    import json

    measured = json.loads(figures.read_text())
    assert measured["wall_ms"] > 0 and measured["cpu_ms"] > 0
    assert "ms CPU per request" in result.stdout
