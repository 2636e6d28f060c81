"""Narration text: sentences (Cyrillic and Latin alike), and the fingerprint that dates a track.

A sentence ends at '.', '!', '?' or '…' (and runs of them, with closing quotes or brackets)
followed by a space and a capital letter, a digit, an opening quote or a dash, or at a line
break. Initials ("Б. Батболд"), decimals ("2.65") and the usual abbreviations ("ж.нь", "т.м",
"e.g.") do not end one. A sentence longer than :data:`MAX_SENTENCE` characters is cut at the
clause mark (, ; : —) nearest its middle, so a caption stays readable and a request small.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

#: Longer texts are refused: narration is spoken a sentence at a time, and a scene's text this long
#: belongs in several hotspots.
MAX_TEXT = 20_000
MAX_SENTENCE = 220

_END = re.compile(r"[.!?…]+[\"'»”’)\]]*")
_CLAUSE = re.compile(r"[,;:—–](?=\s)")
#: Lower-case words that end with a dot but never a sentence (titles, "for example"). Words that
#: may end one ("etc.", "г.м.") are left out: a wrong cut costs a pause, a missed one a long cue.
ABBREVIATIONS = {
    "ж.нь", "жнь", "т.е", "др", "проф", "доц", "акад", "км", "кг", "см", "мм", "мл", "гр",
    "e.g", "i.e", "mr", "mrs", "ms", "dr", "prof", "vs", "approx", "fig", "no", "st",
}

class TextError(ValueError):
    """A narration text that cannot be spoken as it is."""


def normalise(text: str) -> str:
    """The text as spoken: NFC, each line's spaces collapsed, blank lines kept as one break."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def text_sha256(text: str) -> str:
    """The fingerprint stored with a track: a different text (not different spacing) dates it."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def _ends_sentence(before: str, after: str) -> bool:
    """Whether the mark after ``before`` ends a sentence, given the text that follows."""
    if not after:
        return True
    following = after.lstrip()
    if not following or len(following) == len(after):  # no space after the mark: "2.65", "ж.нь"
        return not following
    first = following[0]
    if not (first.isupper() or first.isdigit() or first in "\"'«“‘(—–-"):
        return False
    word = re.split(r"\s", before)[-1] if before else ""
    bare = word.strip("\"'«“‘(").lower()
    if len(bare) == 1 and bare.isalpha():
        return False  # an initial: "Б. Батболд", "J. Smith"
    return bare.rstrip(".") not in ABBREVIATIONS


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, in order, each with its closing mark; none is empty."""
    text = normalise(text)
    if len(text) > MAX_TEXT:
        raise TextError(f"the text has {len(text)} characters; at most {MAX_TEXT} are spoken in one "
                        "track: split it across scenes or hotspots")
    sentences: list[str] = []
    for line in text.split("\n"):
        start = 0
        for match in _END.finditer(line):
            mark = match.group(0)
            if mark[0] in ".…" and not _ends_sentence(line[start:match.start()], line[match.end():]):
                continue
            if mark[0] != "." and line[match.end():match.end() + 1] not in ("", " "):
                continue  # "?!" inside a word or a URL
            piece = line[start:match.end()].strip()
            if piece:
                sentences.append(piece)
            start = match.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    out: list[str] = []
    for sentence in sentences:
        out.extend(_cut_long(sentence))
    return [s for s in out if any(ch.isalnum() for ch in s)] or ([text] if text.strip() else [])


def _cut_long(sentence: str) -> list[str]:
    if len(sentence) <= MAX_SENTENCE:
        return [sentence]
    middle = len(sentence) / 2
    marks = [m.end() for m in _CLAUSE.finditer(sentence)]
    if marks:
        cut = min(marks, key=lambda i: abs(i - middle))
    else:  # no clause mark: the space nearest the middle
        spaces = [i for i, ch in enumerate(sentence) if ch == " "]
        if not spaces:
            return [sentence]
        cut = min(spaces, key=lambda i: abs(i - middle))
    head, tail = sentence[:cut].strip(), sentence[cut:].strip()
    if not head or not tail:
        return [sentence]
    return _cut_long(head) + _cut_long(tail)
