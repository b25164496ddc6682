"""Static checks of the container setup (Dockerfile + docker-compose.yml).

No Docker engine or database is needed: the files are parsed and compared
with each other, with pyproject.toml and with the application's Settings.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
PYPROJECT = ROOT / "pyproject.toml"

DEFAULT_PACKAGES = ["api", "schema", "seeds"]
URL_RE = re.compile(r"https?://[^\s'\"\]\),]+")


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def _compose() -> dict:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict), "docker-compose.yml is not a mapping"
    return data


def _service(name: str) -> dict:
    services = _compose().get("services") or {}
    assert name in services, f"service {name!r} missing from docker-compose.yml"
    return services[name] or {}


def _env(service: dict) -> dict[str, str]:
    """Environment of a compose service, as a dict (map or list syntax)."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        env: dict[str, str] = {}
        for item in raw:
            key, _, value = str(item).partition("=")
            env[key] = value
        return env
    return {str(k): "" if v is None else str(v) for k, v in raw.items()}


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuations joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    buffer = ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        buffer += stripped
        keyword, _, args = buffer.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        buffer = ""
    if buffer:
        keyword, _, args = buffer.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    return instructions


def _as_words(args: str) -> list[str]:
    """Arguments of an exec-form (JSON) or shell-form instruction, as words."""
    if args.startswith("["):
        return [str(w) for w in json.loads(args)]
    return shlex.split(args)


def _strip_flags(words: list[str]) -> list[str]:
    return [w for w in words if not w.startswith("--")]


def _final_command() -> str:
    """The effective start-up command line: last ENTRYPOINT + last CMD."""
    entrypoint: list[str] = []
    cmd: list[str] = []
    for keyword, args in _dockerfile_instructions():
        if keyword == "ENTRYPOINT":
            entrypoint = _as_words(args)
        elif keyword == "CMD":
            cmd = _as_words(args)
    return " ".join(entrypoint + cmd)


def _exposed_ports() -> set[int]:
    ports: set[int] = set()
    for keyword, args in _dockerfile_instructions():
        if keyword == "EXPOSE":
            for item in args.split():
                ports.add(int(item.split("/")[0]))
    return ports


def _container_ports(service: dict) -> list[int]:
    """Container-side port of every mapping of a compose service."""
    result: list[int] = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            result.append(int(entry["target"]))
        else:
            container = str(entry).split("/")[0].rsplit(":", 1)[-1]
            result.append(int(container))
    return result


def _healthcheck_text(service: dict) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    if isinstance(test, list):
        return " ".join(str(part) for part in test)
    return "" if test is None else str(test)


def _declared_packages() -> list[str]:
    """Top-level packages from pyproject.toml, or the agreed default list."""
    try:
        data = tomllib.loads(PYPROJECT.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return DEFAULT_PACKAGES
    setuptools_cfg = data.get("tool", {}).get("setuptools", {})
    packages = setuptools_cfg.get("packages")
    names: list[str] = []
    if isinstance(packages, list):
        names = [str(p) for p in packages]
    elif isinstance(packages, dict) and isinstance(packages.get("find"), dict):
        names = [str(p) for p in packages["find"].get("include") or []]
    top_level = {re.split(r"[.*]", name, maxsplit=1)[0] for name in names}
    top_level.discard("")
    return sorted(top_level) or DEFAULT_PACKAGES


def _copied_sources() -> list[str]:
    sources: list[str] = []
    for keyword, args in _dockerfile_instructions():
        if keyword not in {"COPY", "ADD"}:
            continue
        words = _as_words(args)
        if any(w.startswith("--from") for w in words):
            continue  # from another build stage, not the build context
        words = _strip_flags(words)
        for src in words[:-1]:
            src = src.removeprefix("./").rstrip("/")
            sources.append(src or ".")
    return sources


NGINX_SITE = ROOT / "deploy" / "nginx.conf"
NGINX_SITE_MOUNT = "/etc/nginx/conf.d/default.conf"


def _command(service: dict) -> str:
    command = service.get("command") or ""
    return " ".join(str(w) for w in command) if isinstance(command, list) else str(command)


def _api_command() -> str:
    return _command(_service("api"))


def _nginx_site() -> str:
    """deploy/nginx.conf without comments."""
    return "\n".join(line.split("#", 1)[0] for line in NGINX_SITE.read_text().splitlines())


def _nginx_directives(name: str) -> list[str]:
    """The arguments of every ``name ...;`` directive in deploy/nginx.conf."""
    return [m.group(1).strip() for m in re.finditer(rf"(?m)^\s*{name}\s+([^;]*);", _nginx_site())]


def _nginx_upstreams() -> list[str]:
    """host:port of each server in the `realign` upstream block."""
    block = re.search(r"upstream\s+realign\s*\{(.*?)\}", _nginx_site(), re.S)
    assert block, "deploy/nginx.conf has no `upstream realign { ... }` block"
    return re.findall(r"(?m)^\s*server\s+(\S+)", block.group(1))


def _seconds(value: str) -> float:
    """An nginx time (``90``, ``90s``, ``5m``, ``1h``) in seconds."""
    found = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", value)
    assert found, f"not an nginx time: {value!r}"
    unit = {"ms": 0.001, "s": 1, None: 1, "m": 60, "h": 3600, "d": 86400}[found.group(2)]
    return int(found.group(1)) * unit


# --------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------


def test_services_exist():
    """Given docker-compose.yml, when it is parsed, then it defines `db` (postgres), `migrate` and `api` (built
    here) and `nginx` (the nginx image)."""
    services = _compose().get("services") or {}

    assert {"db", "migrate", "api", "nginx"} <= set(services)
    assert str(services["db"].get("image", "")).startswith("postgres:")
    assert services["api"].get("build") is not None and services["migrate"].get("build") is not None
    assert str(services["nginx"].get("image", "")).startswith("nginx:")


def test_api_waits_for_healthy_db():
    """Given the api service, when its dependencies are read, then it waits for db to be healthy."""
    depends_on = _service("api").get("depends_on")

    assert isinstance(depends_on, dict), "depends_on must use the long form to carry a condition"
    assert "db" in depends_on
    assert depends_on["db"].get("condition") == "service_healthy"
    # Migrations and the seed run once, in `migrate`, before any replica starts.
    assert depends_on.get("migrate", {}).get("condition") == "service_completed_successfully"


def test_compose_realign_variables_are_settings_fields():
    """Given the REALIGN_* variables compose sets, when matched to Settings, then each is a field."""
    from api.settings import Settings

    prefix = str(Settings.model_config.get("env_prefix") or "").upper()
    assert prefix == "REALIGN_"
    variables = [k for k in _env(_service("api")) if k.upper().startswith(prefix)]
    assert variables, "compose sets no REALIGN_* variables for the api"

    unknown = [v for v in variables if v[len(prefix) :].lower() not in Settings.model_fields]

    assert unknown == [], f"not fields of Settings: {unknown}"


def test_compose_environment_loads_into_settings(monkeypatch, tmp_path):
    """Given only the compose environment, when Settings() loads it, then it validates with those values."""
    from api.settings import Settings

    env = _env(_service("api"))
    for key in list(os.environ):
        if key.upper().startswith("REALIGN_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)  # no stray .env file

    settings = Settings()

    assert str(settings.database_url) == env["REALIGN_DATABASE_URL"]
    assert settings.host == env["REALIGN_HOST"]
    assert settings.port == int(env["REALIGN_PORT"])


def test_database_url_points_at_db_service():
    """Given the db service credentials, when the api's database URL is parsed, then they match."""
    db_env = _env(_service("db"))
    url = urlsplit(_env(_service("api"))["REALIGN_DATABASE_URL"])

    assert url.scheme.split("+")[0] in {"postgresql", "postgres"}
    assert url.hostname == "db"
    assert url.port in (None, 5432)
    assert url.username == db_env["POSTGRES_USER"]
    assert url.password == db_env["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == db_env["POSTGRES_DB"]


def test_api_port_is_consistent():
    """Given the api's port, when compared to its `expose`, EXPOSE, REALIGN_PORT, both serve commands' --port and
    nginx's upstream, then all agree; the replicas publish no host port (two would collide): nginx does."""
    port = int(_env(_service("api"))["REALIGN_PORT"])
    exposed = [int(str(p).split("/")[0]) for p in _service("api").get("expose") or []]
    serve_ports = [
        re.search(r"realign serve\b.*?--port[= ](\d+)", command) for command in (_final_command(), _api_command())
    ]

    assert exposed == [port]
    assert _service("api").get("ports") is None
    assert port in _exposed_ports()
    assert all(found and int(found.group(1)) == port for found in serve_ports[1:])
    if serve_ports[0]:
        assert int(serve_ports[0].group(1)) == port
    assert _nginx_upstreams() == [f"api:{port}"]


def test_dockerfile_cmd_migrates_seeds_and_serves():
    """Given the Dockerfile, when its start-up command is read, then it upgrades, seeds, serves in order."""
    command = _final_command()
    steps = ["realign db upgrade", "realign seed", "realign serve"]

    positions = [command.find(step) for step in steps]

    assert all(p >= 0 for p in positions), f"missing step in {command!r}"
    assert positions == sorted(positions), f"steps out of order in {command!r}"
    assert "--host 0.0.0.0" in command or "--host=0.0.0.0" in command


def test_dockerfile_does_not_bake_database_url():
    """Given the Dockerfile, when ENV/ARG lines are read, then REALIGN_DATABASE_URL is not baked in."""
    baked = [
        args
        for keyword, args in _dockerfile_instructions()
        if keyword in {"ENV", "ARG"} and "REALIGN_DATABASE_URL" in args
    ]

    assert baked == []


def test_healthchecks_exist():
    """Given both services, when healthchecks are read, then both exist, api probes /readyz|/healthz."""
    db_check = _healthcheck_text(_service("db"))
    api_check = _healthcheck_text(_service("api"))
    api_urls = [urlsplit(u) for u in URL_RE.findall(api_check)]
    port = int(_env(_service("api"))["REALIGN_PORT"])

    assert "pg_isready" in db_check
    assert api_urls, f"api healthcheck calls no URL: {api_check!r}"
    assert all(u.path in {"/readyz", "/healthz"} for u in api_urls)
    assert all(u.port == port for u in api_urls)
    assert "curl" not in api_check and "wget" not in api_check  # not in python:slim


def test_dockerfile_healthcheck_uses_python():
    """Given the Dockerfile, when its HEALTHCHECK is read, then it probes /healthz with python's urllib."""
    checks = [args for keyword, args in _dockerfile_instructions() if keyword == "HEALTHCHECK"]

    assert len(checks) == 1
    urls = [urlsplit(u) for u in URL_RE.findall(checks[0])]
    assert "urllib" in checks[0]
    assert urls and all(u.path in {"/healthz", "/readyz"} for u in urls)
    assert all(u.port in _exposed_ports() for u in urls)


@pytest.mark.parametrize("package", _declared_packages())
def test_dockerfile_copies_declared_package(package):
    """Given a top-level package pyproject declares, when COPY sources are read, then it is copied."""
    sources = _copied_sources()

    covered = any(src == package or src == "." for src in sources)

    assert covered, f"{package!r} not copied by the Dockerfile (sources: {sources})"


@pytest.mark.parametrize("path", ["pyproject.toml", "README.md", "alembic.ini", "migrations"])
def test_dockerfile_copies_runtime_files(path):
    """Given files install and `realign db upgrade` need, when COPY sources are read, then each is copied."""
    sources = _copied_sources()

    assert path in sources or "." in sources


def test_api_runs_two_replicas_that_only_serve():
    """Given the api service, when its deployment and command are read, then two replicas run `realign serve` and
    neither migrates nor seeds (two at once would race: `migrate` does it once)."""
    command = _api_command()

    assert (_service("api").get("deploy") or {}).get("replicas") == 2
    assert command.startswith("realign serve") and "--host 0.0.0.0" in command
    assert "db upgrade" not in command and "seed" not in command


def test_migrate_upgrades_then_seeds_once():
    """Given the migrate service, when its command is read, then it upgrades then seeds, and is not restarted."""
    command = _command(_service("migrate"))

    assert 0 <= command.find("realign db upgrade") < command.find("realign seed")
    assert "realign serve" not in command
    assert str(_service("migrate").get("restart")) == "no"


def test_replicas_and_migrate_share_one_database():
    """Given migrate and api, when their database URLs are read, then they are one URL (the replicas, one service,
    share it by construction): the replicas meet every write through that database's LISTEN/NOTIFY."""
    urls = {_env(_service(name)).get("REALIGN_DATABASE_URL") for name in ("migrate", "api")}

    assert len(urls) == 1 and None not in urls


def test_nginx_mounts_the_site_and_publishes_its_listen_port():
    """Given the nginx service, when its volumes and ports are read, then it mounts deploy/nginx.conf as the default
    site, waits for healthy replicas, and publishes the port the site listens on."""
    nginx = _service("nginx")
    mounts = [str(v).split(":") for v in nginx.get("volumes") or []]
    listen = [int(arg.split()[0].rsplit(":", 1)[-1]) for arg in _nginx_directives("listen")]

    assert any((ROOT / src).resolve() == NGINX_SITE and dst == NGINX_SITE_MOUNT for src, dst, *_ in mounts), (
        f"deploy/nginx.conf is not mounted at {NGINX_SITE_MOUNT}: {mounts}"
    )
    assert (nginx.get("depends_on") or {}).get("api", {}).get("condition") == "service_healthy"
    assert _container_ports(nginx) == listen


def test_nginx_proxies_websockets_to_the_replicas():
    """Given deploy/nginx.conf, when its directives are read, then it passes WebSocket upgrades (HTTP/1.1, Upgrade
    and Connection from the client's Upgrade header) to the `realign` upstream, with read/send timeouts long
    enough for a quiet subscription, and no sticky sessions (any replica serves any client)."""
    headers = {arg.split(None, 1)[0].lower(): arg.split(None, 1)[1] for arg in _nginx_directives("proxy_set_header")}
    site = _nginx_site()

    assert _nginx_directives("proxy_pass") == ["http://realign"]
    assert _nginx_directives("proxy_http_version") == ["1.1"]
    assert headers["upgrade"] == "$http_upgrade"
    assert headers["connection"] == "$connection_upgrade"
    assert re.search(r"map\s+\$http_upgrade\s+\$connection_upgrade\s*\{[^}]*default\s+upgrade;", site)
    assert all(
        _seconds(t) >= 300 for t in _nginx_directives("proxy_read_timeout") + _nginx_directives("proxy_send_timeout")
    )
    assert len(_nginx_directives("proxy_read_timeout")) == 1
    assert not re.search(r"(?m)^\s*(ip_hash|hash|sticky)\b", site)
