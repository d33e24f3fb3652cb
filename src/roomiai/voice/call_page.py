"""The "Call Grand Hotel" page: a browser calls Roomi over a WebSocket, on the same server as the API."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from importlib import resources
from typing import Any

from fastapi import APIRouter, FastAPI, WebSocket
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..agent.api_client import RoomiApi
from ..agent.runtime import CALL_TOKEN_MINUTES, MakeBrain
from ..agent.tools.common import redact
from ..api.deps import Container
from ..services.auth import access_token, wall_clock
from .browser_io import (
    BrowserLine,
    BrowserMicrophone,
    BrowserSpeaker,
    BrowserTranscript,
)
from .call import Transport, start_voice_call
from .speech import LocalModels, speech_for

log = logging.getLogger("roomiai.voice.browser")
STATIC = {"call.js": "text/javascript", "mic-worklet.js": "text/javascript", "call.css": "text/css"}
CALL_LIMIT_SECONDS = 20 * 60


class ModelLoader:
    """Loads the local speech models once, in the background, so the API is up at once and calls wait for them."""

    def __init__(self, load: Callable[[], LocalModels]):
        self._load = load
        self._done = threading.Event()
        self.models: LocalModels | None = None
        self.error: str | None = None
        threading.Thread(target=self._run, name="roomi-models", daemon=True).start()

    def _run(self) -> None:
        try:
            self.models = self._load()
            log.info("speech models loaded in %.1f s", self.models.load_seconds)
        except Exception as exc:
            log.exception("the speech models could not be loaded")
            self.error = str(exc)
        finally:
            self._done.set()

    async def ready(self) -> LocalModels:
        await asyncio.to_thread(self._done.wait)
        if self.models is None:
            raise RuntimeError(self.error or "the speech models are not loaded")
        return self.models


def install(app: FastAPI, container: Container, *, make_brain: MakeBrain, models: ModelLoader) -> None:
    """Serve the call page and its WebSocket from `app`."""
    app.include_router(router(app, container, make_brain=make_brain, models=models))


def router(app: FastAPI, container: Container, *, make_brain: MakeBrain, models: ModelLoader) -> APIRouter:
    routes = APIRouter(include_in_schema=False)
    page = resources.files("roomiai.web.call")

    @routes.get("/")
    async def home() -> Response:
        return RedirectResponse("/call")

    @routes.get("/favicon.ico")
    async def favicon() -> Response:
        return Response(status_code=204)

    @routes.get("/call")
    async def call_page() -> Response:
        return HTMLResponse(page.joinpath("index.html").read_text())

    @routes.get("/call/static/{name}")
    async def static(name: str) -> Response:
        if name not in STATIC:
            return Response(status_code=404)
        return Response(page.joinpath(name).read_text(), media_type=STATIC[name])

    @routes.websocket("/call/ws")
    async def call_socket(websocket: WebSocket) -> None:
        await websocket.accept()
        line = BrowserLine(websocket)
        receiving = asyncio.ensure_future(line.receive())
        try:
            await asyncio.wait_for(
                _answer(line, app, container, make_brain=make_brain, models=models), CALL_LIMIT_SECONDS
            )
        except TimeoutError:
            await line.send_json({"type": "ended", "reason": "The call reached its time limit."})
        except Exception:
            log.exception("the browser call failed")
            await line.send_json({"type": "error", "detail": "Roomi could not take the call; please try again."})
        finally:
            receiving.cancel()
            if websocket.client_state.name == "CONNECTED":
                await websocket.close()

    return routes


async def _answer(
    line: BrowserLine, app: FastAPI, container: Container, *, make_brain: MakeBrain, models: ModelLoader
) -> None:
    await line.send_json({"type": "status", "text": "Connecting you to Roomi..."})
    loaded = await models.ready()
    speech = speech_for(container.settings, loaded)
    token = access_token(
        secret=container.secret, subject="roomi-call-page", role="agent", minutes=CALL_TOKEN_MINUTES, now=wall_clock()
    )
    async with RoomiApi.embedded(app, token) as api:
        speaker = BrowserSpeaker(line, sample_rate=speech.tts.sample_rate)

        async def hang_up() -> None:
            await line.send_json({"type": "ended", "reason": "Roomi ended the call. Thank you for calling!"})
            line.hung_up.set()

        async def transfer(number: str | None) -> None:
            where = f" at {number}" if number else ""
            await line.send_json(
                {"type": "ended", "reason": f"In a real call you would now be put through to the front desk{where}."}
            )
            line.hung_up.set()

        transport = Transport(
            audio_input=BrowserMicrophone(line),
            audio_output=speaker,
            transcription=BrowserTranscript(line),
            transfer=transfer,
            hang_up=hang_up,
            name="call page",
        )
        await line.send_json({"type": "audio", "sample_rate": speech.tts.sample_rate})
        async with start_voice_call(
            api,
            today=container.clock.today(),
            make_brain=make_brain,
            speech=speech,
            transport=transport,
            settings=container.settings,
        ) as call:
            call.session.on("conversation_item_added", lambda event: _show(line, event.item))
            call.session.on(
                "agent_state_changed",
                lambda event: asyncio.ensure_future(line.send_json({"type": "state", "agent": event.new_state})),
            )
            await line.send_json({"type": "ready"})
            await line.hung_up.wait()
            await speaker.aclose()


def _show(line: BrowserLine, item: Any) -> None:
    if item.type == "message" and item.text_content and item.role in ("user", "assistant"):
        speaker = "caller" if item.role == "user" else "roomi"
        message = {"type": "transcript", "speaker": speaker, "text": redact(item.text_content)}
        if item.role == "assistant" and item.interrupted:
            message["cut"] = True  # the text is what she said before the caller cut in
        asyncio.ensure_future(line.send_json(message))
