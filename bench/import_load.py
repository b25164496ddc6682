"""Benchmark: `realign export` of N synthetic events, then `realign import` of that folder into a fresh database.

Seeds a temporary SQLite database with `realign seed --synthetic N`, exports it, imports the export into a
second fresh SQLite database, and prints the wall time of each step as a user runs it (subprocesses), the
size of the export and the import's peak memory. Also checks that re-exporting the imported database gives
byte-identical files. Target: the import of 100 000 events in under 60 s.

    .venv/bin/python bench/import_load.py [--events 100000]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_SECONDS = 60.0


def realign(*args: str, url: str) -> tuple[float, str, float]:
    """Run `realign ARGS...` against ``url``; returns the wall time, standard output and peak memory (MiB)."""
    env = {**os.environ, "REALIGN_DATABASE_URL": url}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen([str(BIN / "realign"), *args], env=env, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            sys.exit(f"realign {' '.join(args)} failed:\n{err.read()}")
        return elapsed, out.read(), usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source, target = f"sqlite:///{folder / 'source.db'}", f"sqlite:///{folder / 'target.db'}"
        realign("db", "upgrade", url=source)
        realign("db", "upgrade", url=target)
        seeded, _, _ = realign("seed", "--synthetic", str(args.events), url=source)
        exported, _, export_peak = realign("export", str(folder / "export"), url=source)
        size = sum(p.stat().st_size for p in (folder / "export").iterdir())
        imported, import_out, import_peak = realign("import", str(folder / "export"), url=target)
        again, _, _ = realign("export", str(folder / "again"), url=target)
        names = sorted(p.name for p in (folder / "export").iterdir())
        _, mismatch, errors = filecmp.cmpfiles(folder / "export", folder / "again", names, shallow=False)
    print(import_out.strip())
    print()
    print(f"synthetic events:          {args.events}")
    print(f"seed --synthetic:          {seeded:6.1f} s")
    files = f"{size / 2**20:.0f} MiB of seed files"
    print(f"export:                    {exported:6.1f} s  ({files}, peak {export_peak:.0f} MiB)")
    print(f"import (fresh database):   {imported:6.1f} s  (peak {import_peak:.0f} MiB)")
    print(f"export of the import:      {again:6.1f} s  ({'byte-identical' if not mismatch + errors else 'DIFFERS'})")
    verdict = "under" if imported < TARGET_SECONDS else "OVER"
    print(f"import target {TARGET_SECONDS:.0f} s: {verdict}")
    if mismatch or errors:
        sys.exit(f"re-export differs: {mismatch + errors}")


if __name__ == "__main__":
    main()
