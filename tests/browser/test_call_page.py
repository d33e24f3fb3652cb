"""The call page in Debian's chromium, headless, with a caller WAV as the microphone."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import threading
import time

import pytest
import uvicorn

from roomiai.agent.runtime import deterministic_brain
from roomiai.api.app import build_container, create_app
from roomiai.voice.call_page import ModelLoader, install

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(settings, seeded_template, local_models):
    """The API with the call page, served by uvicorn on a free port in a thread."""
    shutil.copy(seeded_template, settings.data_dir / "roomiai.sqlite3")
    container = build_container(settings)
    app = create_app(container)
    install(app.app, container, make_brain=deterministic_brain, models=ModelLoader(lambda: local_models))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, ws="websockets-sansio"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def caller_microphone(tmp_path, say) -> str:
    """Silence while Roomi greets, one question, then silence (chromium loops the file)."""
    question = say("What time is check out?")
    path = tmp_path / "microphone.wav"
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(tmp_path / "pause.wav"), "trim", "0", "6"], check=True)
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(tmp_path / "tail.wav"), "trim", "0", "30"], check=True)
    subprocess.run(["sox", str(tmp_path / "pause.wav"), str(question), str(tmp_path / "tail.wav"), str(path)], check=True)
    return str(path)


async def launch(playwright, *extra: str):
    if CHROMIUM is None:
        pytest.fail("chromium is missing: `make test` installs it (scripts/install-test-deps.sh)")
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", *extra])


async def transcript(page) -> list[tuple[str, str]]:
    items = page.locator("#transcript li")
    return [(await item.get_attribute("data-speaker"), await item.locator("span").inner_text())
            for item in await items.all()]


async def test_a_caller_asks_a_question_and_roomi_answers_on_the_call_page(server, caller_microphone):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await launch(playwright, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                               f"--use-file-for-fake-audio-capture={caller_microphone}",
                               "--autoplay-policy=no-user-gesture-required")
        page = await browser.new_page()
        await page.goto(f"{server}/call")
        assert await page.title() == "Call Grand Hotel · RoomiAI"
        await page.click("#call")
        lines: list[tuple[str, str]] = []
        for _ in range(60):
            await asyncio.sleep(1)
            lines = await transcript(page)
            if any(speaker == "caller" for speaker, _ in lines) and lines[-1][0] == "roomi":
                break
        assert lines[0][0] == "roomi" and "Grand Hotel" in lines[0][1]  # the greeting
        caller = [text.lower() for speaker, text in lines if speaker == "caller"]
        assert caller and "check" in caller[0], lines
        assert "11" in lines[-1][1], lines  # check-out time from the hotel's settings
        await page.click("#hangup")
        assert await page.locator("#status").inner_text() == "You hung up."
        assert await page.locator("#call").is_enabled()
        await browser.close()


async def test_a_denied_microphone_gets_a_clear_message(server):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await launch(playwright, "--use-fake-device-for-media-stream")
        context = await browser.new_context()  # no microphone permission granted, no fake UI to accept it
        page = await context.new_page()
        await page.goto(f"{server}/call")
        await page.click("#call")
        alert = page.locator("#alert")
        await alert.wait_for(state="visible", timeout=10_000)
        assert "Microphone access was denied" in await alert.inner_text()
        assert await page.locator("#call").is_enabled()
        await browser.close()
