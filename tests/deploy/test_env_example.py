""".env.example names every setting and docker-compose.yml has the services, checks and volumes it promises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from roomiai.config import Settings

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
COMPOSE = (ROOT / "docker-compose.yml").read_text()
READ_FROM_ENVIRON = re.compile(
    r"""environ(?:\.get)?[(\[]\s*["'](ROOMIAI_[A-Z0-9_]+)["']|_ENV\s*=\s*["'](ROOMIAI_[A-Z0-9_]+)["']"""
)


def documented() -> set[str]:
    """The variables .env.example shows, set or commented out."""
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE, flags=re.MULTILINE))


def test_every_setting_is_in_env_example():
    missing = {f"ROOMIAI_{name.upper()}" for name in Settings.model_fields} - documented()
    assert not missing, f"add these settings to .env.example, with what they do: {sorted(missing)}"


def test_every_variable_read_from_the_environment_is_in_env_example():
    read = set()
    for source in (ROOT / "src" / "roomiai").rglob("*.py"):
        for match in READ_FROM_ENVIRON.finditer(source.read_text()):
            read.add(match.group(1) or match.group(2))
    assert "ROOMIAI_NEW_PASSWORD" in read  # the pattern still finds what it is meant to
    assert not read - documented(), f"add to .env.example: {sorted(read - documented())}"


def test_every_variable_compose_reads_is_in_env_example():
    interpolated = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", COMPOSE))
    assert {"POSTGRES_PASSWORD", "BASE_IMAGE", "PIP_NO_INDEX", "ROOMIAI_PUBLISH"} <= interpolated
    assert not interpolated - documented(), f"add to .env.example: {sorted(interpolated - documented())}"


def test_env_example_has_no_secret_filled_in():
    for name in (
        "POSTGRES_PASSWORD",
        "ROOMIAI_JWT_SECRET",
        "ROOMIAI_PII_KEY",
        "ROOMIAI_VAULT_KEY",
        "LIVEKIT_API_SECRET",
        "ROOMIAI_AGENT_TOKEN",
    ):
        assert re.search(rf"^{name}=$", ENV_EXAMPLE, flags=re.MULTILINE), f"{name} must be left empty in .env.example"


def test_compose_has_the_four_services_with_health_checks_and_volumes():
    spec = yaml.safe_load(COMPOSE)
    services = spec["services"]
    assert set(services) == {"api", "voice-agent", "postgres", "redis"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    assert "/v1/ready" in " ".join(services["api"]["healthcheck"]["test"])
    assert services["api"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert services["voice-agent"]["depends_on"] == {"api": {"condition": "service_healthy"}}
    assert services["api"]["build"]["dockerfile"] == "docker/api.Dockerfile"
    assert services["voice-agent"]["build"]["dockerfile"] == "docker/voice-agent.Dockerfile"
    for name, mount in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data"), ("api", "/data")):
        volume = next(item for item in services[name]["volumes"] if item.endswith(f":{mount}"))
        assert volume.split(":")[0] in spec["volumes"], f"{name} keeps {mount} in a named volume"


@pytest.mark.parametrize("dockerfile", ["api.Dockerfile", "voice-agent.Dockerfile"])
def test_dockerfiles_build_from_a_base_image_argument_and_run_as_a_user(dockerfile):
    text = (ROOT / "docker" / dockerfile).read_text()
    assert "ARG BASE_IMAGE=python:3.11-slim-bookworm" in text
    assert text.count("FROM ${BASE_IMAGE}") == 2  # multi-stage: the build tools stay behind
    assert re.search(r"^USER roomi$", text, flags=re.MULTILINE)
