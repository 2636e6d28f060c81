"""Every file that enters a tour is checked by its content, not by its name.

One function, :func:`check_upload`, serves every way in: the media files of a tour folder or
zip that is imported (:mod:`tourbuilder.tourfolder` calls it for each media file it reads) and
the app's uploads (the JSON API's ``POST /api/tours/<id>/media``, panoramas, recordings).
A caller that receives a file from a person does::

    from tourbuilder.uploads import UploadError, check_upload

    try:
        checked = check_upload(path, filename, claimed_type=file.mimetype,
                               max_mb=current_app.config["MAX_UPLOAD_MB"])
    except UploadError as exc:
        return api_error(exc.status, str(exc))   # 413 too large, 415 wrong type, 422 broken
    info = MediaInfo(sha256=..., type=checked.type, size=checked.size)

The content decides the type (Pillow for pictures, with a decompression-bomb limit that is
checked from the header before any pixel is decoded; the ``filetype`` package's magic bytes
for MP3, M4A/MP4, WebM, Ogg and WAV; the ``WEBVTT`` signature for captions). The name's
extension (and the browser's claimed MIME type, when it names one) must agree with the
content, else the file is refused with what it really is and how to fix it.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import filetype
from PIL import Image, UnidentifiedImageError

#: Same default as the MAX_UPLOAD_MB setting (tourbuilder/settings.py); callers pass the setting.
DEFAULT_MAX_UPLOAD_MB = 200
#: The largest picture accepted, as the panorama pipeline (16384 x 8192).
MAX_PIXELS = 16384 * 8192
#: How many bytes of a file are read to know its type.
SNIFF_BYTES = 8192


class UploadError(ValueError):
    """A file refused: ``status`` is the HTTP answer (413 too large, 415 not a type tourbuilder
    takes or not what its name says, 422 damaged), the message says what was wrong and the fix."""

    def __init__(self, message: str, status: int = 415):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CheckedUpload:
    """What a file really is: its MIME type (for MediaInfo.type), kind and size in bytes."""

    type: str
    kind: str  # "image", "audio", "video" or "captions"
    size: int
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class _Format:
    label: str  # what a person calls it
    type: str  # the MIME type stored in the tour's media table
    kind: str
    contents: frozenset[str]  # what the sniffer may say for a file of this name


def _fmt(label, mime, kind, *contents) -> _Format:
    return _Format(label, mime, kind, frozenset(contents))


_ISO_MEDIA = ("mp4", "m4a", "m4v", "mov")  # one container (ISO base media), told apart by brand only
#: File name extensions accepted, and the contents each may hold.
FORMATS: dict[str, _Format] = {
    ".jpg": _fmt("JPEG picture", "image/jpeg", "image", "JPEG", "MPO"),
    ".jpeg": _fmt("JPEG picture", "image/jpeg", "image", "JPEG", "MPO"),
    ".png": _fmt("PNG picture", "image/png", "image", "PNG"),
    ".webp": _fmt("WebP picture", "image/webp", "image", "WEBP"),
    ".tif": _fmt("TIFF picture", "image/tiff", "image", "TIFF"),
    ".tiff": _fmt("TIFF picture", "image/tiff", "image", "TIFF"),
    ".mp3": _fmt("MP3 sound", "audio/mpeg", "audio", "mp3"),
    ".m4a": _fmt("M4A sound", "audio/mp4", "audio", *_ISO_MEDIA),
    ".mp4": _fmt("MP4 video", "video/mp4", "video", *_ISO_MEDIA),
    ".webm": _fmt("WebM video", "video/webm", "video", "webm"),
    ".ogg": _fmt("Ogg sound", "audio/ogg", "audio", "ogg", "opus"),
    ".opus": _fmt("Opus sound", "audio/ogg", "audio", "ogg", "opus"),
    ".wav": _fmt("WAV sound", "audio/wav", "audio", "wav"),
    ".vtt": _fmt("WebVTT captions", "text/vtt", "captions", "vtt"),
}
#: What each sniffed content is called, for messages ("it is a PNG picture").
_CONTENT_NAMES = {
    "JPEG": "a JPEG picture", "MPO": "a JPEG picture", "PNG": "a PNG picture", "WEBP": "a WebP picture",
    "TIFF": "a TIFF picture", "GIF": "a GIF picture", "BMP": "a BMP picture", "mp3": "an MP3 sound",
    "m4a": "an M4A sound", "mp4": "an MP4 video", "m4v": "an MP4 video", "mov": "a QuickTime video",
    "webm": "a WebM video", "mkv": "a Matroska video", "ogg": "an Ogg sound", "opus": "an Opus sound",
    "wav": "a WAV sound", "flac": "a FLAC sound", "vtt": "WebVTT captions", "zip": "a zip archive",
    "pdf": "a PDF document", "html": "an HTML page", "svg": "an SVG drawing",
}
#: Claimed MIME types that say nothing (browsers send them for unknown files).
_VAGUE_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
#: Other names browsers and phones use for the same types.
_TYPE_ALIASES = {
    "image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "audio/mp3": "audio/mpeg", "audio/x-mp3": "audio/mpeg",
    "audio/mpeg3": "audio/mpeg", "audio/x-wav": "audio/wav", "audio/wave": "audio/wav", "audio/vnd.wave": "audio/wav",
    "audio/x-m4a": "audio/mp4", "audio/m4a": "audio/mp4", "video/mp4": "audio/mp4", "audio/webm": "video/webm",
    "video/ogg": "audio/ogg", "audio/opus": "audio/ogg", "application/ogg": "audio/ogg", "image/x-tiff": "image/tiff",
    "text/plain": "text/vtt",
}


def accepted_extensions() -> list[str]:
    """The file name endings tourbuilder takes, e.g. for an <input accept> list."""
    return sorted(FORMATS)


def check_upload(path: str | os.PathLike, name: str | None = None, *, claimed_type: str | None = None,
                 max_mb: int | float | None = None, kinds: tuple[str, ...] | None = None) -> CheckedUpload:
    """Check one received file by its content and return what it is.

    ``path`` is where the bytes are (a temporary file); ``name`` the file name the person gave
    (its extension is the claim; default: ``path``'s name); ``claimed_type`` the MIME type the
    browser sent, if any; ``max_mb`` the size limit (the MAX_UPLOAD_MB setting); ``kinds``
    limits what is wanted here (e.g. ``("image",)`` for a panorama).

    Raises :class:`UploadError` (status 413, 415 or 422) with what was wrong and how to fix it:
    too large, an extension tourbuilder does not take, content that is not what the name (or
    the claimed type) says, a picture over 16384x8192 (read from its header: a decompression
    bomb costs nothing), or a damaged file.
    """
    path = Path(path)
    name = name or path.name
    shown = Path(name).name or "the file"
    suffix = Path(name).suffix.lower()
    limit = (DEFAULT_MAX_UPLOAD_MB if max_mb is None else max_mb) * 1024 * 1024
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UploadError(f"{shown}: cannot be read ({exc.strerror})", 422) from None
    if not path.is_file():
        raise UploadError(f"{shown}: is not a file", 422)
    if size > limit:
        raise UploadError(f"{shown} is {size / 1024 / 1024:.1f} MB; at most {limit / 1024 / 1024:g} MB are "
                          "accepted: make it smaller (a lower resolution or bit rate)", 413)
    wanted = FORMATS.get(suffix)
    if wanted is None:
        raise UploadError(f"{shown}: files ending in '{suffix or '(nothing)'}' are not accepted: use one of "
                          f"{', '.join(e.lstrip('.') for e in accepted_extensions())}", 415)
    if kinds is not None and wanted.kind not in kinds:
        raise UploadError(f"{shown} is {_article(wanted.label)}, but {' or '.join(kinds)} is wanted here", 415)
    if size == 0:
        raise UploadError(f"{shown} is empty (0 bytes): choose the file again", 422)
    if wanted.kind == "image":
        content, width, height = _sniff_image(path, shown)
    else:
        content, width, height = _sniff_other(path), None, None
    if content not in wanted.contents:
        what = _CONTENT_NAMES.get(content, "not a file tourbuilder can read") if content else \
            "not a file tourbuilder can read"
        raise UploadError(f"{shown} is named as {_article(wanted.label)} but its content is {what}: "
                          f"{_fix(content, shown)}", 415)
    _check_claimed_type(claimed_type, wanted, shown)
    return CheckedUpload(type=wanted.type, kind=wanted.kind, size=size, width=width, height=height)


def _article(label: str) -> str:
    if label.endswith("captions"):
        return label
    return ("an " if label[0] in "AEIOUM" else "a ") + label  # M: "an MP3", said "em"


def _fix(content: str | None, shown: str) -> str:
    rightful = next((ext for ext, fmt in FORMATS.items() if content in fmt.contents), None)
    if rightful:
        return f"rename it to end in {rightful}, or choose the file you meant"
    return "save or export it as one of " + ", ".join(e.lstrip(".") for e in accepted_extensions())


def _sniff_image(path: Path, shown: str) -> tuple[str | None, int | None, int | None]:
    """Pillow's format from the header only; pictures larger than MAX_PIXELS are refused unread."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                fmt = image.format
    except UnidentifiedImageError:
        return _sniff_other(path), None, None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(f"{shown} says it has more pixels than the 16384x8192 accepted: scale it down "
                          "(nothing of it was decoded)", 413) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise UploadError(f"{shown} is a damaged picture ({exc}): save it again from the original", 422) from None
    if width * height > MAX_PIXELS or max(width, height) > 16384:
        raise UploadError(f"{shown} is {width}x{height}, larger than the 16384x8192 accepted: scale it down "
                          "(only its header was read)", 413)
    if width < 1 or height < 1:
        raise UploadError(f"{shown} has no pixels ({width}x{height}): save it again from the original", 422)
    return fmt, width, height


def _sniff_other(path: Path) -> str | None:
    with open(path, "rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if _is_webvtt(head):
        return "vtt"
    kind = filetype.guess(head)
    if kind is None:
        return "html" if head.lstrip()[:1] == b"<" else None
    extension = kind.extension
    if extension in ("jpg", "jpx"):
        return "JPEG"
    return {"png": "PNG", "webp": "WEBP", "tif": "TIFF", "gif": "GIF", "bmp": "BMP"}.get(extension, extension)


def _is_webvtt(head: bytes) -> bool:
    """A WebVTT file starts with an optional BOM, 'WEBVTT', then a space, tab or line end; it is UTF-8."""
    text = head.removeprefix(b"\xef\xbb\xbf")
    if not text.startswith(b"WEBVTT") or text[6:7] not in (b"", b" ", b"\t", b"\n", b"\r"):
        return False
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut at the end of the sniffed part is fine
        return exc.start >= len(text) - 3
    return True


def _check_claimed_type(claimed: str | None, wanted: _Format, shown: str) -> None:
    claimed = (claimed or "").split(";")[0].strip().lower()
    if claimed in _VAGUE_TYPES:
        return
    normal = _TYPE_ALIASES.get(claimed, claimed)
    expected = _TYPE_ALIASES.get(wanted.type, wanted.type)
    if normal != expected:
        raise UploadError(f"{shown} was sent as {claimed}, but its name and content say {wanted.type}: "
                          "choose the file again (or rename it to match what it is)", 415)
