"""A browser on a WebSocket as a telephone: 16 kHz PCM from its microphone in, Roomi's voice and transcript out.

Wire protocol (one WebSocket per call):
  browser → server  binary: 16-bit little-endian mono PCM at 16 kHz; text: {"type": "hangup"}
  server → browser  binary: 16-bit mono PCM at the rate announced in {"type": "audio", "sample_rate": N};
                    text: {"type": "ready"}, {"type": "transcript", "speaker": "caller"|"roomi", "text": ...},
                    {"type": "roomi_partial", "text": ...}, {"type": "state", "agent": ...}, {"type": "clear"} (barge-in: drop
                    what is playing), {"type": "pause"} (the caller may be barging in: stop playing, the rest comes
                    again if she resumes), {"type": "transcript", "speaker": "roomi", "cut": true, ...} (what she
                    said before the caller cut in),
                    {"type": "ended", "reason": ...}, {"type": "error", "detail": ...}
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from livekit import rtc
from livekit.agents.voice import io
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from .playout import PacedAudioOutput
from .wav_io import LINE_RATE

log = logging.getLogger("roomiai.voice.browser")
MAX_MESSAGE_BYTES = 64 * 1024


class BrowserLine:
    """The WebSocket's two directions; JSON messages are sent in order from one place."""

    def __init__(self, websocket: WebSocket):
        self.websocket = websocket
        self.microphone: asyncio.Queue[rtc.AudioFrame | None] = asyncio.Queue(maxsize=500)
        self.hung_up = asyncio.Event()
        self.reply_cut = False  # the caller cut Roomi's reply: no more of its words go to the page
        self._send_lock = asyncio.Lock()

    @property
    def open(self) -> bool:
        return self.websocket.client_state == WebSocketState.CONNECTED and not self.hung_up.is_set()

    async def send_json(self, message: dict[str, Any]) -> None:
        await self._send(text=json.dumps(message))

    async def send_audio(self, pcm: bytes) -> None:
        await self._send(data=pcm)

    async def _send(self, *, text: str | None = None, data: bytes | None = None) -> None:
        if not self.open:
            return
        async with self._send_lock:
            try:
                if text is not None:
                    await self.websocket.send_text(text)
                else:
                    await self.websocket.send_bytes(data or b"")
            except (WebSocketDisconnect, RuntimeError):
                self.hung_up.set()

    async def receive(self) -> None:
        """Read the browser until it hangs up: audio goes to the microphone queue, a hang-up ends the call."""
        try:
            while True:
                message = await self.websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if (data := message.get("bytes")) is not None:
                    self._hear(data)
                elif (text := message.get("text")) is not None and _is_hangup(text):
                    break
        except WebSocketDisconnect:
            pass
        finally:
            self.hung_up.set()
            self.microphone.put_nowait(None) if not self.microphone.full() else None

    def _hear(self, data: bytes) -> None:
        if not data or len(data) > MAX_MESSAGE_BYTES or len(data) % 2:
            return  # not 16-bit PCM: ignored rather than trusted
        frame = rtc.AudioFrame(data, LINE_RATE, 1, len(data) // 2)
        if self.microphone.full():  # the session fell behind: drop the oldest audio, keep the newest
            self.microphone.get_nowait()
        self.microphone.put_nowait(frame)


def _is_hangup(text: str) -> bool:
    try:
        return json.loads(text).get("type") == "hangup"
    except (ValueError, AttributeError):
        return False


class BrowserMicrophone(io.AudioInput):
    def __init__(self, line: BrowserLine):
        super().__init__(label="roomi-browser-microphone")
        self.line = line

    async def __anext__(self) -> rtc.AudioFrame:
        frame = await self.line.microphone.get()
        if frame is None:
            raise StopAsyncIteration
        return frame


class BrowserSpeaker(PacedAudioOutput):
    """Sends Roomi's voice a little ahead of the playout clock; a pause or a barge-in tells the page to stop playing."""

    def __init__(self, line: BrowserLine, *, sample_rate: int):
        super().__init__(label="roomi-browser-speaker", sample_rate=sample_rate, lead=0.25)
        self.line = line

    async def deliver(self, frame: rtc.AudioFrame) -> None:
        await self.line.send_audio(bytes(frame.data))

    def clear_buffer(self) -> None:
        self.line.reply_cut = True
        super().clear_buffer()

    async def segment_started(self) -> None:
        self.line.reply_cut = False  # a new reply is playing

    async def cleared(self) -> None:
        await self.line.send_json({"type": "clear"})

    async def paused(self) -> None:
        await self.line.send_json({"type": "pause"})  # what the page had buffered is sent again on resume


class BrowserTranscript(io.TextOutput):
    """Roomi's words as she speaks them, for the page's live transcript."""

    def __init__(self, line: BrowserLine):
        super().__init__(label="roomi-browser-transcript", next_in_chain=None)
        self.line = line
        self._text = ""

    async def capture_text(self, text: str) -> None:
        if self.line.reply_cut:  # words of the cut reply still on their way: the caller never heard them
            return
        self._text += text
        await self.line.send_json({"type": "roomi_partial", "text": self._text})

    def flush(self) -> None:
        self._text = ""
        self.line.reply_cut = False
