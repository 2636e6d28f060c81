"""No voice: the text and its captions only, timed at a slow reading pace."""

from __future__ import annotations

from .base import Cache, Made, NarrationError, Request, Source
from .captions import reading_cues
from .text import split_sentences

#: What an author is told about a track without sound.
HOW_TO_ADD_A_VOICE = ("learners read the text and its captions. To add a voice, record it "
                      "(tourbuilder narrate TOUR --recording WHERE:LANG FILE, or the editor), or make a "
                      "robot draft with --engine espeak (offline) or --engine gtts (online; not Mongolian)")


class NoSound(Source):
    name = "none"
    label = "none (text and captions only)"

    def voice(self, lang: str) -> None:
        return None

    def make(self, request: Request, cache: Cache, *, fresh: bool = False, progress=None) -> Made:
        sentences = split_sentences(request.text)
        if not sentences:
            raise NarrationError("the text is empty: write the narration first")
        cues, duration = reading_cues(sentences)
        return Made(None, duration, cues, "estimated", None, notes=["no sound: text and captions only"])
