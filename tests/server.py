"""A real `realign serve` in a subprocess, for tests that need a server on a port (audits, fuzzing, faults)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALIGN = Path(sys.executable).parent / "realign"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(database_url: str, **settings: str) -> Iterator[str]:
    """Start `realign serve` on a free port and yield its base URL once /readyz answers 200."""
    port = free_port()
    env = {**os.environ, "REALIGN_DATABASE_URL": database_url, "REALIGN_LOG_LEVEL": "WARNING"}
    env.update({f"REALIGN_{key.upper()}": value for key, value in settings.items()})
    process = subprocess.Popen(
        [str(REALIGN), "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                raise RuntimeError(f"realign serve did not become ready:\n{output}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
