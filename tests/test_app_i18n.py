"""The app's interface in Mongolian and English: a complete Mongolian catalogue, compiled from the
.po file in the repository (never a committed .mo), and a language chosen per user."""

from __future__ import annotations

import importlib.util
import os
import subprocess

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tourbuilder.app.catalogs import FOLDER, compile_catalogs
from tests.conftest import REPO
from tests.signin import make_user, sign_in

PO = FOLDER / "mn" / "LC_MESSAGES" / "messages.po"


def app_messages() -> set:
    found = set()
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    for _file, _line, message, _comments, _context in extract_from_dir(
            REPO / "tourbuilder" / "app", method_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2),
                                                                 "N_": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_text_of_the_interface_has_its_mongolian_translation():
    with PO.open("rb") as source:
        catalog = read_po(source, locale="mn")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy}
    missing = sorted(app_messages() - translated)
    assert not missing, ("texts without a Mongolian translation (see tourbuilder/app/catalogs.py for how to add "
                         f"them): {missing}")
    assert len(app_messages()) > 100


def test_only_po_files_are_in_git_and_the_catalogue_compiles():
    mo = PO.with_suffix(".mo")

    def ignored(path) -> bool:
        return subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=REPO).returncode == 0

    assert not ignored(PO) and ignored(mo)
    tracked = subprocess.run(["git", "ls-files", "tourbuilder/app/translations"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.split()
    assert not [name for name in tracked if name.endswith(".mo")]
    os.utime(PO)  # the .po is newer: the .mo is made again
    assert compile_catalogs() == [mo]
    assert compile_catalogs() == []  # up to date: nothing to do
    assert mo.stat().st_size > 5000


def test_the_package_build_compiles_the_catalogues(tmp_path):
    spec = importlib.util.spec_from_file_location("hatch_build_under_test", REPO / "hatch_build.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    mo = PO.with_suffix(".mo")
    before = mo.stat().st_mtime_ns if mo.exists() else 0
    hook._compile_catalogs(REPO)
    assert mo.stat().st_mtime_ns >= before and mo.exists()


def test_mongolian_first_then_the_browsers_choice_then_the_visitors_choice(tiny_app):
    client = tiny_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="mn">' in page and "<h1>Нэвтрэх</h1>" in page
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "<h1>Sign in</h1>" in english
    assert client.post("/language", data={"language": "en", "next": "/login"}).headers["Location"] == "/login"
    assert "<h1>Sign in</h1>" in client.get("/login").get_data(as_text=True)
    assert client.post("/language", data={"language": "fr"}).status_code == 400


def test_each_user_keeps_their_language_across_sessions(tiny_app):
    make_user(tiny_app, "tuya", "author", language="mn")
    laptop = tiny_app.test_client()
    sign_in(laptop, "tuya")
    page = laptop.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Аяллууд</h1>" in page  # the account's language wins over the browser's
    assert 'lang="en">English</button>' in page
    laptop.post("/language", data={"language": "en", "next": "/"})
    assert "<h1>Tours</h1>" in laptop.get("/").get_data(as_text=True)
    phone = tiny_app.test_client()
    sign_in(phone, "tuya")
    assert "<h1>Tours</h1>" in phone.get("/", headers={"Accept-Language": "mn"}).get_data(as_text=True)
    assert tiny_app.extensions["tourbuilder.accounts"].find_user("tuya").language == "en"


def test_messages_of_the_accounts_rules_are_translated(tiny_app):
    make_user(tiny_app, "boss", "admin", language="mn")
    client = tiny_app.test_client()
    sign_in(client, "boss")
    response = client.post("/admin/users", data={"name": "bat", "role": "author", "password": "short"})
    assert "Нууц үг дор хаяж 10 тэмдэгттэй байх ёстой." in response.get_data(as_text=True)
    missing = client.get("/tours/nope/comments").get_data(as_text=True)
    assert "<h1>Олдсонгүй</h1>" in missing and "“nope” аялал байхгүй" in missing
