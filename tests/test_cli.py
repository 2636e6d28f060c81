"""The `tourbuilder` command: every command, its output and its errors."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tourbuilder.demo.loader import DEMO_ID
from tourbuilder.tourfolder import read_folder


def test_demo_prints_its_id_and_is_loaded_once(runner, tmp_path, monkeypatch):
    monkeypatch.setattr("tourbuilder.demo.loader.DEMO_WIDTH", 1024)
    data = tmp_path / "d"
    first = runner.invoke("--data", data, "demo", "--width", "1024")
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == DEMO_ID
    assert "demo tour added" in first.stderr
    second = runner.invoke("demo", "--data", data, "--width", "1024")
    assert second.stdout.strip() == DEMO_ID
    assert "already present" in second.stderr
    listing = runner.invoke("--data", data, "list")
    assert listing.stdout.startswith(f"{DEMO_ID}\trev 1\t5 scenes\tmn,en\t")


def test_import_list_check_and_export_every_format(runner, tmp_path, demo_folder):
    data = tmp_path / "d"
    imported = runner.invoke("--data", data, "import", demo_folder)
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.strip() == DEMO_ID
    checked = runner.invoke("--data", data, "check", DEMO_ID)
    assert checked.exit_code == 0, checked.output
    assert f"{DEMO_ID}: 0 errors, 0 warnings" in checked.stderr
    for format_ in ("web", "scorm12", "scorm2004", "folder"):
        for out in (tmp_path / "out" / format_, tmp_path / "out" / f"{format_}.zip"):
            result = runner.invoke("--data", data, "export", DEMO_ID, "--format", format_, "--out", out)
            assert result.exit_code == 0, result.output
            assert Path(result.stdout.strip()) == out.absolute()
            names = (sorted(zipfile.ZipFile(out).namelist()) if out.suffix == ".zip"
                     else sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()))
            expected = {"web": "index.html", "scorm12": "imsmanifest.xml", "scorm2004": "imsmanifest.xml",
                        "folder": "tour.yaml"}[format_]
            assert expected in names
            assert not any(".staging-" in n for n in names)
    # the exported folder is a tour folder again
    assert read_folder(tmp_path / "out" / "folder").tour.id == DEMO_ID


def test_export_of_a_tour_folder_by_path_without_a_store(runner, tmp_path, tiny_folder):
    out = tmp_path / "web.zip"
    result = runner.invoke("--data", tmp_path / "d", "export", tiny_folder, "--format", "web", "--out", out)
    assert result.exit_code == 0, result.output
    assert "index.html" in zipfile.ZipFile(out).namelist()


def test_export_default_out_is_the_export_dir(runner, tmp_path, tiny_folder, monkeypatch):
    monkeypatch.setenv("TOURBUILDER_EXPORT_DIR", str(tmp_path / "exports"))
    result = runner.invoke("--data", tmp_path / "d", "export", tiny_folder, "--format", "scorm12")
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()) == tmp_path / "exports" / "tiny-scorm12.zip"


def test_check_exits_1_and_lists_errors(runner, tmp_path, tiny_folder):
    path = tiny_folder / "scenes" / "yard.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("target: hall", "target: cellar"), encoding="utf-8")
    result = runner.invoke("--data", tmp_path / "d", "check", tiny_folder)
    assert result.exit_code == 1
    assert "error: scenes.yard.hotspots.to-hall: links to scene 'cellar', which does not exist" in result.stdout
    assert "error: scenes.hall: cannot be reached" in result.stdout


def test_export_refuses_a_tour_with_errors_and_writes_nothing(runner, tmp_path, tiny_folder):
    path = tiny_folder / "scenes" / "yard.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("target: hall", "target: cellar"), encoding="utf-8")
    out = tmp_path / "out.zip"
    result = runner.invoke("--data", tmp_path / "d", "export", tiny_folder, "--format", "web", "--out", out)
    assert result.exit_code == 2
    assert "links to scene 'cellar'" in result.stderr
    assert not out.exists()
    assert list(tmp_path.glob(".out.zip*")) == []


def test_strict_export_refuses_warnings(runner, tmp_path, tiny_folder):
    path = tiny_folder / "scenes" / "hall.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  en: Hall\n", ""), encoding="utf-8")
    out = tmp_path / "o"
    ok = runner.invoke("--data", tmp_path / "d", "export", tiny_folder, "--format", "web", "--out", out)
    assert ok.exit_code == 0 and "missing translation" in ok.stderr
    strict = runner.invoke("--data", tmp_path / "d", "export", tiny_folder, "--format", "web",
                           "--out", tmp_path / "o2", "--strict")
    assert strict.exit_code == 2


def test_export_will_not_overwrite_a_folder_it_did_not_make(runner, tmp_path, tiny_folder):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.txt").write_text("mine")
    result = runner.invoke("--data", tmp_path / "d", "export", tiny_folder, "--format", "web", "--out", out)
    assert result.exit_code == 2
    assert "not made by tourbuilder" in result.stderr
    assert (out / "thesis.txt").read_text() == "mine"
    # but it replaces its own earlier export
    again = tmp_path / "mine"
    for _ in range(2):
        assert runner.invoke("--data", tmp_path / "d", "export", tiny_folder, "--format", "web",
                             "--out", again).exit_code == 0
    assert (again / "index.html").exists()


@pytest.mark.parametrize("args, message", [
    (["check", "no-such-tour"], "error: no stored tour 'no-such-tour' and no folder of that name"),
    (["export", "no-such-tour", "--format", "web", "--out", "x"], "error: no stored tour 'no-such-tour'"),
    (["import", "."], "error: "),
])
def test_user_mistakes_are_one_clear_line_without_traceback(runner, tmp_path, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke("--data", tmp_path / "d", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output


def test_an_invalid_folder_lists_every_problem(runner, tmp_path, tiny_folder):
    path = tiny_folder / "scenes" / "yard.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "colour: red\nsize: 3\n", encoding="utf-8")
    result = runner.invoke("--data", tmp_path / "d", "import", tiny_folder)
    assert result.exit_code == 2
    assert "has 2 problems" in result.stderr
    assert "unknown key 'colour'" in result.stderr and "unknown key 'size'" in result.stderr


def test_schema_command_prints_the_json_schema(runner):
    result = runner.invoke("schema")
    schema = json.loads(result.stdout)
    assert schema["title"] == "Tour"
    assert "scenes" in schema["properties"]


def test_the_console_script_runs_as_a_real_process(tmp_path, tiny_folder):
    """The installed `tourbuilder` entry point, in a child process: exit codes and streams."""
    exe = Path(sys.executable).with_name("tourbuilder")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "tourbuilder"]
    ok = subprocess.run([*command, "--data", str(tmp_path / "d"), "import", str(tiny_folder)],
                        capture_output=True, text=True, timeout=60)
    assert (ok.returncode, ok.stdout.strip()) == (0, "tiny")
    bad = subprocess.run([*command, "--data", str(tmp_path / "d"), "check", "nope"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("error: ")


def test_serve_runs_the_app_on_the_given_port(tmp_path, tiny_folder):
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = tmp_path / "d"
    subprocess.run([sys.executable, "-m", "tourbuilder", "--data", str(data), "import", str(tiny_folder)],
                   check=True, capture_output=True, timeout=60)
    server = subprocess.Popen([sys.executable, "-m", "tourbuilder", "serve", "--data", str(data),
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # A first start on loopback makes the admin and prints a one-time sign-in link (see README).
        said = [server.stderr.readline().decode("utf-8") for _ in range(3)]
        assert "First start: made the admin 'admin' with the password" in said[1], said
        link = said[2].split()[4]
        assert link.startswith(f"http://127.0.0.1:{port}/login/once/"), said
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        deadline = time.monotonic() + 30
        while True:
            try:
                with opener.open(link, timeout=2) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert 'data-tour-id="tiny"' in page
    finally:
        server.terminate()
        server.wait(timeout=10)
