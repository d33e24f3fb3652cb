"""Keys typed on the phone (DTMF): a card goes through the secure step, '0' asks for a person, the rest to Roomi."""

from __future__ import annotations

import json

import pytest

from roomiai.agent.runtime import connect_api, deterministic_brain
from roomiai.config import Settings
from roomiai.voice.call import Transport, start_voice_call
from roomiai.voice.speech import speech_for
from roomiai.voice.wav_call import until_roomi_is_quiet
from roomiai.voice.wav_io import CallerAudio, ReplyRecorder
from roomiai.voice.worker import Keypad

from ..conftest import SECRET, TODAY
from .conftest import call_log
from .manual_clock import ManualClock, settle

pytestmark = pytest.mark.voice
CARD = "4111111111111111"


async def test_a_card_typed_on_the_keypad_is_saved_and_only_its_last_four_are_said_and_logged(local_models, tmp_path):
    settings = Settings(data_dir=tmp_path / "var", jwt_secret=SECRET, today=TODAY, _env_file=None)
    async with connect_api(settings, today=TODAY) as (api, today):
        replies = ReplyRecorder()
        transport = Transport(audio_input=CallerAudio(), audio_output=replies, name="keypad test")
        async with start_voice_call(api, today=today, make_brain=deterministic_brain, speech=speech_for(settings, local_models),
                                    transport=transport, settings=settings) as call:
            await until_roomi_is_quiet(call, replies, segments_before=0)
            for keys in (CARD, "1228"):
                before = len(replies.first_audio_at)
                await call.keypad_entry(keys)
                assert await until_roomi_is_quiet(call, replies, segments_before=before)
            session_id = call.state.session_id
            card = call.state.card
            history = json.dumps(call.session.history.to_dict(exclude_timestamp=True))
    assert card is not None and card["last_four"] == "1111" and card["payment_token"]
    assert CARD not in history
    assert "ending in 1 1 1 1" in history
    log = await call_log(settings, session_id)
    assert any(line["text"].startswith("(keypad) [card ending 1111]") for line in log["transcript"])
    assert CARD not in json.dumps(log)


async def test_the_keypad_sends_on_hash_clears_on_star_and_after_a_pause():
    sent: list[str] = []

    async def send(keys: str) -> None:
        sent.append(keys)

    clock = ManualClock()
    keypad = Keypad(send, pause=3.0, clock=clock)
    for key in "12*34#":
        keypad.press(key)
    await settle()
    assert sent == ["34"]
    keypad.press("0")
    await clock.advance(2.5)
    assert sent == ["34"]
    await clock.advance(0.5)
    assert sent == ["34", "0"]
