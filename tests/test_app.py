"""The authoring app: tours list, learner preview (sandboxed), media and export downloads.

Accounts, roles and sharing: test_app_accounts.py; the route table and security:
test_security*.py; the interface language: test_app_i18n.py.
"""

from __future__ import annotations

import io
import zipfile

from tourbuilder.demo.loader import DEMO_ID
from tests.samples import player_config_of


def test_index_lists_the_demo_tour_with_its_check_status(admin_client):
    page = admin_client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-tour-id="{DEMO_ID}"' in html
    assert "Mercury-free gold processing" in html
    assert "ready" in html


def test_preview_serves_the_player_sandboxed_with_the_tour_and_working_media_urls(admin_client, client):
    redirect = admin_client.get(f"/tours/{DEMO_ID}/preview")
    assert redirect.status_code == 303
    sandboxed = redirect.headers["Location"]
    assert sandboxed.startswith("/sandbox/")
    # The sandbox needs no session: the page's own requests (an opaque origin) send no cookie.
    page = client.get(sandboxed)
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"].startswith("sandbox allow-scripts")
    html = page.get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static/build/player/player.css">' in html
    config = player_config_of(html)
    assert config["tour"]["id"] == DEMO_ID
    assert config["tracking"] == "none"
    for key, url in config["media"].items():
        assert url.startswith(sandboxed + "media/"), url
        response = client.get(url)
        assert response.status_code == 200, key
        assert response.mimetype == config["tour"]["media"][key]["type"], key
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/static/build/player/player.js").status_code == 200


def test_preview_in_english_sets_the_language(admin_client):
    html = admin_client.get(f"/tours/{DEMO_ID}/preview?lang=en", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert player_config_of(html)["language"] == "en"
    bad = admin_client.get(f"/tours/{DEMO_ID}/preview?lang=fr")
    assert bad.status_code == 400
    assert "no language “fr”" in bad.get_data(as_text=True)


def test_unknown_tour_and_media_are_404(admin_client):
    assert admin_client.get("/tours/nope/preview").status_code == 404
    assert admin_client.get("/media/" + "0" * 64 + ".jpg").status_code == 404
    assert admin_client.get("/media/..%2Fsecret").status_code == 404
    assert admin_client.get("/sandbox/forged/").status_code == 404


def test_media_by_hash_for_signed_in_users(app, admin_client, client):
    sha = next(iter(app.extensions["tourbuilder.store"].get_tour(DEMO_ID).media.values())).sha256
    assert admin_client.get(f"/media/{sha}.jpg").status_code == 200
    assert client.get(f"/media/{sha}.jpg").status_code == 302


def test_export_downloads_a_zip_for_every_format(admin_client):
    for format_, expected in (("web", "index.html"), ("scorm12", "imsmanifest.xml"),
                              ("scorm2004", "imsmanifest.xml"), ("folder", "tour.yaml")):
        response = admin_client.post(f"/tours/{DEMO_ID}/export", data={"format": format_})
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.headers["Content-Disposition"].startswith(f"attachment; filename={DEMO_ID}-{format_}.zip")
        names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
        assert expected in names


def test_export_with_an_unknown_format_is_a_clear_400(admin_client):
    response = admin_client.post(f"/tours/{DEMO_ID}/export", data={"format": "pdf"})
    assert response.status_code == 400
    assert "Unknown export format “pdf”" in response.get_data(as_text=True)


def test_config_json_cannot_close_its_script_element(app, demo_store, admin_client):
    tour = demo_store.get_tour(DEMO_ID)
    tour.title["en"] = "</script><script>alert(1)</script>"
    demo_store.save_tour(tour)
    html = admin_client.get(f"/tours/{DEMO_ID}/preview", follow_redirects=True).get_data(as_text=True)
    assert "</script><script>alert(1)" not in html
    assert player_config_of(html)["tour"]["title"]["en"] == "</script><script>alert(1)</script>"


def test_the_app_sweeps_temporary_files_of_killed_writes_when_it_starts(tmp_path):
    import os
    import time

    from tourbuilder.app import create_app

    data = tmp_path / "data"
    media = data / "media" / "ab"
    media.mkdir(parents=True)
    old, young, real = media / ".incoming-dead", media / ".incoming-busy", media / ("ab" + "0" * 62)
    for path in (old, young, real):
        path.write_bytes(b"x")
    hours_ago = time.time() - 7200
    os.utime(old, (hours_ago, hours_ago))
    os.utime(real, (hours_ago, hours_ago))
    create_app({"DATA": str(data), "EXPORT_DIR": str(tmp_path / "export"), "TESTING": True})
    assert not old.exists(), "an hour-old temporary file is what a killed write left"
    assert young.exists(), "a young one may be another worker's write in progress"
    assert real.exists()
