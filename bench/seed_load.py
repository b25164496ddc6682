"""Benchmark: `realign seed --synthetic N` into a fresh SQLite file (or PostgreSQL with --postgres).

Prints the wall time of the load as a user runs it (a subprocess), the record counts and the peak memory.

    .venv/bin/python bench/seed_load.py [--events 100000] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="load into PostgreSQL (database realign_bench_load)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.postgres:
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute('DROP DATABASE IF EXISTS "realign_bench_load" WITH (FORCE)')
                conn.execute('CREATE DATABASE "realign_bench_load"')
            url = "postgresql://postgres@127.0.0.1:5432/realign_bench_load"
        else:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
        env = {**os.environ, "REALIGN_DATABASE_URL": url}
        subprocess.run([str(BIN / "realign"), "db", "upgrade"], check=True, env=env, cwd=ROOT, capture_output=True)
        started = time.perf_counter()
        done = subprocess.run(
            [str(BIN / "realign"), "seed", "--synthetic", str(args.events)],
            check=True,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(done.stdout.strip())
        print(f"{args.events} synthetic events into {url.split(':')[0]}: {elapsed:.1f} s wall, peak {peak:.0f} MiB")


if __name__ == "__main__":
    main()
