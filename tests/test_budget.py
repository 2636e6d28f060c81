"""The bandwidth budget (tourbuilder/budget.py): computed from the real files (the player build,
the page the web export writes, the panorama pipeline's preview and tiles, the narration MP3),
so a bigger photo or a longer narration costs more, and shown by `tourbuilder check`."""

from __future__ import annotations

import gzip
import math

import numpy as np
import pytest
from PIL import Image

from tests.samples import minimal_document, write_tiny_folder
from tourbuilder.assets import built
from tourbuilder.budget import (PHONE, SLOW_MOBILE, THRESHOLD_SECONDS, Link, budget_lines, player_bytes,
                                tour_budget, view_tiles)
from tourbuilder.importing import import_tour
from tourbuilder.model import MediaInfo, Narration, NarrationTrack, View
from tourbuilder.panorama.scenes import panorama_cache, scene_settings


def noisy_photo(path, width: int, seed: int = 1) -> None:
    """A photo that does not compress: its tiles weigh what a real photo's do."""
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 255, (width // 2, width, 3), dtype=np.uint8)).save(path, quality=90)


def imported(store, folder):
    tour, _ = import_tour(store, folder)
    return store.get_tour(tour.id)


def folder_and_manifest(store, tour, scene_id):
    import json

    scene = tour.scenes[scene_id]
    folder = panorama_cache(store).folder_for(tour.media[scene.panorama].sha256, scene_settings(scene))
    return folder, json.loads((folder / "manifest.json").read_text())


def test_every_number_comes_from_the_real_files(store, tiny_folder):
    tour = imported(store, tiny_folder)
    budget = tour_budget(tour, panorama_cache(store))
    assert budget.link["down_kbps"] == SLOW_MOBILE.down_kbps and budget.link["screen"]["width"] == PHONE.width
    player = built("player")
    expected_player = sum(len(gzip.compress((player / name).read_bytes(), 6)) for name in ("player.js", "player.css"))
    assert player_bytes() == expected_player
    for scene_id, scene in tour.scenes.items():
        got = budget.scenes[scene_id]
        folder, manifest = folder_and_manifest(store, tour, scene_id)
        level, tiles = view_tiles(scene, manifest["levels"], manifest["tile_size"], manifest["faces"])
        assert got.tiles == {"level": level, "face_size": manifest["levels"][level]["face_size"], "count": len(tiles)}
        tile_bytes = sum((folder / manifest["tile_path"].format(level=level, face=f, row=r, col=c)).stat().st_size
                         for f, r, c in tiles)
        assert got.parts["preview"] == (folder / manifest["preview"]).stat().st_size > 0
        assert got.parts["tiles"] == tile_bytes > 0
        assert got.parts["player"] == expected_player
        assert 1000 < got.parts["page"] < 20000  # the tour and the placeholders, gzipped
        assert got.bytes == sum(got.parts[k] for k in ("page", "player", "preview", "tiles"))
        trips = 3 + 3 + math.ceil(len(tiles) / 4)
        assert got.seconds == round(trips * 0.15 + got.bytes * 8 / 1_600_000, 2)
        assert got.arrival.bytes == got.parts["preview"] + tile_bytes  # no narration here
        assert got.ready_seconds < got.seconds and not got.over


def test_a_bigger_panorama_costs_more_in_its_scene_only(store, tmp_path):
    small = write_tiny_folder(tmp_path / "small")
    before = tour_budget(imported(store, small), panorama_cache(store))
    noisy_photo(small / "media" / "hall.jpg", 4096)
    after_tour = imported(store, small)
    after = tour_budget(after_tour, panorama_cache(store))
    hall, yard = after.scenes["hall"], after.scenes["yard"]
    assert hall.parts["preview"] > 3 * before.scenes["hall"].parts["preview"]
    assert hall.parts["tiles"] > 10 * before.scenes["hall"].parts["tiles"]
    assert hall.seconds > before.scenes["hall"].seconds + 1
    assert hall.tiles["face_size"] > before.scenes["hall"].tiles["face_size"]  # a finer level exists now
    assert yard.parts["preview"] == before.scenes["yard"].parts["preview"]
    assert yard.parts["tiles"] == before.scenes["yard"].parts["tiles"]


def test_narration_counts_when_arriving_not_at_the_first_start(store, tiny_folder):
    tour = imported(store, tiny_folder)
    before = tour_budget(tour, panorama_cache(store)).scenes["hall"]
    mp3 = bytes(range(256)) * 800  # the budget counts bytes: any file of that size
    for lang, size in (("mn", 150_000), ("en", 90_000)):
        key = f"media/narration/hall.{lang}.mp3"
        tour.media[key] = MediaInfo(sha256=store.media.add_bytes(mp3[:size]), type="audio/mpeg", size=size)
    tour.scenes["hall"].narration = Narration(text={"mn": "Танхим.", "en": "The hall."}, tracks={
        lang: NarrationTrack(engine="recording", audio=f"media/narration/hall.{lang}.mp3") for lang in ("mn", "en")})
    after = tour_budget(tour, panorama_cache(store)).scenes["hall"]
    assert after.parts["narration"] == 150_000  # the largest language's
    assert after.arrival.bytes == before.arrival.bytes + 150_000
    assert after.arrival.seconds == pytest.approx(before.arrival.seconds + 150_000 * 8 / 1_600_000, abs=0.011)
    assert after.bytes == before.bytes + (after.parts["page"] - before.parts["page"])  # not played before a tap


def test_the_initial_view_decides_the_tiles(store, tmp_path):
    folder = write_tiny_folder(tmp_path / "t")
    noisy_photo(folder / "media" / "yard.jpg", 4096)
    tour = imported(store, folder)
    scene = tour.scenes["yard"]
    _, manifest = folder_and_manifest(store, tour, "yard")
    levels, size, faces = manifest["levels"], manifest["tile_size"], manifest["faces"]

    def seen(**view):
        return view_tiles(scene.model_copy(update={"initial_view": View(**view)}), levels, size, faces)

    level, tiles = seen(yaw=0, pitch=0, fov=30)
    assert {face for face, _, _ in tiles} == {"f"}
    assert levels[level]["face_size"] / 90 >= PHONE.width * 2 / 30 or level == len(levels) - 1
    _, right = seen(yaw=90, pitch=0, fov=30)
    assert {face for face, _, _ in right} == {"r"}
    _, behind = seen(yaw=180, pitch=0, fov=30)
    assert {face for face, _, _ in behind} == {"b"}
    wide_level, wide = seen(yaw=0, pitch=0, fov=100)
    # held upright, the phone sees 120° up and down but under 90° across: the cube's top and bottom, not its sides
    assert wide_level < level and {face for face, _, _ in wide} == {"f", "u", "d"}
    # a pose turns the picture: the same world view sees another face of the photo
    turned = scene.model_copy(update={"initial_view": View(yaw=0, pitch=0, fov=30),
                                      "pose": scene.pose.model_copy(update={"heading": 90})})
    assert {face for face, _, _ in view_tiles(turned, levels, size, faces)[1]} == {"l"}


def test_a_slow_scene_is_flagged_and_a_scene_not_processed_has_a_note(store, tiny_folder):
    tour = imported(store, tiny_folder)
    crawl = Link(name="very slow link", down_kbps=64, rtt_ms=600)
    budget = tour_budget(tour, panorama_cache(store), link=crawl)
    assert set(budget.over()) == {"yard", "hall"}
    lines = budget_lines(budget)
    assert lines[0].startswith("budget on a very slow link")
    assert all(f"warning: over {THRESHOLD_SECONDS:g} s" in line for line in lines[1:])
    tour.media["media/hall.jpg"] = tour.media["media/hall.jpg"].model_copy(update={"sha256": "0" * 64})
    noted = tour_budget(tour, panorama_cache(store)).scenes["hall"]
    assert noted.bytes is None and "not been processed yet" in noted.note


def test_check_prints_the_budget(runner, tmp_path):
    folder = write_tiny_folder(tmp_path / "tiny", minimal_document())
    result = runner.invoke("--data", tmp_path / "d", "check", folder)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("budget on a slow mobile link")))
    assert lines[start + 1].startswith("  yard: ") and " KiB, " in lines[start + 1] and "s to sharp" in lines[start + 1]
    assert lines[start + 2].startswith("  hall: ")
