"""The LiveKit worker's own logic: who is calling, where a transfer goes, the keypad, the start-up checks, and the
SIP REFER transfer through livekit-api's real client against a recorded Twirp exchange."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from aiohttp import web
from google.protobuf import json_format
from livekit import api, rtc
from livekit.protocol import sip as proto_sip
from livekit.rtc._proto import handle_pb2, participant_pb2

from roomiai.agent.runtime import connect_api, deterministic_brain
from roomiai.config import Settings
from roomiai.voice.call import OPERATOR_WORDS, Transport, start_voice_call
from roomiai.voice.speech import speech_for
from roomiai.voice.wav_call import until_roomi_is_quiet
from roomiai.voice.wav_io import CallerAudio, ReplyRecorder
from roomiai.voice.worker import (
    SIP_PHONE_ATTRIBUTE,
    Keypad,
    WorkerSetupError,
    caller_number,
    check_environment,
    transfer_target,
)

from ..conftest import SECRET, TODAY
from .manual_clock import ManualClock, settle

pytestmark = pytest.mark.voice

RECORDED = Path(__file__).parent / "fixtures" / "livekit_recorded"
API_KEY = "APIroomiTest"
API_SECRET = "roomi-test-livekit-secret-0123456789abcdef"  # HS256 wants at least 32 bytes
LIVEKIT = {"LIVEKIT_URL": "ws://127.0.0.1:7880", "LIVEKIT_API_KEY": API_KEY, "LIVEKIT_API_SECRET": API_SECRET}


def transfer_fixture() -> dict:
    return json.loads((RECORDED / "transfer_sip_participant.json").read_text())


def participant(identity: str, kind: str, attributes: dict[str, str] | None = None) -> rtc.RemoteParticipant:
    """A real rtc.RemoteParticipant, built from the ParticipantInfo the FFI would hand the room (handle 0: no FFI)."""
    info = participant_pb2.ParticipantInfo(sid="PA_roomiTest", identity=identity, name=identity,
                                           kind=participant_pb2.ParticipantKind.Value(kind),
                                           attributes=attributes or {})
    return rtc.RemoteParticipant(participant_pb2.OwnedParticipant(handle=handle_pb2.FfiOwnedHandle(id=0), info=info))


# ---------------------------------------------------------------- who is calling


def test_a_sip_caller_has_the_number_the_trunk_reported():
    caller = transfer_fixture()["caller"]
    sip_caller = participant(caller["identity"], caller["kind"], caller["attributes"])

    assert sip_caller.kind == rtc.ParticipantKind.PARTICIPANT_KIND_SIP
    assert caller_number(sip_caller) == "+12125550123"


def test_a_browser_caller_has_no_number_even_with_a_phone_attribute():
    browser = participant("guest-web-4821", "PARTICIPANT_KIND_STANDARD", {SIP_PHONE_ATTRIBUTE: "+12125550123"})

    assert caller_number(browser) is None


@pytest.mark.parametrize("attributes", [{}, {SIP_PHONE_ATTRIBUTE: ""}, {SIP_PHONE_ATTRIBUTE: "   "},
                                        {"sip.trunkPhoneNumber": "+12125550199"}])
def test_a_sip_caller_with_a_withheld_number_has_none(attributes):
    withheld = participant("sip_anonymous", "PARTICIPANT_KIND_SIP", attributes)

    assert caller_number(withheld) is None


def test_a_sip_number_is_trimmed():
    assert caller_number(participant("sip_x", "PARTICIPANT_KIND_SIP", {SIP_PHONE_ATTRIBUTE: " +12125550123 "})) \
        == "+12125550123"


# ---------------------------------------------------------------- where a transfer goes


@pytest.mark.parametrize(("number", "target"), [
    ("+13055550100", "tel:+13055550100"),
    ("+1 (305) 555-0100", "tel:+13055550100"),
    ("+1.305.555.0100", "tel:+13055550100"),
    ("tel:+13055550100", "tel:+13055550100"),
    ("sip:frontdesk@pbx.grandhotel.example", "sip:frontdesk@pbx.grandhotel.example"),
    ("+1 305 555 0100 ext 12", "tel:+13055550100"),  # a REFER cannot dial an extension: the desk's main line
    ("+1 (305) 555-0100 x7", "tel:+13055550100"),
    ("sip:+13055550100@sip.carrier.example;transport=tcp", "sip:+13055550100@sip.carrier.example;transport=tcp"),
])
def test_transfer_targets_are_tel_or_sip_uris(number, target):
    assert transfer_target(number) == target


# ---------------------------------------------------------------- the keypad


class Typed:
    """The entries the keypad handed on (to VoiceCall.keypad_entry in a call)."""

    def __init__(self) -> None:
        self.entries: list[str] = []

    async def __call__(self, keys: str) -> None:
        self.entries.append(keys)


async def test_digits_typed_quicker_than_the_pause_are_one_entry():
    typed, clock = Typed(), ManualClock()
    keypad = Keypad(typed, pause=3.0, clock=clock)
    for key in "1204":
        keypad.press(key)
        await clock.advance(2.9)
    assert typed.entries == []

    await clock.advance(0.1)
    assert typed.entries == ["1204"]


async def test_hash_sends_at_once_and_the_pause_does_not_send_it_again():
    typed, clock = Typed(), ManualClock()
    keypad = Keypad(typed, pause=3.0, clock=clock)
    for key in "42#":
        keypad.press(key)
    await settle()
    assert typed.entries == ["42"]

    await clock.advance(10)
    assert typed.entries == ["42"]


@pytest.mark.parametrize(("keys", "entries"), [("59*7#", ["7"]), ("3*", []), ("#", []), ("12#0", ["12", "0"]),
                                               ("0105#", ["0105"])])
async def test_star_clears_hash_sends_a_pause_sends(keys, entries):
    typed, clock = Typed(), ManualClock()
    keypad = Keypad(typed, pause=3.0, clock=clock)
    for key in keys:
        keypad.press(key)
    await clock.advance(3.0)
    assert typed.entries == entries


# ---------------------------------------------------------------- start-up checks


def test_the_worker_names_every_missing_livekit_variable():
    with pytest.raises(WorkerSetupError) as missing:
        check_environment(Settings(_env_file=None), environ={})
    assert "LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET" in str(missing.value)


def test_the_worker_names_only_what_is_missing():
    with pytest.raises(WorkerSetupError) as missing:
        check_environment(Settings(_env_file=None), environ={"LIVEKIT_URL": "wss://roomi.livekit.cloud"})
    assert str(missing.value).startswith("set LIVEKIT_API_KEY, LIVEKIT_API_SECRET ")


def test_a_dev_worker_with_livekit_set_may_start():
    check_environment(Settings(_env_file=None), environ=dict(LIVEKIT))


def test_a_production_worker_must_book_through_the_hotels_api():
    prod = Settings.model_construct(env="prod")  # only the environment's name matters to the check
    with pytest.raises(WorkerSetupError) as missing:
        check_environment(prod, environ=dict(LIVEKIT))
    assert "API_URL" in str(missing.value) and "ROOMIAI_AGENT_TOKEN" in str(missing.value)

    check_environment(prod, environ=dict(LIVEKIT, API_URL="https://pms.grandhotel.example"))


def roomi_command() -> str:
    script = Path(sys.executable).parent / "roomi"
    found = str(script) if script.exists() else shutil.which("roomi")
    return found or pytest.fail("the roomi command is not installed")


@pytest.mark.parametrize(("extra_env", "message"), [
    ({}, ("roomi agent: set LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET (your LiveKit server or LiveKit Cloud "
          "project)\n")),
    (dict(LIVEKIT, ROOMIAI_SPEECH="deepgram"), "roomi agent: ROOMIAI_SPEECH=deepgram needs DEEPGRAM_API_KEY"),
])
def test_roomi_agent_start_refuses_to_start_with_one_clear_line(tmp_path, extra_env, message):
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("LIVEKIT_", "ROOMIAI_", "DEEPGRAM_")) and name != "API_URL"}
    env.update(extra_env)
    done = subprocess.run([roomi_command(), "agent", "start"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60, check=False)  # cwd: no .env file is read

    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(message), done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- SIP REFER through livekit-api


class RecordedTwirp:
    """A LiveKit server's Twirp endpoint on 127.0.0.1 answering with a recorded exchange; keeps what it was sent."""

    def __init__(self, exchange: dict):
        self.exchange = exchange
        self.requests: list[dict] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> RecordedTwirp:
        app = web.Application()
        app.router.add_post(self.exchange["request"]["path"], self._answer)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        await web.SockSite(self._runner, sock).start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._runner.cleanup()

    async def _answer(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append({"headers": dict(request.headers), "body": body})
        response = self.exchange["response"]
        message = json_format.ParseDict(response["body"], proto_sip.TransferSIPParticipantResponse())
        return web.Response(status=response["status"], body=message.SerializeToString(),
                            content_type=response["content_type"])


async def refer(livekit: api.LiveKitAPI, caller: rtc.RemoteParticipant, room: str, number: str):
    """The worker's transfer(number): JobContext.transfer_sip_participant's request, through livekit-api."""
    assert caller.kind == rtc.ParticipantKind.PARTICIPANT_KIND_SIP
    return await livekit.sip.transfer_sip_participant(proto_sip.TransferSIPParticipantRequest(
        room_name=room, participant_identity=caller.identity, transfer_to=transfer_target(number), play_dialtone=False))


async def test_a_transfer_is_a_sip_refer_through_livekits_server_api():
    exchange = transfer_fixture()
    expected = exchange["request"]
    caller = exchange["caller"]
    sip_caller = participant(caller["identity"], caller["kind"], caller["attributes"])
    room = expected["body"]["room_name"]

    async with RecordedTwirp(exchange) as server:
        livekit = api.LiveKitAPI(url=server.url, api_key=API_KEY, api_secret=API_SECRET)
        try:
            outcome = await refer(livekit, sip_caller, room, "+1 (305) 555-0100")
        finally:
            await livekit.aclose()

    (sent,) = server.requests
    assert sent["headers"]["Content-Type"] == expected["content_type"]
    request = proto_sip.TransferSIPParticipantRequest.FromString(sent["body"])
    assert json_format.MessageToDict(request, preserving_proto_field_name=True) == expected["body"]
    assert request.transfer_to.startswith("tel:+1")

    scheme, token = sent["headers"]["Authorization"].split(" ", 1)
    assert scheme == "Bearer"
    claims = jwt.decode(token, API_SECRET, algorithms=["HS256"])
    assert claims["iss"] == API_KEY
    assert claims["sip"]["call"] is True
    assert claims["video"]["roomAdmin"] is True and claims["video"]["room"] == room
    for grant, wanted in expected["grants"].items():  # the recorded grants, whatever else the token carries
        assert {key: claims[grant].get(key) for key in wanted} == wanted, grant
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "some-other-secret-0123456789abcdef", algorithms=["HS256"])

    assert outcome.status == proto_sip.SIPTransferStatus.STS_TRANSFER_SUCCESSFUL
    assert outcome.transfer_id == exchange["response"]["body"]["transfer_id"]
    assert outcome.sip_status.code == proto_sip.SIPStatusCode.SIP_STATUS_ACCEPTED


async def test_zero_on_the_keypad_puts_the_caller_through_to_the_front_desk(local_models, tmp_path):
    """'0' asks for a person: Roomi says where the caller is going, then the worker REFERs the call to the hotel's
    transfer number (the demo hotel's front desk, +1 305 555 0100)."""
    exchange = transfer_fixture()
    caller = exchange["caller"]
    sip_caller = participant(caller["identity"], caller["kind"], caller["attributes"])
    room = exchange["request"]["body"]["room_name"]
    settings = Settings(data_dir=tmp_path / "var", jwt_secret=SECRET, today=TODAY, _env_file=None)
    outcomes = []

    async with RecordedTwirp(exchange) as server:
        livekit = api.LiveKitAPI(url=server.url, api_key=API_KEY, api_secret=API_SECRET)

        async def transfer(number: str | None) -> None:
            assert number is not None
            outcomes.append(await refer(livekit, sip_caller, room, number))

        try:
            async with connect_api(settings, today=TODAY) as (roomi, today):
                replies = ReplyRecorder()
                transport = Transport(audio_input=CallerAudio(), audio_output=replies, transfer=transfer,
                                      name="livekit test")
                async with start_voice_call(roomi, today=today, make_brain=deterministic_brain,
                                            speech=speech_for(settings, local_models), transport=transport,
                                            settings=settings, caller_id=caller_number(sip_caller),
                                            livekit_room=room) as call:
                    await until_roomi_is_quiet(call, replies, segments_before=0)
                    keypad = Keypad(call.keypad_entry, pause=0.05)
                    keypad.press("0")
                    assert await asyncio.wait_for(call.finished.wait(), 40)
                    transferred = call.state.transferred
                    said = [item.text_content for item in call.session.history.items if item.type == "message"]
        finally:
            await livekit.aclose()

    assert transferred
    assert OPERATOR_WORDS in said  # the keypad's '0', as the caller's words
    (sent,) = server.requests
    request = proto_sip.TransferSIPParticipantRequest.FromString(sent["body"])
    assert json_format.MessageToDict(request, preserving_proto_field_name=True) == exchange["request"]["body"]
    assert [outcome.status for outcome in outcomes] == [proto_sip.SIPTransferStatus.STS_TRANSFER_SUCCESSFUL]
