"""Write a customers CSV for timing `import_customers` at any size, from one of two generators:

    python -m benchmarks.import_csv /tmp/customers-1m.csv --rows 1000000 [--generator demo|uniform] [--seed 1]

- `demo`: the demo's portraits (`demo.generators.generate_portraits`, the synthetic customers' stream):
  ages, occupations, assets and needs and hobbies drawn as a bank's customers are, names in Chinese;
- `uniform`: portraits drawn uniformly at random so a figure does not hold on one data set only: every
  subset of the first 16 services and the first 16 hobbies equally likely (65,536 distinct cells per
  column instead of a few thousand), ages 18 to 120, assets 0 to 10,000,000.00, an occupation of random
  letters on every row (no two cells alike to cache), ASCII names.

Usernames are `<prefix>0000001`...; the terms are the demo's names, so import with `--create-terms` into an
empty database. No Django; the file has the header `import_customers` reads (`CUSTOMER_IMPORT_COLUMNS`
without the optional branch).
"""
from __future__ import annotations

import argparse
import csv
import string
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo.generators import HOBBIES, SERVICES, SYNTHETIC_CUSTOMER_STREAM, generate_portraits  # noqa: E402

HEADER = ("username", "name", "age", "occupation", "total_assets", "needs", "hobbies")
BLOCK = 50_000  # rows drawn and written at a time


def _joined(mask: np.ndarray, names: list[str]) -> list[str]:
    return [";".join(names[i] for i in np.flatnonzero(row)) for row in mask]


def demo_rows(n: int, seed: int, prefix: str):
    portraits = generate_portraits(seed=seed, stream=SYNTHETIC_CUSTOMER_STREAM, n=n)
    services, hobbies = [name for name, _w in SERVICES], [name for name, _w in HOBBIES]
    for start in range(0, n, BLOCK):
        stop = min(n, start + BLOCK)
        needs = _joined(portraits.services[start:stop], services)
        likes = _joined(portraits.hobbies[start:stop], hobbies)
        for offset, row in enumerate(range(start, stop)):
            cents = int(portraits.assets_cents[row])
            yield (f"{prefix}{row + 1:07d}", portraits.names[row], int(portraits.ages[row]),
                   portraits.occupations[row], f"{cents // 100}.{cents % 100:02d}", needs[offset], likes[offset])


def uniform_rows(n: int, seed: int, prefix: str):
    rng = np.random.default_rng([seed, 21])
    services, hobbies = [name for name, _w in SERVICES[:16]], [name for name, _w in HOBBIES[:16]]
    letters = np.array(list(string.ascii_lowercase))
    for start in range(0, n, BLOCK):
        size = min(n, start + BLOCK) - start
        ages = rng.integers(18, 121, size=size)
        cents = rng.integers(0, 1_000_000_000 + 1, size=size)
        needs = _joined(rng.random((size, 16)) < 0.5, services)
        likes = _joined(rng.random((size, 16)) < 0.5, hobbies)
        words = letters[rng.integers(0, 26, size=(size, 12))]
        for offset in range(size):
            row = start + offset
            yield (f"{prefix}{row + 1:07d}", "".join(words[offset, :8]).title(), int(ages[offset]),
                   "".join(words[offset, 4:]), f"{cents[offset] // 100}.{cents[offset] % 100:02d}",
                   needs[offset], likes[offset])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--generator", choices=("demo", "uniform"), default="demo")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prefix", default="imp_c", help="usernames start with this")
    args = parser.parse_args(argv)
    rows = (demo_rows if args.generator == "demo" else uniform_rows)(args.rows, args.seed, args.prefix)
    with args.file.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"{args.file}: {args.rows} rows ({args.generator}), {args.file.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
