"""The call page in Debian's chromium, headless, with a caller WAV as the microphone.

Some tests loop a WAV as chromium's fake microphone; the conversation tests give the page a microphone the test
speaks into when it chooses (over the greeting, over a reply), so what is tested never depends on timing.
"""

from __future__ import annotations

import asyncio
import base64
import shutil
import socket
import subprocess
import threading
import time
from contextlib import asynccontextmanager

import pytest
import uvicorn

from roomiai.agent.runtime import deterministic_brain
from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
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
    yield from serve(settings, seeded_template, local_models)


@pytest.fixture
def impatient_server(settings, seeded_template, local_models):
    """The same, with a hotel whose silence timers are short (the test waits less; it never times them)."""
    quick = settings.model_copy(update={"silence_prompt_seconds": 1.0, "silence_goodbye_seconds": 1.0})
    yield from serve(quick, seeded_template, local_models)


def serve(settings, seeded_template, local_models):
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
    """Silence while Roomi greets (with the recording notice), one question, then silence (chromium loops the file)."""
    question = say("What time is check out?")
    path = tmp_path / "microphone.wav"
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(tmp_path / "pause.wav"), "trim", "0", "12"], check=True)
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(tmp_path / "tail.wav"), "trim", "0", "30"], check=True)
    subprocess.run(["sox", str(tmp_path / "pause.wav"), str(question), str(tmp_path / "tail.wav"), str(path)], check=True)
    return str(path)


async def launch(playwright, *extra: str):
    if CHROMIUM is None:
        pytest.fail("chromium is missing: `make test` installs it (scripts/install-test-deps.sh)")
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", *extra])


async def transcript(page) -> list[tuple[str, str]]:
    """Both sides' final lines; a reply Roomi is still speaking (shown word by word) is left out until it ends."""
    items = page.locator("#transcript li:not([data-speaking])")
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


# getUserMedia answers with a stream the test fills: window.roomiSpeak(base64 WAV) plays one caller turn into it
SCRIPTED_MICROPHONE = """
(() => {
  let context = null, line = null;
  navigator.mediaDevices.getUserMedia = async () => {
    context = new AudioContext({ sampleRate: 16000 });
    line = context.createMediaStreamDestination();
    return line.stream;
  };
  window.roomiSpeak = async (wav) => {
    const bytes = Uint8Array.from(atob(wav), (c) => c.charCodeAt(0));
    const audio = await context.decodeAudioData(bytes.buffer);
    const source = context.createBufferSource();
    source.buffer = audio;
    source.connect(line);
    await new Promise((done) => { source.onended = done; source.start(); });
  };
})();
"""


class ScriptedCaller:
    """A page with the scripted microphone, and what it shows."""

    def __init__(self, page, say):
        self.page, self.say = page, say

    async def speak(self, text: str) -> None:
        wav = base64.b64encode(self.say(text).read_bytes()).decode()
        await self.page.evaluate("(wav) => window.roomiSpeak(wav)", wav)

    async def until(self, predicate, what: str, seconds: int = 90) -> list[tuple[str, str, bool]]:
        lines: list[tuple[str, str, bool]] = []
        for _ in range(seconds * 4):
            lines = await shown(self.page)
            if predicate(lines):
                return lines
            await asyncio.sleep(0.25)
        pytest.fail(f"the page never showed {what}: {lines}")

    async def until_status(self, start: str, seconds: int = 90) -> None:
        status = ""
        for _ in range(seconds * 20):
            status = await self.page.locator("#status").inner_text()
            if status.startswith(start):
                return
            await asyncio.sleep(0.05)
        pytest.fail(f"the page never said {start!r}; it says {status!r}")

    async def until_roomi_speaks(self) -> None:
        await self.until_status("Roomi is speaking")


async def shown(page) -> list[tuple[str, str, bool]]:
    """The transcript as the page shows it: speaker, words, and whether the line is marked as cut."""
    return await page.eval_on_selector_all(
        "#transcript li", "items => items.map(i => [i.dataset.speaker, i.querySelector('span').textContent, "
                          "i.classList.contains('interrupted')])")


@asynccontextmanager
async def scripted_call(url: str, say):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await launch(playwright, "--autoplay-policy=no-user-gesture-required")
        page = await browser.new_page()
        await page.add_init_script(SCRIPTED_MICROPHONE)
        await page.goto(f"{url}/call")
        await page.click("#call")
        try:
            yield ScriptedCaller(page, say)
        finally:
            await browser.close()


def answered(lines) -> bool:
    return any(speaker == "roomi" and "11" in text for speaker, text, _ in lines)


async def test_speech_over_the_greeting_is_heard_and_answered_and_the_cut_greeting_shown_once(server, say):
    async with scripted_call(server, say) as caller:
        await caller.until_roomi_speaks()
        await caller.speak("What time is check out?")
        lines = await caller.until(answered, "an answer about check-out")
    roomi = [(text, cut) for speaker, text, cut in lines if speaker == "roomi"]
    assert len(roomi) == 2, lines  # the greeting once, the answer once
    (greeting, greeting_cut), (answer, answer_cut) = roomi
    assert greeting_cut and greeting.startswith("Thank") and "How can I help you today?" not in greeting
    assert "11" in answer and not answer_cut
    assert [speaker for speaker, _, _ in lines] == ["roomi", "caller", "roomi"]


async def test_a_backchannel_leaves_roomi_talking_and_a_barge_in_cuts_her_reply(server, say):
    async with scripted_call(server, say) as caller:
        await caller.until_roomi_speaks()
        await caller.speak("Okay.")  # over the greeting
        await caller.until(lambda lines: lines and lines[0][1].endswith("How can I help you today?"),
                           "the whole greeting")
        await caller.until_status("Roomi is listening")
        await caller.speak("Purple monkey dishwasher.")  # answered at length: what Roomi can do
        await caller.until(lambda lines: len(lines) >= 3 and lines[-1][0] == "roomi", "the long answer starting")
        await caller.until_roomi_speaks()
        await caller.speak("Sorry what time is check out?")
        lines = await caller.until(answered, "an answer about check-out")
    assert [speaker for speaker, _, _ in lines] == ["roomi", "caller", "roomi", "caller", "roomi"], "\n".join(map(str, lines))
    greeting, long_answer, answer = (line for line in lines if line[0] == "roomi")
    assert not greeting[2] and "okay" not in " ".join(text.lower() for _, text, _ in lines)
    assert long_answer[2] and long_answer[1].startswith("Sorry") and "What would you like to do?" not in long_answer[1]
    assert "11" in answer[1] and not answer[2]


async def test_a_silent_caller_is_asked_then_said_goodbye_to_and_the_page_says_the_call_ended(impatient_server, say):
    from roomiai.voice.call_timers import SILENT_GOODBYE, STILL_THERE

    async with scripted_call(impatient_server, say) as caller:
        await caller.until_status("Roomi ended the call", seconds=120)
        lines = await shown(caller.page)
        enabled = await caller.page.locator("#call").is_enabled()
    assert [text for _, text, _ in lines[1:]] == [f"{STILL_THERE} How can I help you today?", SILENT_GOODBYE]
    assert enabled
