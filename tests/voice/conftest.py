"""Voice fixtures: the local models loaded once for the whole run, and caller voices made with espeak-ng.

The caller speaks with espeak-ng's British male voice; Roomi speaks with Piper's Joe, so the two never share a voice.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.config import Settings
from roomiai.voice.speech import LocalModels

from ..conftest import headers

CALLER_VOICE = "en-gb+m3"


@pytest.fixture(scope="session")
def local_models() -> LocalModels:
    return LocalModels.load(Settings(_env_file=None))


@pytest.fixture(scope="session")
def say(tmp_path_factory):
    """say(text) -> a WAV of a caller saying it."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing: `make test` installs it (scripts/install-test-deps.sh)")
    folder = tmp_path_factory.mktemp("caller")
    made: dict[str, Path] = {}

    def speak(text: str) -> Path:
        if text not in made:
            path = folder / f"turn_{len(made) + 1:02d}.wav"
            subprocess.run(["espeak-ng", "-v", CALLER_VOICE, "-s", "160", "-w", str(path), text], check=True)
            made[text] = path
        return made[text]

    return speak


async def call_log(settings: Settings, session_id: str) -> dict:
    """The call log as the hotel's staff sees it (GET /v1/voice/session/{id})."""
    container = build_container(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(container)),
                                     base_url="http://roomi.test") as http:
            response = await http.get(f"/v1/voice/session/{session_id}", headers=headers("admin"))
            assert response.status_code == 200, response.text
            return response.json()
    finally:
        await container.db.dispose()
