"""A Deepgram stand-in on 127.0.0.1: the listen and speak WebSockets, answered from recorded fixtures.

`/v1/listen` replays tests/voice/fixtures/deepgram_recorded/listen_*.json against the caller's audio: each stretch of
speech in the linear16 it receives (found by its energy) is one recorded utterance, whose SpeechStarted, interim and
final Results and UtteranceEnd go out when the audio reaches the point they were recorded at, their times moved to
where the speech really began. `/v1/speak` answers Speak/Flush with generated linear16 at the requested rate, then
Flushed. Everything the client sent is kept in `listens` and `speaks` for the test to check.

The module also records fresh fixtures from a real Deepgram (`python -m tests.voice.deepgram_replay record ...`).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hashlib
import json
import math
import socket
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
from aiohttp import web

RECORDED = Path(__file__).parent / "fixtures" / "deepgram_recorded"
SPEECH_RMS = 300.0  # a chunk of int16 audio louder than this is speech
ENDPOINT_SECONDS = 0.3  # silence after speech before the final Results (speech_final) goes out
SPEAK_SECONDS_PER_CHARACTER = 0.02  # generated voice: short, so that calls stay fast
SPEAK_CHUNK_SECONDS = 0.1


def recorded(name: str) -> dict[str, Any]:
    return json.loads((RECORDED / f"{name}.json").read_text())


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ListenRecord:
    """One /v1/listen connection, as the client made it."""

    query: dict[str, list[str]]
    authorization: str | None
    upgraded: bool = False
    audio_bytes: int = 0
    audio_messages: int = 0
    controls: list[str] = field(default_factory=list)  # KeepAlive, Finalize, CloseStream
    sent: list[dict[str, Any]] = field(default_factory=list)  # JSON messages the replay answered with

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    @property
    def audio_seconds(self) -> float:
        return self.audio_bytes / 2 / int(self.param("sample_rate") or 16000) / int(self.param("channels") or 1)

    def sent_of(self, kind: str) -> list[dict[str, Any]]:
        return [message for message in self.sent if message.get("type") == kind]


@dataclass
class SpeakRecord:
    """One /v1/speak connection: its query, key, the Speak texts per Flush and the audio sent back."""

    query: dict[str, list[str]]
    authorization: str | None
    upgraded: bool = False
    texts: list[str] = field(default_factory=list)  # every Speak message's text, in order
    flushed_texts: list[str] = field(default_factory=list)  # the text of each flushed segment
    controls: list[str] = field(default_factory=list)  # Flush, Clear, Close
    audio_bytes: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


class DeepgramReplay:
    """The local Deepgram. `listen`: a listen fixture, or "reject" to refuse the upgrade as an invalid key does;
    `speak`: "replay", or "error" to fail every Flush with the recorded error frame and close code."""

    def __init__(self, *, listen: str = "listen_check_out_time", speak: str = "replay",
                 seconds_per_character: float = SPEAK_SECONDS_PER_CHARACTER):
        self.listen_mode = "reject" if listen == "reject" else "replay"
        self.listen_fixture = recorded("listen_rejected_invalid_key" if listen == "reject" else listen)
        self.speak_mode = speak
        self.speak_fixture = recorded("speak_error" if speak == "error" else "speak_session")
        self.seconds_per_character = seconds_per_character
        self.listens: list[ListenRecord] = []
        self.speaks: list[SpeakRecord] = []
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self.port = 0

    @property
    def url(self) -> str:
        """The base URL, as ROOMIAI_DEEPGRAM_URL takes it."""
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> DeepgramReplay:
        app = web.Application()
        app.router.add_get("/v1/listen", self._listen)
        app.router.add_get("/v1/speak", self._speak)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def __aexit__(self, *_: object) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"replay shutting down")
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ /v1/listen

    async def _listen(self, request: web.Request) -> web.StreamResponse:
        record = ListenRecord(query=_query(request), authorization=request.headers.get("Authorization"))
        self.listens.append(record)
        if self.listen_mode == "reject" or request.headers.get("Upgrade", "").lower() != "websocket":
            return _recorded_refusal(self.listen_fixture["response"])
        ws = web.WebSocketResponse(autoping=True)
        ws.headers.update(self.listen_fixture.get("response_headers", {}))
        await ws.prepare(request)
        record.upgraded = True
        self._sockets.add(ws)
        stream = _ListenStream(self.listen_fixture, record, ws)
        try:
            async for message in ws:
                if message.type == aiohttp.WSMsgType.BINARY:
                    await stream.audio(message.data)
                elif message.type == aiohttp.WSMsgType.TEXT:
                    kind = json.loads(message.data).get("type", "?")
                    record.controls.append(kind)
                    if kind == "Finalize":
                        await stream.finalize()
                    elif kind == "CloseStream":
                        await stream.close_stream()
                        break
        finally:
            self._sockets.discard(ws)
            await ws.close()
        return ws

    # ------------------------------------------------------------------ /v1/speak

    async def _speak(self, request: web.Request) -> web.StreamResponse:
        record = SpeakRecord(query=_query(request), authorization=request.headers.get("Authorization"))
        self.speaks.append(record)
        fixture = self.speak_fixture
        ws = web.WebSocketResponse(autoping=True)
        ws.headers.update(fixture.get("response_headers", {}))
        await ws.prepare(request)
        record.upgraded = True
        self._sockets.add(ws)
        rate = int(record.param("sample_rate") or 24000)
        pending: list[str] = []
        flushes = 0

        async def send_json(message: dict[str, Any]) -> None:
            record.sent.append(message)
            await ws.send_str(json.dumps(message))

        try:
            opened = dict(fixture["on_open"], model_name=record.param("model") or fixture["on_open"]["model_name"])
            await send_json(opened)
            async for message in ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                kind = data.get("type")
                if kind == "Speak":
                    record.texts.append(data["text"])
                    pending.append(data["text"])
                    continue
                record.controls.append(kind)
                if kind == "Flush":
                    if self.speak_mode == "error":
                        await send_json(fixture["error_frame"])
                        await ws.close(code=fixture["close"]["code"], message=fixture["close"]["reason"].encode())
                        break
                    text = "".join(pending)
                    pending.clear()
                    record.flushed_texts.append(text)
                    for chunk in voice_chunks(text, rate, self.seconds_per_character):
                        record.audio_bytes += len(chunk)
                        await ws.send_bytes(chunk)
                    await send_json(dict(fixture["on_flush"], sequence_id=flushes))
                    flushes += 1
                elif kind == "Clear":
                    pending.clear()
                    await send_json(dict(fixture["on_clear"], sequence_id=flushes))
                elif kind == "Close":
                    break
        finally:
            self._sockets.discard(ws)
            await ws.close()
        return ws


class _ListenStream:
    """Replays one listen fixture against the audio of one connection."""

    def __init__(self, fixture: dict[str, Any], record: ListenRecord, ws: web.WebSocketResponse):
        self.fixture = fixture
        self.record = record
        self.ws = ws
        self.rate = int(record.param("sample_rate") or 16000)
        self.channels = int(record.param("channels") or 1)
        utterance_end_ms = record.param("utterance_end_ms")
        self.utterance_end = int(utterance_end_ms) / 1000 if utterance_end_ms else None
        self.request_id = str(uuid.uuid4())
        self.sha = hashlib.sha256()
        self.clock = 0.0  # seconds of audio received
        self.count = 0  # utterances begun
        self.utterance: dict[str, Any] | None = None
        self.offset = 0.0
        self.speech = 0.0
        self.silence = 0.0
        self.sent: set[int] = set()
        self.endpointed = False

    async def audio(self, data: bytes) -> None:
        if self.record.param("encoding") not in (None, "linear16"):
            raise AssertionError(f"the replay speaks linear16 only, not {self.record.param('encoding')}")
        self.record.audio_bytes += len(data)
        self.record.audio_messages += 1
        self.sha.update(data)
        samples = np.frombuffer(data[: len(data) - len(data) % 2], np.int16).astype(np.float64)
        seconds = len(samples) / self.rate / self.channels
        loud = len(samples) > 0 and math.sqrt(float(np.mean(samples ** 2))) > SPEECH_RMS
        start = self.clock
        self.clock += seconds
        if loud:
            if self.utterance is None or self.endpointed:
                await self._begin(start)
            self.speech += seconds
            self.silence = 0.0
            for index, event in enumerate(self.utterance["events"]):
                if event["on"] == "speech" and index not in self.sent and event["after_seconds"] <= self.speech:
                    await self._send(index)
        elif self.utterance is not None:
            self.silence += seconds
            if not self.endpointed and self.silence >= ENDPOINT_SECONDS:
                await self._send_kind("endpoint")
                self.endpointed = True
                if self.utterance_end is None:
                    self.utterance = None
            elif self.endpointed and self.utterance_end is not None and self.silence >= self.utterance_end:
                await self._send_kind("utterance_end")
                self.utterance = None

    async def finalize(self) -> None:
        """Finalize: what was heard so far comes back final at once, marked from_finalize."""
        if self.utterance is None or self.endpointed:
            return
        for index, event in enumerate(self.utterance["events"]):
            if event["on"] == "endpoint":
                self.sent.add(index)
                message = self._shifted(event["message"])
                message.update(from_finalize=True, speech_final=False)
                await self._send_message(message)
        self.endpointed = True

    async def close_stream(self) -> None:
        """CloseStream: the summary Metadata, then the server closes."""
        metadata = copy.deepcopy(self.fixture["on_close_stream"])
        metadata.update(request_id=self.request_id, sha256=self.sha.hexdigest(), duration=round(self.clock, 3),
                        created=time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()))
        await self._send_message(metadata)

    async def _begin(self, at: float) -> None:
        utterances = self.fixture["utterances"]
        self.utterance = utterances[min(self.count, len(utterances) - 1)]
        self.count += 1
        self.offset = at - self.fixture["speech_started_at"]
        self.speech = self.silence = 0.0
        self.sent = set()
        self.endpointed = False
        if self.record.param("vad_events") == "true":
            await self._send_kind("speech_started")

    async def _send_kind(self, kind: str) -> None:
        for index, event in enumerate(self.utterance["events"]):
            if event["on"] == kind and index not in self.sent:
                await self._send(index)

    async def _send(self, index: int) -> None:
        self.sent.add(index)
        await self._send_message(self._shifted(self.utterance["events"][index]["message"]))

    async def _send_message(self, message: dict[str, Any]) -> None:
        self.record.sent.append(message)
        await self.ws.send_str(json.dumps(message))

    def _shifted(self, message: dict[str, Any]) -> dict[str, Any]:
        """The recorded message with its times moved to where this utterance began, under this request's id."""
        message = copy.deepcopy(message)
        def shift(value: float) -> float:
            return round(value + self.offset, 3)

        for key in ("start", "timestamp", "last_word_end"):
            if key in message:
                message[key] = shift(message[key])
        channel = message.get("channel")
        for alternative in channel.get("alternatives", []) if isinstance(channel, dict) else []:
            for word in alternative.get("words", []):
                word["start"], word["end"] = shift(word["start"]), shift(word["end"])
        if "metadata" in message:
            message["metadata"]["request_id"] = self.request_id
        return message


def voice_chunks(text: str, rate: int, seconds_per_character: float) -> list[bytes]:
    """A stand-in voice: a soft two-tone hum as long as the text would take to say, as linear16 chunks."""
    if not text.strip():
        return []
    seconds = min(max(len(text.strip()) * seconds_per_character, 0.2), 4.0)
    t = np.arange(int(seconds * rate)) / rate
    envelope = np.minimum(1.0, np.minimum(t, seconds - t) / 0.02)
    pcm = (envelope * (2500 * np.sin(2 * np.pi * 180 * t) + 1200 * np.sin(2 * np.pi * 720 * t))).astype(np.int16)
    step = int(rate * SPEAK_CHUNK_SECONDS)
    return [pcm[i:i + step].tobytes() for i in range(0, len(pcm), step)]


def _query(request: web.Request) -> dict[str, list[str]]:
    query: dict[str, list[str]] = {}
    for key, value in request.query.items():
        query.setdefault(key, []).append(value)
    return query


def _recorded_refusal(response: dict[str, Any]) -> web.Response:
    return web.Response(status=response["status"], text=json.dumps(response["body"]),
                        headers=response["headers"])


# ---------------------------------------------------------------------- re-recording against the real Deepgram

async def record_listen(base_url: str, key: str, wav: Path, query: dict[str, str]) -> dict[str, Any]:
    """Stream a caller WAV to /v1/listen as 16 kHz linear16 in real time (50 ms chunks, then 2 s of silence and
    CloseStream); returns every JSON message with the audio clock it arrived at."""
    from roomiai.voice.wav_io import read_caller_wav

    pcm = read_caller_wav(wav).tobytes() + bytes(2 * 16000 * 2)
    url = base_url.replace("http", "ws", 1).rstrip("/") + "/v1/listen"
    received: list[dict[str, Any]] = []
    sent_seconds = 0.0
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, params=query, headers={"Authorization": f"Token {key}"}) as ws:
            async def receive() -> None:
                async for message in ws:
                    if message.type == aiohttp.WSMsgType.TEXT:
                        received.append({"audio_clock": round(sent_seconds, 2), "message": json.loads(message.data)})

            reader = asyncio.create_task(receive())
            chunk = 16000 // 20 * 2  # 50 ms of 16 kHz int16
            for i in range(0, len(pcm), chunk):
                await ws.send_bytes(pcm[i:i + chunk])
                sent_seconds += 0.05
                await asyncio.sleep(0.05)
            await ws.send_str(json.dumps({"type": "CloseStream"}))
            await asyncio.wait_for(reader, 10)
    return {"request": {"path": "/v1/listen", "query": query}, "received": received}


async def record_speak(base_url: str, key: str, text: str, query: dict[str, str]) -> dict[str, Any]:
    """Speak one text on /v1/speak and Flush; returns the JSON messages and how many audio bytes came back."""
    url = base_url.replace("http", "ws", 1).rstrip("/") + "/v1/speak"
    received: list[dict[str, Any]] = []
    audio = 0
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, params=query, headers={"Authorization": f"Token {key}"}) as ws:
            await ws.send_str(json.dumps({"type": "Speak", "text": text}))
            await ws.send_str(json.dumps({"type": "Flush"}))
            while True:
                message = await ws.receive(timeout=15)
                if message.type == aiohttp.WSMsgType.BINARY:
                    audio += len(message.data)
                elif message.type == aiohttp.WSMsgType.TEXT:
                    received.append(json.loads(message.data))
                    if received[-1].get("type") == "Flushed":
                        break
                else:
                    break
            await ws.send_str(json.dumps({"type": "Close"}))
    return {"request": {"path": "/v1/speak", "query": query, "text": text}, "received": received,
            "audio_bytes": audio}


def main() -> None:
    parser = argparse.ArgumentParser(description="Record Deepgram listen/speak exchanges for the replay fixtures.")
    parser.add_argument("what", choices=["listen", "speak"])
    parser.add_argument("--key", required=True, help="a Deepgram API key")
    parser.add_argument("--url", default="https://api.deepgram.com")
    parser.add_argument("--wav", type=Path, help="listen: a WAV of the caller's sentence (16-bit PCM)")
    parser.add_argument("--text", default="Check-out is at 11 AM.", help="speak: what to say")
    args = parser.parse_args()
    if args.what == "listen":
        query = {"model": "nova-3", "language": "en-US", "encoding": "linear16", "sample_rate": "16000",
                 "channels": "1", "punctuate": "true", "interim_results": "true", "vad_events": "true",
                 "endpointing": "25", "utterance_end_ms": "1000"}
        result = asyncio.run(record_listen(args.url, args.key, args.wav, query))
    else:
        query = {"model": "aura-2-thalia-en", "encoding": "linear16", "sample_rate": "24000"}
        result = asyncio.run(record_speak(args.url, args.key, args.text, query))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
