"""Captions: cues in seconds, written as WebVTT (and read back), and timed when no engine
measured them (a recording, or a track without sound)."""

from __future__ import annotations

import re

#: Reading pace for tracks without sound, characters per second (slow readers, two languages).
READING_CHARS_PER_SECOND = 14.0
MIN_CUE = 1.5


def cue(start: float, end: float, text: str) -> dict:
    return {"start": round(max(0.0, start), 3), "end": round(max(start, end), 3), "text": text}


def _timestamp(seconds: float) -> str:
    millis = int(round(max(0.0, seconds) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "→")


def webvtt(cues: list[dict], *, lang: str | None = None, note: str | None = None) -> str:
    """A WebVTT file: one numbered cue per sentence; ``note`` (e.g. "robot voice") as a NOTE block."""
    lines = ["WEBVTT", ""]
    if lang:
        lines[0] = f"WEBVTT - {lang}"
    if note:
        lines += [f"NOTE {note}", ""]
    for index, item in enumerate(cues, 1):
        lines += [str(index), f"{_timestamp(item['start'])} --> {_timestamp(item['end'])}",
                  _escape(" ".join(item["text"].split())), ""]
    return "\n".join(lines)


_TIMING = re.compile(r"^(\d+:)?(\d{2}):(\d{2})\.(\d{3})\s+-->\s+(\d+:)?(\d{2}):(\d{2})\.(\d{3})")


def _seconds(hours: str | None, minutes: str, secs: str, millis: str) -> float:
    return int((hours or "0:")[:-1]) * 3600 + int(minutes) * 60 + int(secs) + int(millis) / 1000


def read_webvtt(text: str) -> list[dict]:
    """The cues of a WebVTT file (start, end, text): enough to check what :func:`webvtt` wrote."""
    if not text.startswith("WEBVTT"):
        raise ValueError("not a WebVTT file: it must start with WEBVTT")
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line for line in block.split("\n") if line.strip()]
        for index, line in enumerate(lines):
            match = _TIMING.match(line)
            if match:
                g = match.groups()
                body = " ".join(lines[index + 1:])
                body = body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                cues.append(cue(_seconds(*g[:4]), _seconds(*g[4:]), body))
                break
    return cues


def reading_cues(sentences: list[str]) -> tuple[list[dict], float]:
    """Cues for a track without sound: each sentence shown for its reading time."""
    cues, position = [], 0.0
    for sentence in sentences:
        length = max(MIN_CUE, len(sentence) / READING_CHARS_PER_SECOND)
        cues.append(cue(position, position + length, sentence))
        position += length
    return cues, round(position, 3)


def spread_cues(sentences: list[str], duration: float, silences: list[tuple[float, float]]) -> list[dict]:
    """Cues for a recording: each boundary between sentences is put in a pause of the speech.

    Where a boundary should be is guessed from the sentences' lengths; which pauses are the
    boundaries is chosen all at once (an alignment, in order) so that long pauses near the guesses
    win over short ones (a comma) or far ones. A boundary with no pause near it stays at its guess.
    """
    if not sentences:
        return []
    count = len(sentences) - 1
    weights = [max(1, len(s)) for s in sentences]
    total = sum(weights)
    guesses = [duration * sum(weights[: i + 1]) / total for i in range(count)]
    tolerance = max(0.75, duration / (3 * len(sentences)))

    def score(i: int, j: int) -> float:
        start, end = silences[j]
        return 3 * min(end - start, 1.0) - (((start + end) / 2 - guesses[i]) / tolerance) ** 2

    unmatched = -2.0
    m = len(silences)
    # best[i][j]: the best score for the first i boundaries using only the first j pauses
    best = [[0.0] * (m + 1) for _ in range(count + 1)]
    move = [[""] * (m + 1) for _ in range(count + 1)]
    for i in range(1, count + 1):
        best[i][0] = best[i - 1][0] + unmatched
        move[i][0] = "guess"
    for i in range(1, count + 1):
        for j in range(1, m + 1):
            options = [(best[i][j - 1], "skip"), (best[i - 1][j - 1] + score(i - 1, j - 1), "pause"),
                       (best[i - 1][j] + unmatched, "guess")]
            best[i][j], move[i][j] = max(options, key=lambda option: option[0])
    boundaries: list[tuple[float, float] | None] = [None] * count
    i, j = count, m
    while i > 0:
        step = move[i][j]
        if step == "skip":
            j -= 1
        elif step == "pause":
            boundaries[i - 1] = silences[j - 1]
            i, j = i - 1, j - 1
        else:
            i -= 1
    spans: list[tuple[float, float]] = []
    previous = 0.0
    for index, found in enumerate(boundaries):
        if found is None:
            point = max(previous, guesses[index])
            found = (point, point)
        spans.append(found)
        previous = found[1]
    cues, start = [], 0.0
    for sentence, (end, next_start) in zip(sentences, spans + [(duration, duration)]):
        cues.append(cue(start, end, sentence))
        start = next_start
    return cues
