"""Files checked by content, not by name (tourbuilder/uploads.py), and the tour import that
uses the same check for every media file."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tourbuilder.importing import import_tour
from tourbuilder.model import TourError
from tourbuilder.tourfolder import read_folder
from tourbuilder.uploads import CheckedUpload, UploadError, check_upload

from tests.samples import write_tiny_folder


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size (a decompression bomb's header) with one tiny IDAT."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


def picture(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 32), (200, 100, 50)).save(out, fmt)
    return out.getvalue()


@pytest.fixture(scope="module")
def sounds(tmp_path_factory) -> dict[str, bytes]:
    """Real sound and video files of each accepted container, made by Debian's ffmpeg."""
    folder = tmp_path_factory.mktemp("sounds")
    recipes = {
        "mp3": ["-f", "lavfi", "-i", "sine=duration=0.2", "-c:a", "libmp3lame"],
        "m4a": ["-f", "lavfi", "-i", "sine=duration=0.2", "-c:a", "aac"],
        "ogg": ["-f", "lavfi", "-i", "sine=duration=0.2", "-c:a", "libvorbis"],
        "wav": ["-f", "lavfi", "-i", "sine=duration=0.2"],
        "webm": ["-f", "lavfi", "-i", "testsrc=duration=0.2:size=32x24", "-c:v", "libvpx"],
        "mp4": ["-f", "lavfi", "-i", "testsrc=duration=0.2:size=32x24", "-pix_fmt", "yuv420p"],
    }
    made = {}
    for ext, args in recipes.items():
        out = folder / f"s.{ext}"
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *args, str(out)], check=True, timeout=60)
        made[ext] = out.read_bytes()
    return made


def put(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("ext, mime, kind", [("mp3", "audio/mpeg", "audio"), ("m4a", "audio/mp4", "audio"),
                                             ("ogg", "audio/ogg", "audio"), ("wav", "audio/wav", "audio"),
                                             ("webm", "video/webm", "video"), ("mp4", "video/mp4", "video")])
def test_real_sounds_and_videos_are_known_by_content(tmp_path, sounds, ext, mime, kind):
    checked = check_upload(put(tmp_path, f"clip.{ext}", sounds[ext]))
    assert (checked.type, checked.kind, checked.size) == (mime, kind, len(sounds[ext]))


@pytest.mark.parametrize("fmt, name, mime", [("JPEG", "a.jpg", "image/jpeg"), ("PNG", "a.png", "image/png"),
                                             ("WEBP", "a.webp", "image/webp"), ("TIFF", "a.tif", "image/tiff")])
def test_pictures_are_known_by_content(tmp_path, fmt, name, mime):
    assert check_upload(put(tmp_path, name, picture(fmt))) == CheckedUpload(
        type=mime, kind="image", size=len(picture(fmt)), width=64, height=32)


def test_captions_are_known_by_their_signature(tmp_path):
    vtt = "\ufeffWEBVTT\n\n00:00.000 --> 00:01.000\nСайн байна уу\n".encode()
    assert check_upload(put(tmp_path, "c.vtt", vtt)).type == "text/vtt"
    with pytest.raises(UploadError, match="c2.vtt is named as WebVTT captions but its content is an HTML page"):
        check_upload(put(tmp_path, "c2.vtt", b"<script>alert(1)</script>"))


def test_a_name_that_lies_about_the_content_is_refused_with_what_it_is(tmp_path, sounds):
    with pytest.raises(UploadError) as caught:
        check_upload(put(tmp_path, "voice.mp3", sounds["wav"]))
    assert caught.value.status == 415
    assert str(caught.value) == ("voice.mp3 is named as an MP3 sound but its content is a WAV sound: "
                                 "rename it to end in .wav, or choose the file you meant")
    with pytest.raises(UploadError, match="photo.jpg is named as a JPEG picture but its content is a PNG picture"):
        check_upload(put(tmp_path, "photo.jpg", picture("PNG")))
    with pytest.raises(UploadError, match="song.png is named as a PNG picture but its content is an MP3 sound"):
        check_upload(put(tmp_path, "song.png", sounds["mp3"]))


@pytest.mark.parametrize("name, data", [
    ("page.jpg", b"<!doctype html><script>alert(document.cookie)</script>"),
    ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("polyglot.jpg", b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=alert(1)//"),
    ("archive.mp4", b"PK\x03\x04" + bytes(100)),
    ("program.wav", b"\x7fELF\x02\x01\x01" + bytes(100)),
    ("random.ogg", bytes(range(256)) * 4),
    ("truncated.mp3", b"I"),
])
def test_content_that_is_not_what_the_name_says_is_refused(tmp_path, name, data):
    with pytest.raises(UploadError) as caught:
        check_upload(put(tmp_path, name, data))
    assert caught.value.status in (415, 422) and str(caught.value).startswith(name)


@pytest.mark.parametrize("name", ["page.html", "image.svg", "script.js", "noext", "photo.jpg.exe", "x.gif"])
def test_types_tourbuilder_does_not_take_are_refused_by_name(tmp_path, name):
    with pytest.raises(UploadError, match="are not accepted: use one of jpeg, jpg, m4a") as caught:
        check_upload(put(tmp_path, name, picture("JPEG")))
    assert caught.value.status == 415


def test_a_decompression_bomb_is_refused_from_its_header(tmp_path):
    with pytest.raises(UploadError, match="more pixels than the 16384x8192|larger than the 16384x8192") as caught:
        check_upload(put(tmp_path, "bomb.png", png_header_only(100_000, 100_000)))
    assert caught.value.status == 413
    with pytest.raises(UploadError, match="wide.png is 20000x10, larger than the 16384x8192"):
        check_upload(put(tmp_path, "wide.png", png_header_only(20_000, 10)))


def test_size_limit_and_empty_files(tmp_path, sounds):
    with pytest.raises(UploadError, match="at most 0.001 MB are accepted") as caught:
        check_upload(put(tmp_path, "big.wav", sounds["wav"]), max_mb=0.001)
    assert caught.value.status == 413
    with pytest.raises(UploadError, match="empty.mp3 is empty") as caught:
        check_upload(put(tmp_path, "empty.mp3", b""))
    assert caught.value.status == 422


def test_the_claimed_mime_type_must_agree_and_vague_ones_are_ignored(tmp_path, sounds):
    path = put(tmp_path, "v.mp3", sounds["mp3"])
    for claimed in (None, "", "application/octet-stream", "audio/mpeg", "audio/mp3", "AUDIO/MPEG; charset=x"):
        assert check_upload(path, claimed_type=claimed).type == "audio/mpeg"
    with pytest.raises(UploadError, match="v.mp3 was sent as text/html, but its name and content say audio/mpeg"):
        check_upload(path, claimed_type="text/html")
    m4a = put(tmp_path, "v.m4a", sounds["m4a"])
    assert check_upload(m4a, claimed_type="audio/x-m4a").type == "audio/mp4"


def test_kinds_limit_what_is_wanted(tmp_path, sounds):
    with pytest.raises(UploadError, match="is an MP3 sound, but image is wanted here"):
        check_upload(put(tmp_path, "v.mp3", sounds["mp3"]), kinds=("image",))


def test_the_name_given_wins_over_the_temporary_path(tmp_path, sounds):
    temporary = put(tmp_path, "upload-1234.tmp", sounds["mp3"])
    assert check_upload(temporary, "my voice.mp3").type == "audio/mpeg"
    with pytest.raises(UploadError, match="my voice.wav is named as a WAV sound"):
        check_upload(temporary, "../../my voice.wav")  # only the name's last part is shown


def test_an_imported_tour_with_a_disguised_media_file_is_refused_and_nothing_is_stored(tmp_path, store):
    folder = write_tiny_folder(tmp_path / "tour")
    (folder / "media" / "yard.jpg").write_bytes(b"<html><script>alert(1)</script></html>")
    with pytest.raises(TourError) as caught:
        import_tour(store, folder)
    assert any("scenes.yard.panorama: yard.jpg is named as a JPEG picture but its content is an HTML page" in p
               for p in caught.value.problems)
    assert not store.has_tour("tiny")


def test_an_imported_tour_takes_media_types_from_the_content_check(tmp_path):
    folder = write_tiny_folder(tmp_path / "tour")
    read = read_folder(folder)
    assert {k: v.type for k, v in read.tour.media.items()} == {"media/hall.jpg": "image/jpeg",
                                                                 "media/yard.jpg": "image/jpeg"}
    with pytest.raises(TourError, match="at most 0.0001 MB are accepted"):
        read_folder(folder, max_file_mb=0.0001)
