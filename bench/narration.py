"""Narration benchmark: time and size per minute of narration, espeak-ng English and Mongolian.

    .venv/bin/python bench/narration.py [--lang en --lang mn] [--json FILE]

Speaks the demo tour's scene narrations (tour.yaml's scenes, both languages) once, without any
cache, exactly as `tourbuilder narrate --engine espeak` does: one espeak-ng process per sentence,
trimming, joining, loudness, MP3 (32 kbit/s mono) and WebVTT. Prints, per language, the wall
clock and CPU time (this process and its espeak-ng children) per minute of narration, how much of
it is espeak-ng, and the MP3 and WebVTT bytes per minute. Runs once: not a test, not CI.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from tourbuilder.narration.base import Cache, Request  # noqa: E402
from tourbuilder.narration.captions import webvtt  # noqa: E402
from tourbuilder.narration.espeak import Espeak, piper_version  # noqa: E402


class TimedEspeak(Espeak):
    """espeak-ng as the product uses it, with the time spent in speak() (process + decode) added up."""

    spent = 0.0

    def speak(self, sentence, lang, cache, *, fresh=False):
        start = time.perf_counter()
        try:
            return super().speak(sentence, lang, cache, fresh=fresh)
        finally:
            self.spent += time.perf_counter() - start


def demo_texts(lang: str) -> list[str]:
    head = yaml.safe_load((REPO / "tour.yaml").read_text(encoding="utf-8"))
    texts = []
    for scene in head["scenes"]:
        data = yaml.safe_load((REPO / "scenes" / f"{scene}.yaml").read_text(encoding="utf-8"))
        text = (data.get("narration") or {}).get("text", {}).get(lang)
        if text:
            texts.append(text)
    return texts


def cpu_seconds() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def measure(lang: str) -> dict:
    engine = TimedEspeak()
    texts = demo_texts(lang)
    engine.make(Request("Warm up.", "en"), Cache(None))  # first process start, imports
    engine.spent = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        cache = Cache(Path(tmp))  # empty: nothing is reused
        own0, kids0 = cpu_seconds()
        start = time.perf_counter()
        made = [engine.make(Request(text, lang), cache, fresh=True) for text in texts]
        wall = time.perf_counter() - start
        own1, kids1 = cpu_seconds()
    audio = sum(m.duration for m in made)
    minutes = audio / 60
    mp3 = sum(len(m.mp3) for m in made)
    vtt = sum(len(webvtt(m.cues, lang=lang, note="robot voice").encode("utf-8")) for m in made)
    return {
        "lang": lang, "voice": made[0].voice, "tracks": len(made), "sentences": sum(len(m.cues) for m in made),
        "audio_s": round(audio, 2), "wall_s": round(wall, 3), "espeak_wall_s": round(engine.spent, 3),
        "cpu_own_s": round(own1 - own0, 3), "cpu_espeak_s": round(kids1 - kids0, 3),
        "wall_s_per_min": round(wall / minutes, 3), "espeak_s_per_min": round(engine.spent / minutes, 3),
        "cpu_s_per_min": round((own1 - own0 + kids1 - kids0) / minutes, 3),
        "realtime_x": round(audio / wall, 1),
        "mp3_kib_per_min": round(mp3 / 1024 / minutes, 1), "vtt_kib_per_min": round(vtt / 1024 / minutes, 2),
        "mp3_bytes": mp3,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", action="append", choices=["en", "mn"], help="default: en and mn")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    results = [measure(lang) for lang in (args.lang or ["en", "mn"])]
    print(f"espeak-ng {Espeak().version()}, piper-tts data {piper_version()}, {platform.machine()}, "
          f"{os.cpu_count()} cores; demo scene narrations, no cache, one run")
    print(f"load average before: {os.getloadavg()[0]:.1f} (wall times grow with it; CPU times much less)")
    header = (f"{'lang':<5}{'voice':<7}{'tracks':>7}{'audio s':>9}{'wall s':>8}{'s/min':>7}"
              f"{'espeak s/min':>13}{'CPU s/min':>10}{'x realtime':>11}{'MP3 KiB/min':>12}{'VTT KiB/min':>12}")
    print(header)
    for r in results:
        print(f"{r['lang']:<5}{r['voice']:<7}{r['tracks']:>7}{r['audio_s']:>9.1f}{r['wall_s']:>8.2f}"
              f"{r['wall_s_per_min']:>7.2f}{r['espeak_s_per_min']:>13.2f}{r['cpu_s_per_min']:>10.2f}"
              f"{r['realtime_x']:>11.0f}"
              f"{r['mp3_kib_per_min']:>12.1f}{r['vtt_kib_per_min']:>12.2f}")
    print("s/min: wall-clock seconds to make one minute of narration (espeak-ng processes, shaping, "
          "MP3, captions); espeak s/min: the espeak-ng part of it; CPU s/min: CPU time of this process "
          "and its espeak-ng children.")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
