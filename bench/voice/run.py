"""Voice latency and STT accuracy: scripted calls through local speech (Whisper, Piper, silero) on this machine.

For every caller turn: end of caller speech -> first audio of Roomi's answer (measured on the WAV line's own clock:
the moment the turn's last voiced sample went in, to the moment Roomi's first reply frame came out), and where that
time went (VAD end-of-speech + endpointing, Whisper, the brain with its tools, Piper's first audio). Turns spoken
with a pause mid-sentence count as cut off when Roomi took her turn in the pause. The word error rate compares
Whisper's transcript of each turn in the call with what the caller said; every clip is also transcribed on its own,
clean and as telephone audio (8 kHz, 300-3,400 Hz, noise at 20 dB SNR), for a WER of each line quality.

    .venv/bin/python bench/voice/run.py                    # every call in bench/voice/calls.json
    .venv/bin/python bench/voice/run.py --calls questions  # one call
    .venv/bin/python bench/voice/run.py --baseline         # as before issue 12: 30 s window, no speculation, no cache
    .venv/bin/python bench/voice/run.py --line telephone   # the calls on telephone-quality audio
    .venv/bin/python bench/voice/run.py --concurrent 4     # the first four calls at the same time
    .venv/bin/python bench/voice/run.py --compare          # baseline, new defaults, then --concurrent 4, one summary
    .venv/bin/python bench/voice/run.py --set stt_speculate_after_seconds=0   # any speech setting changed for a run

The scripted callers answer Roomi's read-back of what she heard (scripted_caller.py); those answers are timed and
counted as caller turns too, marked `scripted: false`. Cut-off turns are left out of the latency figures (Roomi's
answer came before the caller had finished) and counted on their own.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scripted_caller import ScriptedCaller

from roomiai.agent.runtime import deterministic_brain
from roomiai.config import Settings
from roomiai.voice.local_speech import SpeechUnavailable
from roomiai.voice.speech import LocalModels
from roomiai.voice.wav_call import run_wav_call
from roomiai.voice.wav_io import read_caller_wav

HERE = Path(__file__).parent
RESULTS = HERE.parent / "results"
ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen " \
       "eighteen nineteen".split()
BASELINE = {"stt_fit_window": False, "stt_speculate_after_seconds": 0.0, "tts_cache_phrases": 0, "stt_workers": 1,
            "unfinished_turn_seconds": 0.0}
PHONE_SNR_DB = 20
TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}


def number_words(digits: str) -> list[str]:
    """'16' -> sixteen; longer runs (phone numbers, room numbers) digit by digit, as callers say them."""
    if len(digits) <= 2:
        value = int(digits)
        if value < 20:
            return [ONES[value]]
        return [TENS[value // 10]] + ([ONES[value % 10]] if value % 10 else [])
    return [ONES[int(d)] for d in digits]


def words(text: str) -> list[str]:
    out: list[str] = []
    for token in re.findall(r"[a-z0-9']+", text.lower().replace("-", " ")):
        token = token.strip("'")
        if token.isdigit():
            out += number_words(token)
        elif token in ("oh", "o"):
            out.append("zero")
        elif token:
            out.append(token)
    return out


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    row = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, hyp in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ref != hyp))
    return row[-1]


def speak(text: str, voice: str, path: Path, speed: int = 160) -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
    return path


def speak_turn(turn: dict, voice: str, path: Path, speed: int) -> Path:
    """One caller turn as a WAV: `say`, or `parts` with `pause` seconds of silence between them."""
    if "parts" not in turn:
        return speak(turn["say"], voice, path, speed)
    pieces, rate = [], 22050
    for n, part in enumerate(turn["parts"]):
        with __import__("wave").open(str(speak(part, voice, path.with_suffix(f".{n}.wav"), speed))) as wav:
            rate = wav.getframerate()
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), np.int16)
        if pieces:
            pieces.append(np.zeros(int(rate * turn["pause"]), np.int16))
        pieces.append(trim_silence(pcm, rate))
    pieces.append(np.zeros(int(rate * 0.2), np.int16))
    write_pcm(path, np.concatenate(pieces), rate)
    return path


def trim_silence(pcm: np.ndarray, rate: int) -> np.ndarray:
    """espeak-ng ends each clip with silence: trimmed, so a turn's pause is the pause the script says."""
    voiced = np.flatnonzero(np.abs(pcm) >= 300)
    return pcm[: voiced[-1] + int(rate * 0.02)] if len(voiced) else pcm


def write_pcm(path: Path, pcm: np.ndarray, rate: int) -> None:
    import wave
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.astype(np.int16).tobytes())


def telephone(source: Path, path: Path, seed: int) -> Path:
    """What a SIP call delivers: 8 kHz, band-limited to 300-3,400 Hz by sox, with noise at PHONE_SNR_DB."""
    band = path.with_suffix(".band.wav")
    subprocess.run(["sox", str(source), "-r", "8000", str(band), "sinc", "300-3400"], check=True)
    import wave
    with wave.open(str(band)) as wav:
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), np.int16).astype(np.float64)
    voiced = pcm[np.abs(pcm) >= 300]
    level = np.sqrt(np.mean(voiced ** 2)) if len(voiced) else 1000.0
    noise = np.random.default_rng(seed).normal(0, level / 10 ** (PHONE_SNR_DB / 20), len(pcm))
    write_pcm(path, np.clip(pcm + noise, -32768, 32767), 8000)
    return path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(selected: list[str] | None, *, baseline: bool, line: str, concurrent: int,
               overrides: dict[str, str]) -> dict:
    spec = json.loads((HERE / "calls.json").read_text())
    calls = [c for c in spec["calls"] if not selected or c["id"] in selected]
    if concurrent > 1:
        calls = calls[:concurrent]
    today = dt.date.fromisoformat(spec["today"])
    settings = Settings(_env_file=None)
    if baseline:
        settings = settings.model_copy(update=BASELINE)
    if overrides:
        settings = settings.model_copy(update=Settings(_env_file=None, **overrides).model_dump(include=set(overrides)))
    load_before = os.getloadavg()
    started = time.perf_counter()
    models = LocalModels.load(settings)
    print(f"models loaded in {models.load_seconds:.2f} s ({time.perf_counter() - started:.2f} s wall)", file=sys.stderr)
    rows: list[dict] = []
    outcomes: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        clips: dict[str, list[tuple[Path, Path]]] = {}
        for call in calls:
            clean = [speak_turn(turn, call["voice"], folder / f"{call['id']}_{n:02d}.wav", call.get("speed", 160))
                     for n, turn in enumerate(call["turns"], 1)]
            phone = [telephone(wav, wav.with_suffix(".phone.wav"), seed=n) for n, wav in enumerate(clean)]
            clips[call["id"]] = list(zip(clean, phone, strict=True))

        async def one_call(call: dict) -> None:
            wavs = [clean if line == "clean" else phone for clean, phone in clips[call["id"]]]
            scripts = dict(zip((str(wav) for wav in wavs), call["turns"], strict=True))

            async def say(text: str, speed: int, name: str) -> Path:
                wav = await asyncio.to_thread(speak, text, call["voice"], folder / f"{call['id']}_{name}.wav", speed)
                if line == "telephone":
                    wav = await asyncio.to_thread(telephone, wav, wav.with_suffix(".phone.wav"), len(scripts))
                return wav

            caller = ScriptedCaller(call, today, say)

            async def react(played: dict) -> Path | None:
                if played["caller_wav"] in scripts:
                    script = scripts[played["caller_wav"]]
                    caller.spoke(script.get("say") or " ".join(script["parts"]))
                return await caller.react(played)

            data_dir = folder / f"var-{call['id']}"
            try:
                report = await run_wav_call(settings.model_copy(update={"data_dir": data_dir,
                                                                        "database_url": f"sqlite+aiosqlite:///{data_dir}/r.sqlite3"}),
                                            wavs, folder / f"out-{call['id']}", make_brain=deterministic_brain,
                                            today=today, models=models, react=react)
            except Exception as exc:  # one broken call is reported, and the bench goes on with the others
                outcomes[call["id"]] = {"outcome": f"error: {type(exc).__name__}: {exc}"}
                print(f"{call['id']}: {outcomes[call['id']]['outcome']}", file=sys.stderr)
                return
            answers = {a["wav"]: a for a in caller.answers}
            for turn in report["turns"]:
                if "skipped" in turn:
                    continue
                scripted = turn["caller_wav"] in scripts
                script = scripts.get(turn["caller_wav"]) or {"say": answers[turn["caller_wav"]]["say"]}
                rows.append(turn_row(call, turn, script, scripted=scripted))
            outcomes[call["id"]] = {"outcome": report["outcome"], "booking": report["confirmation_number"],
                                    "read_backs_answered": [a["kind"] for a in caller.answers],
                                    "skipped_turns": sum("skipped" in t for t in report["turns"]),
                                    **({"stalled": report["stalled"]} if report.get("stalled") else {})}
            print(f"{call['id']}: outcome {report['outcome']}", file=sys.stderr)

        if concurrent > 1:
            await asyncio.gather(*(one_call(call) for call in calls))
        else:
            for call in calls:
                await one_call(call)
        load_after = os.getloadavg()
        offline = offline_wer(models, calls, clips)
    summary = summarise(rows, settings)
    summary.update(outcomes=outcomes, baseline=baseline, overrides=overrides, line=line,
                   concurrent_calls=len(calls) if concurrent > 1 else 1, offline_wer=offline,
                   load_average={"before": [round(v, 2) for v in load_before],
                                 "after": [round(v, 2) for v in load_after]},
                   speculation=models.speculation.__dict__, tts_cache_hits=getattr(getattr(models.voice, "cache", None),
                                                                                   "hits", 0))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"voice-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"summary": summary, "turns": rows}, indent=2) + "\n")
    print_table(rows, summary)
    print(f"\nwrote {out}")
    return summary


async def compare(selected: list[str] | None, *, line: str, overrides: dict[str, str]) -> int:
    """Baseline, the new defaults and four calls at once, back to back, and one table of the three."""
    runs = {"baseline (before issue 12)": await main(selected, baseline=True, line=line, concurrent=1, overrides={}),
            "new defaults": await main(selected, baseline=False, line=line, concurrent=1, overrides=overrides),
            "new defaults, calls at once": await main(selected, baseline=False, line=line, concurrent=4,
                                                      overrides=overrides)}
    print("\n" + "=" * 100)
    for name, summary in runs.items():
        e2e = summary["end_of_speech_to_first_audio_ms"]
        stt = summary["stt_ms (end of speech -> final transcript, includes the VAD's silence)"]
        offline = summary["offline_wer"]
        if summary["concurrent_calls"] > 1:
            name = name.replace("calls at once", f"{summary['concurrent_calls']} calls at once")
        print(f"{name}: load {summary['load_average']['before'][0]} -> {summary['load_average']['after'][0]}; "
              f"{summary['answered']}/{summary['turns']} turns answered ({summary['answer_turns']} answers to "
              f"read-backs); end of speech -> first audio p50 {e2e.get('p50')} / p95 {e2e.get('p95')} ms; "
              f"STT p50 {stt.get('p50')}, brain p50 {summary['brain_ms'].get('p50')}, "
              f"TTS first audio p50 {summary['tts_first_audio_ms'].get('p50')} ms; "
              f"cut-offs {summary['cut_offs']}/{summary['paused_turns']}; stalled {summary['stalled_turns']}; call WER {summary['wer']:.1%}, offline "
              f"{offline['clean']['wer']:.1%} clean / {offline['telephone']['wer']:.1%} telephone; outcomes "
              + ", ".join(f"{call} {o['outcome']}" for call, o in summary["outcomes"].items()))
    return 0


def turn_row(call: dict, turn: dict, script: dict, *, scripted: bool = True) -> dict:
    said = script.get("say") or " ".join(script["parts"])
    reference = words(script.get("reference", said))
    heard = words(turn["caller_transcript"])
    e2e = turn["timings_ms"]["end_of_speech_to_first_audio"]
    paused = "parts" in script
    return {"call": call["id"], "voice": call["voice"], "turn": turn["turn"], "scripted": scripted, "said": said,
            "heard": turn["caller_transcript"], "roomi": turn["roomi"], "errors": edit_distance(reference, heard),
            "reference_words": len(reference), "answered": turn["answered"], "paused_mid_sentence": paused,
            "cut_off": paused and (turn.get("caller_turns", 1) > 1 or (e2e is not None and e2e < 0)),
            **({"stalled": turn["stalled"]} if "stalled" in turn else {}), **turn["timings_ms"]}


def offline_wer(models: LocalModels, calls: list[dict], clips: dict[str, list[tuple[Path, Path]]]) -> dict:
    """Every clip transcribed on its own (no VAD cut), clean and telephone: WER and Whisper's time per clip."""
    from livekit import rtc

    from roomiai.voice.local_speech import to_whisper_audio
    result = {}
    for index, name in enumerate(("clean", "telephone")):
        errors = total = 0
        times = []
        for call in calls:
            for script, pair in zip(call["turns"], clips[call["id"]], strict=True):
                pcm = read_caller_wav(pair[index])
                audio = to_whisper_audio(rtc.AudioFrame(pcm.tobytes(), 16000, 1, len(pcm)))
                started = time.perf_counter()
                text = models.stt.transcribe(audio)
                times.append((time.perf_counter() - started) * 1000)
                reference = words(script.get("reference", script.get("say") or " ".join(script.get("parts", []))))
                errors += edit_distance(reference, words(text))
                total += len(reference)
        result[name] = {"wer": round(errors / max(1, total), 3), "whisper_ms_p50": round(statistics.median(times)),
                        "whisper_ms_p95": round(percentile(times, 0.95)), "clips": len(times)}
    return result


def summarise(rows: list[dict], settings: Settings) -> dict:
    # a cut-off turn's "latency" is Roomi answering before the caller finished: counted as a cut-off, not timed
    timed = [r for r in rows if r["end_of_speech_to_first_audio"] is not None and not r["cut_off"]]
    def stats(key: str) -> dict:
        values = [r[key] for r in timed if r.get(key) is not None]
        if not values:
            return {}
        return {"p50": round(statistics.median(values)), "p95": round(percentile(values, 0.95)),
                "mean": round(statistics.fmean(values)), "n": len(values)}
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "settings": {"vad_silence_seconds": settings.vad_silence_seconds, "endpointing_seconds": settings.endpointing_seconds,
                     "stt_beam_size": settings.stt_beam_size, "speech_threads": settings.speech_threads,
                     "voice": settings.local_voice, "stt_fit_window": settings.stt_fit_window,
                     "stt_speculate_after_seconds": settings.stt_speculate_after_seconds,
                     "stt_workers": settings.stt_workers, "tts_cache_phrases": settings.tts_cache_phrases,
                     "unfinished_turn_seconds": settings.unfinished_turn_seconds},
        "turns": len(rows), "answered": sum(r["answered"] for r in rows),
        "answer_turns": sum(not r["scripted"] for r in rows), "stalled_turns": sum("stalled" in r for r in rows),
        "paused_turns": sum(r["paused_mid_sentence"] for r in rows), "cut_offs": sum(r["cut_off"] for r in rows),
        "wer": round(sum(r["errors"] for r in rows) / max(1, sum(r["reference_words"] for r in rows)), 3),
        "end_of_speech_to_first_audio_ms": stats("end_of_speech_to_first_audio"),
        "stt_ms (end of speech -> final transcript, includes the VAD's silence)": stats("stt"),
        "end_of_turn_ms": stats("end_of_turn"),
        "brain_ms": stats("brain"),
        "tts_first_audio_ms": stats("tts_first_audio"),
    }


def print_table(rows: list[dict], summary: dict) -> None:
    print(f"{'call':26} {'#':>2} {'e2e ms':>7} {'stt':>6} {'brain':>6} {'tts':>6}  err  heard")
    for r in rows:
        cells = [r["end_of_speech_to_first_audio"], r["stt"], r["brain"], r["tts_first_audio"]]
        print(f"{r['call'][:26]:26} {r['turn']:>2} " + " ".join(f"{'-' if v is None else round(v):>6}" for v in cells)
              + f"  {r['errors']:>3}  {'CUT ' if r['cut_off'] else ''}{'' if r['scripted'] else '(answer) '}"
              f"{r['heard'][:60]}")
    print()
    for key, value in summary.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", nargs="*", help="ids from calls.json (default: all)")
    parser.add_argument("--baseline", action="store_true", help="speech as before issue 12 (30 s window, no speculation, "
                                                                "no phrase cache, one Whisper worker)")
    parser.add_argument("--line", choices=["clean", "telephone"], default="clean", help="the audio the calls hear")
    parser.add_argument("--concurrent", type=int, default=1, help="run the first N calls at the same time")
    parser.add_argument("--compare", action="store_true", help="baseline, new defaults and --concurrent 4 back to "
                                                                   "back, with one summary of the three")
    parser.add_argument("--set", action="append", default=[], metavar="SETTING=VALUE",
                        help="a setting changed for this run (not for the baseline of --compare), e.g. "
                             "stt_speculate_after_seconds=0")
    arguments = parser.parse_args()
    changed = dict(item.split("=", 1) for item in arguments.set)
    try:
        if arguments.compare:
            sys.exit(asyncio.run(compare(arguments.calls, line=arguments.line, overrides=changed)))
        asyncio.run(main(arguments.calls, baseline=arguments.baseline, line=arguments.line,
                         concurrent=arguments.concurrent, overrides=changed))
    except SpeechUnavailable as exc:
        sys.exit(f"bench/voice: {exc}")
