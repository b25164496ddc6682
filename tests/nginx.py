"""Debian's nginx in front of `realign serve` replicas on loopback ports, for the scale-out tests and bench/live.py.

nginx runs unprivileged from a temporary folder (``-p <folder> -c <folder>/nginx.conf -e <folder>/error.log``:
pid file, logs and temp paths all inside it, ``daemon off`` so the process is ours to stop). Its ``server`` block
is deploy/nginx.conf — the very file docker-compose.yml mounts — with the upstream servers and the listen address
replaced by loopback ports, so the tests exercise the proxy directives the compose layout ships.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.server import ROOT, Running, free_port, running

NGINX = "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx.conf"
# Tests only: each response (the WebSocket upgrade's 101 too) names the replica that served it.
REVEAL_UPSTREAM = "add_header X-Realign-Upstream $upstream_addr always;"


class NginxMissing(RuntimeError):
    """nginx is not installed where the tests look for it."""


def nginx_binary() -> str:
    """The nginx executable; ``NginxMissing`` says what to install when there is none."""
    found = NGINX if os.access(NGINX, os.X_OK) else shutil.which("nginx")
    if not found:
        raise NginxMissing(f"nginx not found at {NGINX} or on PATH: install it (apt-get install -y nginx)")
    return found


def site_config(upstreams: list[str], listen: str, *, reveal_upstream: bool = True) -> str:
    """deploy/nginx.conf with ``upstreams`` (host:port) as the replicas and ``listen`` as the address."""
    site = SITE.read_text(encoding="utf-8")
    servers = "".join(f"    server {address} max_fails=1 fail_timeout=2s;\n" for address in upstreams)
    site, replaced = re.subn(r"^\s*server api:8000[^;]*;\n", servers, site, flags=re.M)
    assert replaced == 1, f"{SITE} no longer names `server api:8000 ...;` in its upstream block"
    site, replaced = re.subn(r"^(\s*)listen 80;", rf"\1listen {listen};", site, flags=re.M)
    assert replaced == 1, f"{SITE} no longer has `listen 80;`"
    if reveal_upstream:
        site, replaced = re.subn(
            r"^(\s*)proxy_pass http://realign;", rf"\1proxy_pass http://realign;\n\1{REVEAL_UPSTREAM}", site, flags=re.M
        )
        assert replaced == 1
    return site


def nginx_config(folder: Path, site: str) -> str:
    """A whole nginx.conf around ``site`` that keeps every file nginx writes inside ``folder``."""
    return f"""
worker_processes 1;
worker_rlimit_nofile 16384;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site}
}}
"""


@dataclass
class Nginx:
    """A running nginx: its base URL, folder and process id."""

    base: str
    folder: Path
    pid: int

    def log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(encoding="utf-8", errors="replace")[-8000:] if path.exists() else ""


def _wait_for_port(port: int, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 10
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        log = folder / "error.log"
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"nginx did not listen on {port}:\n{log.read_text() if log.exists() else ''}")
        time.sleep(0.05)


@contextlib.contextmanager
def proxied(upstreams: list[str], folder: Path, *, reveal_upstream: bool = True) -> Iterator[Nginx]:
    """nginx on a free loopback port in front of ``upstreams``; stopped (and waited for) on exit."""
    binary = nginx_binary()
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_config(folder, site_config(upstreams, f"127.0.0.1:{port}", reveal_upstream=reveal_upstream)))
    checked = subprocess.run(
        [binary, "-t", "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, f"nginx -t rejected the generated config:\n{checked.stderr}"
    with (folder / "nginx.out").open("w") as out:
        process = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, process, folder)
        yield Nginx(f"http://127.0.0.1:{port}", folder, process.pid)
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then the master exits
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Cluster:
    """Replicas of `realign serve` on one database, nginx in front (``base``)."""

    base: str
    nginx: Nginx
    replicas: list[Running] = field(default_factory=list)

    def replica_at(self, address: str) -> Running:
        """The replica serving at ``address`` (host:port, as nginx names it in X-Realign-Upstream)."""
        for replica in self.replicas:
            if replica.base.removeprefix("http://") == address:
                return replica
        raise LookupError(f"no replica at {address!r} (replicas: {[r.base for r in self.replicas]})")

    def kill(self, replica: Running) -> None:
        """Kill a replica outright (SIGKILL: no graceful close of its connections, like a crash)."""
        os.kill(replica.pid, signal.SIGKILL)  # reaped by `running` on the way out

    def logs(self) -> str:
        parts = [f"--- {r.base}\n{r.log(3000)}" for r in self.replicas]
        return "\n".join([*parts, f"--- nginx\n{self.nginx.log()}"])


@contextlib.contextmanager
def cluster(database_url: str, count: int = 2, **settings: str) -> Iterator[Cluster]:
    """``count`` replicas of `realign serve` on ``database_url`` and nginx in front of them."""
    with tempfile.TemporaryDirectory(prefix="realign-nginx-") as name, contextlib.ExitStack() as stack:
        folder = Path(name)
        replicas = [
            stack.enter_context(running(database_url, folder / f"replica-{n}.log", **settings)) for n in range(count)
        ]
        front = stack.enter_context(proxied([r.base.removeprefix("http://") for r in replicas], folder))
        yield Cluster(front.base, front, replicas)
