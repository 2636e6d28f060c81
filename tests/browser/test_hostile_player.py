"""The player's defence in depth: an info text that got past the server's sanitiser (written
into the page config here, as an attacker who edits an export would) is parsed inertly and
rebuilt with only the allowed elements; quiz texts are always plain text."""

from __future__ import annotations

import pytest

from tests.browser.axe import run_axe
from tests.samples import minimal_document, page_variant, write_tiny_folder
from tourbuilder.export import export_tour

pytestmark = pytest.mark.exported_player

READY = '#tourbuilder-player[data-ready="true"]'
HOSTILE_INFO = (
    '<p onclick="window.__pwned=1">One <strong>strong</strong> <em>em</em> <b>b</b><br>line</p>'
    '<img src=x onerror="window.__pwned=2"><script>window.__pwned=3</script>'
    '<svg><script>window.__pwned=4</script></svg><iframe src="javascript:window.__pwned=5"></iframe>'
    '<ul><li><a href="https://example.org/a" target="_self" onclick="window.__pwned=6">safe</a></li>'
    '<li><a href="javascript:window.__pwned=7">js</a></li><li><a href="/relative">rel</a></li>'
    '<li><a href="mailto:a@example.org">mail</a></li></ul><style>body{display:none}</style>'
    '<form action="https://evil.example"><input name="p"></form>loose <a href=" JAVASCRIPT:x">j</a>'
)
QUIZ_TEXT = '<b>bold</b><img src=x onerror="window.__pwned=8">'


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    doc = minimal_document()
    doc["scenes"]["yard"]["hotspots"].append({"id": "sign", "kind": "info", "yaw": 0, "pitch": 0,
                                              "title": {"mn": "Самбар", "en": "Sign"}, "text": {"mn": "<p>x</p>"}})
    doc["scenes"]["yard"]["hotspots"].append({"id": "quiz", "kind": "quiz", "yaw": 30, "pitch": 0,
                                              "title": {"mn": "Сорил", "en": "Quiz"}, "quiz": "final"})
    folder = write_tiny_folder(base / "tour", doc)
    out = base / "web"
    export_tour(str(folder), "web", out)

    def inject(config):
        spots = config["tour"]["scenes"]["yard"]["hotspots"]
        next(h for h in spots if h["id"] == "sign")["text"] = {"mn": HOSTILE_INFO}
        question = config["tour"]["quizzes"]["final"]["questions"][0]
        question["prompt"]["mn"] = QUIZ_TEXT
        question["choices"][0]["text"]["mn"] = QUIZ_TEXT

    return out, page_variant(out, "hostile.html", inject)


def test_a_hostile_info_text_is_rebuilt_from_the_subset_and_nothing_runs(page, serve, hostile_page):
    out, name = hostile_page
    page.goto(serve(out) + name)
    page.wait_for_selector(READY, timeout=20_000)
    page.locator('[data-hotspot-id="sign"]').focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Самбар")
    dialog.wait_for()
    body = dialog.locator(".tb-dialog__body")
    shape = body.evaluate("""(b) => Array.from(b.querySelectorAll('*')).map((e) =>
        [e.localName, Array.from(e.attributes).map((a) => a.name + '=' + a.value).sort().join(' ')])""")
    tags = {tag for tag, _ in shape}
    assert tags <= {"p", "br", "strong", "em", "ul", "li", "a"}, shape
    links = [attrs for tag, attrs in shape if tag == "a"]
    assert [attrs for attrs in links if attrs] == ["href=https://example.org/a rel=noopener target=_blank",
                                                   "href=mailto:a@example.org rel=noopener target=_blank"], shape
    assert len(links) == 5, shape  # javascript:, relative and spaced JAVASCRIPT: links keep their text only
    assert all(not attrs or attrs.startswith(("class=tb-text", "href=")) for tag, attrs in shape if tag != "a"), shape
    text = body.inner_text()
    assert "strong" in text and "b" in text and "safe" in text and "loose" in text
    assert "window.__pwned" not in text and "display:none" not in text
    page.wait_for_timeout(300)  # an onerror would have fired by now
    assert page.evaluate("window.__pwned") is None
    violations = run_axe(page)["violations"]
    assert violations == [], violations
    assert page.watch.outside_requests == []


def test_quiz_texts_are_plain_text(page, serve, hostile_page):
    out, name = hostile_page
    page.goto(serve(out) + name)
    page.wait_for_selector(READY, timeout=20_000)
    page.locator('[data-hotspot-id="quiz"]').focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    assert QUIZ_TEXT in dialog.inner_text()
    assert dialog.locator("b, img").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
