"""Scripts, build files and docs run from any clone: no path of one development machine in them."""
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Figures recorded by past benchmark runs keep the paths of the machine they ran on: they are records.
RECORDS = ("benchmarks/results/",)
MACHINE_PATH = re.compile(r"(?<![\w.$])/(work|home|Users|root)/[\w.-]+")


def tracked_files() -> list[str]:
    try:
        listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git clone")
    return [name for name in listed.splitlines() if not name.startswith(RECORDS) and not name.endswith((".mo", ".png"))]


def test_no_tracked_file_names_a_machine_s_absolute_path():
    found = []
    for name in tracked_files():
        path = ROOT / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}" for m in MACHINE_PATH.finditer(text)]

    assert found == []


@pytest.mark.parametrize("script", ["benchmarks/loadtest.sh", "benchmarks/scaleout.sh"])
def test_benchmark_scripts_default_to_the_clone_s_own_environment(script):
    text = (ROOT / script).read_text()

    assert 'PY=${PY:-$ROOT/.venv/bin/python}' in text
    assert 'ROOT=$(cd "$(dirname "$0")/.." && pwd)' in text
