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


# --------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------


def test_both_services_exist():
    """Given docker-compose.yml, when it is parsed, then it defines `db` (postgres) and `api` (built here)."""
    services = _compose().get("services") or {}

    assert {"db", "api"} <= set(services)
    assert str(services["db"].get("image", "")).startswith("postgres:")
    assert services["api"].get("build") is not None


def test_api_waits_for_healthy_db():
    """Given the api service, when its dependencies are read, then it waits for db to be healthy."""
    depends_on = _service("api").get("depends_on")

    assert isinstance(depends_on, dict), "depends_on must use the long form to carry a condition"
    assert "db" in depends_on
    assert depends_on["db"].get("condition") == "service_healthy"


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
    """Given the api port mapping, when compared to EXPOSE, REALIGN_PORT and serve --port, then all agree."""
    port = int(_env(_service("api"))["REALIGN_PORT"])
    container_ports = _container_ports(_service("api"))
    serve_port = re.search(r"realign serve\b.*?--port[= ](\d+)", _final_command())

    assert container_ports == [port]
    assert port in _exposed_ports()
    if serve_port:
        assert int(serve_port.group(1)) == port


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
