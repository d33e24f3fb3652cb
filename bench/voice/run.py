"""Voice latency and STT accuracy: scripted calls through local speech (Whisper, Piper, silero) on this machine.

For every caller turn: end of caller speech -> first audio of Roomi's answer (measured on the WAV line's own clock:
the moment the turn's last voiced sample went in, to the moment Roomi's first reply frame came out), and where that
time went (VAD end-of-speech + endpointing, Whisper, the brain with its tools, Piper's first audio). The word error
rate compares Whisper's transcript of each turn with what the caller said.

    .venv/bin/python bench/voice/run.py                    # every call in bench/voice/calls.json
    .venv/bin/python bench/voice/run.py --calls questions  # one call
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from roomiai.agent.runtime import deterministic_brain
from roomiai.config import Settings
from roomiai.voice.speech import LocalModels
from roomiai.voice.wav_call import run_wav_call

HERE = Path(__file__).parent
RESULTS = HERE.parent / "results"
ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen " \
       "eighteen nineteen".split()
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


def speak(text: str, voice: str, path: Path) -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", str(path), text], check=True)
    return path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(selected: list[str] | None) -> int:
    spec = json.loads((HERE / "calls.json").read_text())
    calls = [c for c in spec["calls"] if not selected or c["id"] in selected]
    today = dt.date.fromisoformat(spec["today"])
    settings = Settings(_env_file=None)
    started = time.perf_counter()
    models = LocalModels.load(settings)
    print(f"models loaded in {models.load_seconds:.2f} s ({time.perf_counter() - started:.2f} s wall)", file=sys.stderr)
    rows: list[dict] = []
    outcomes: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for call in calls:
            wavs = [speak(turn["say"], call["voice"], folder / f"{call['id']}_{n:02d}.wav")
                    for n, turn in enumerate(call["turns"], 1)]
            data_dir = folder / f"var-{call['id']}"
            report = await run_wav_call(settings.model_copy(update={"data_dir": data_dir,
                                                                    "database_url": f"sqlite+aiosqlite:///{data_dir}/r.sqlite3"}),
                                        wavs, folder / f"out-{call['id']}", make_brain=deterministic_brain, today=today,
                                        models=models)
            for turn, script in zip(report["turns"], call["turns"]):
                if "skipped" in turn:
                    continue
                reference = words(script.get("reference", script["say"]))
                heard = words(turn["caller_transcript"])
                rows.append({"call": call["id"], "turn": turn["turn"], "said": script["say"],
                             "heard": turn["caller_transcript"], "roomi": turn["roomi"], "errors": edit_distance(reference, heard),
                             "reference_words": len(reference), "answered": turn["answered"], **turn["timings_ms"]})
            outcomes[call["id"]] = report["outcome"]
            print(f"{call['id']}: outcome {report['outcome']}", file=sys.stderr)
    summary = summarise(rows, settings)
    summary["outcomes"] = outcomes
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"voice-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"summary": summary, "turns": rows}, indent=2) + "\n")
    print_table(rows, summary)
    print(f"\nwrote {out}")
    return 0


def summarise(rows: list[dict], settings: Settings) -> dict:
    timed = [r for r in rows if r["end_of_speech_to_first_audio"] is not None]
    def stats(key: str) -> dict:
        values = [r[key] for r in timed if r.get(key) is not None]
        if not values:
            return {}
        return {"p50": round(statistics.median(values)), "p95": round(percentile(values, 0.95)),
                "mean": round(statistics.fmean(values)), "n": len(values)}
    return {
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} CPUs, Python {platform.python_version()}",
        "settings": {"vad_silence_seconds": settings.vad_silence_seconds, "endpointing_seconds": settings.endpointing_seconds,
                     "stt_beam_size": settings.stt_beam_size, "speech_threads": settings.speech_threads,
                     "voice": settings.local_voice},
        "turns": len(rows), "answered": sum(r["answered"] for r in rows),
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
              + f"  {r['errors']:>3}  {r['heard'][:60]}")
    print()
    for key, value in summary.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", nargs="*", help="ids from calls.json (default: all)")
    sys.exit(asyncio.run(main(parser.parse_args().calls)))
