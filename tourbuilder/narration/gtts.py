"""gTTS: Google Translate's voice, online only, for the languages it has (Mongolian is not one).

PyPI ``gtts`` posts to Google Translate's undocumented web endpoint, which may change or refuse
without notice, so:

- every request has a timeout (:data:`TIMEOUT`): a connection that is accepted and never answered
  would otherwise hang for ever;
- after one failure to connect (or a timeout) the engine is marked offline for the rest of the run,
  so a batch does not wait once per sentence;
- each sentence's MP3 is cached by a hash of (language, text): the same sentence is fetched once;
- Mongolian (and every language gTTS does not list) is refused here, before any request is built:
  Google's endpoint would read Cyrillic with another language's voice.
"""

from __future__ import annotations

from .audio import AudioError, Speech, decode
from .base import Cache, EngineFailed, NoVoice, Synthesizer

#: (connect, read) seconds.
TIMEOUT = (3.05, 10)
#: Never sent to gTTS, whatever its list says.
NEVER = frozenset({"mn"})


def gtts_languages() -> dict[str, str]:
    """gTTS's own list of languages (a table in the package: no request is made)."""
    from gtts.lang import tts_langs

    return tts_langs()


class GoogleTTS(Synthesizer):
    name = "gtts"
    label = "gTTS (Google's online robot voice)"

    def __init__(self, timeout: tuple[float, float] = TIMEOUT, tld: str = "com"):
        self.timeout = timeout
        self.tld = tld
        self.unreachable: str | None = None

    def voice(self, lang: str) -> str:
        if lang in NEVER:
            raise NoVoice(f"gTTS has no '{lang}' voice (Mongolian is never sent to gTTS): "
                          "use --engine espeak for a robot draft, or record it")
        if lang not in gtts_languages():
            raise NoVoice(f"gTTS has no voice for '{lang}': choose --engine espeak, or record it")
        return f"{lang}@translate.google.{self.tld}"

    def identity(self, lang: str) -> str:
        return f"gtts/{self.voice(lang)}"

    def speak(self, sentence: str, lang: str, cache: Cache, *, fresh: bool = False) -> Speech:
        self.voice(lang)  # refuses Mongolian and unknown languages before anything else
        key = Cache.key("gtts", self.identity(lang), sentence)
        mp3 = None if fresh else cache.get("gtts", key, ".mp3")
        if mp3 is None:
            mp3 = self._fetch(sentence, lang)
            try:
                speech = decode(mp3, "gTTS's answer")
            except AudioError:
                raise EngineFailed("gTTS answered with something that is not sound: "
                                   "its web endpoint may have changed; use --engine espeak") from None
            cache.put("gtts", key, ".mp3", mp3)
            return speech
        return decode(mp3, "a cached gTTS sentence")

    def _fetch(self, sentence: str, lang: str) -> bytes:
        if self.unreachable:
            raise EngineFailed(f"gTTS was unreachable earlier in this run ({self.unreachable})")
        import io

        import requests
        from gtts import gTTS, gTTSError

        buffer = io.BytesIO()
        try:
            gTTS(sentence, lang=lang, tld=self.tld, timeout=self.timeout).write_to_fp(buffer)
        except gTTSError as exc:
            if getattr(exc, "rsp", None) is None:  # no answer at all: offline, refused, or too slow
                reason = "timed out" if isinstance(exc.__context__, requests.Timeout) else "no connection"
                self.unreachable = reason
                raise EngineFailed(f"gTTS is unreachable ({reason}): it needs the internet") from None
            raise EngineFailed(f"gTTS refused: {exc}") from None
        except requests.RequestException as exc:  # pragma: no cover - gTTS wraps these
            self.unreachable = type(exc).__name__
            raise EngineFailed(f"gTTS is unreachable ({type(exc).__name__})") from None
        data = buffer.getvalue()
        if not data:
            raise EngineFailed("gTTS answered without sound: its web endpoint may have changed")
        return data
