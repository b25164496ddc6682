"""A real `realign serve` in a subprocess, for tests that need a server on a port (audits, fuzzing, faults).

Its output goes to a file, not a pipe: a pipe nobody reads fills up after ~64 KB of log and then blocks the
server. `running` waits for `/readyz` (or `/healthz`, for a server whose database is never ready).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALIGN = Path(sys.executable).parent / "realign"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Running:
    """A started server: its base URL, its log file and its process id."""

    base: str
    log_path: Path
    pid: int = 0

    def log(self, tail: int = 8000) -> str:
        """The end of what the server has logged so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-tail:]


@contextlib.contextmanager
def running(database_url: str, log_path: Path, *, ready: str = "/readyz", **settings: str) -> Iterator[Running]:
    """Start `realign serve` on a free port, logging to ``log_path``; yield once ``ready`` answers 200."""
    port = free_port()
    env = {**os.environ, "REALIGN_DATABASE_URL": database_url, "REALIGN_LOG_LEVEL": "WARNING"}
    env.update({f"REALIGN_{key.upper()}": value for key, value in settings.items()})
    server = Running(f"http://127.0.0.1:{port}", log_path)
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [str(REALIGN), "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    server.pid = process.pid
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{server.base}{ready}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"realign serve did not answer {ready}:\n{server.log()}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def serve(database_url: str, **settings: str) -> Iterator[str]:
    """Start `realign serve` on a free port and yield its base URL once /readyz answers 200."""
    with tempfile.TemporaryDirectory() as folder, running(database_url, Path(folder) / "serve.log", **settings) as s:
        yield s.base
