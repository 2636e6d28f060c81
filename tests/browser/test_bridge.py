"""The postMessage bridge in Chromium: a parent page on another loopback origin (localhost) shows
the web tour (127.0.0.1) in an iframe, calls the player's API with request/response messages
and hears its events; bad requests get error replies; messages from anyone but the parent, or
from an origin the configuration does not allow, are not acted on."""

from __future__ import annotations


import pytest
from playwright.sync_api import expect

from tests.samples import minimal_document, page_variant, write_tiny_folder
from tourbuilder.export import export_tour

pytestmark = pytest.mark.exported_player

READY = '#tourbuilder-player[data-ready="true"]'

#: The parent page: `call(method, args, extra)` sends a request and resolves with the reply;
#: `events` holds the player's events; `send(data)` posts anything.
PARENT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parent</title></head>
<body>
<iframe id="tour" title="Tour" src="{src}" width="900" height="560" allow="fullscreen; gyroscope; accelerometer"></iframe>
<script>
const frame = document.getElementById('tour');
window.events = [];
window.replies = [];
const waiting = new Map();
let next = 0;
addEventListener('message', (e) => {{
  if (e.source !== frame.contentWindow) return;
  const m = e.data;
  if (!m || m.tourbuilder !== 1) return;
  if ('event' in m) events.push({{event: m.event, detail: m.detail, origin: e.origin}});
  else {{
    replies.push(m);
    if (waiting.has(m.id)) {{ waiting.get(m.id)(m); waiting.delete(m.id); }}
  }}
}});
window.send = (data) => frame.contentWindow.postMessage(data, '*');
window.call = (method, args, extra) => new Promise((resolve) => {{
  const id = 'c' + (++next);
  waiting.set(id, resolve);
  send(Object.assign({{tourbuilder: 1, id, method, args}}, extra || {{}}));
}});
window.eventOf = (name) => events.find((e) => e.event === name) || null;
window.lastEventOf = (name) => events.filter((e) => e.event === name).pop() || null;
</script>
</body></html>
"""


@pytest.fixture(scope="module")
def tiny_export(tmp_path_factory):
    base = tmp_path_factory.mktemp("bridge")
    folder = write_tiny_folder(base / "tiny", minimal_document())
    out = base / "web"
    export_tour(str(folder), "web", out)
    return out


@pytest.fixture
def parent_of(serve, tmp_path):
    """parent_of(tour_page_url) -> URL of a parent page on http://localhost:… that frames it."""
    count = [0]

    def make(src: str) -> str:
        count[0] += 1
        folder = tmp_path / f"parent{count[0]}"
        folder.mkdir()
        (folder / "index.html").write_text(PARENT.format(src=src), encoding="utf-8")
        return serve(folder).replace("127.0.0.1", "localhost") + "index.html"

    return make


def open_parent(page, url):
    page.goto(url)
    page.wait_for_function("window.eventOf('ready') !== null", timeout=20_000)
    return page.frame_locator("#tour")


def call(page, method, *args):
    return page.evaluate("([m, a]) => call(m, a)", [method, list(args)])


def tour_frame(page):
    return next(f for f in page.frames if f.url.startswith("http://127.0.0.1"))


def test_a_cross_origin_parent_calls_the_api_and_hears_the_events(page, serve, tiny_export, parent_of):
    tour_url = serve(tiny_export) + "index.html"
    parent = parent_of(tour_url)
    assert parent.startswith("http://localhost:") and tour_url.startswith("http://127.0.0.1:")
    frame = open_parent(page, parent)
    ready = page.evaluate("eventOf('ready')")
    assert ready["detail"] == {"scene": "yard"}
    # The start: its language and scene, then ready.
    assert page.evaluate("events.map(e => e.event)") == ["languagechange", "scenechange", "ready"]
    assert ready["origin"] == tour_url.rsplit("/", 1)[0]

    assert call(page, "getScene") == {"tourbuilder": 1, "id": "c1", "result": "yard"}
    assert call(page, "isReady")["result"] is True
    hotspots = call(page, "getHotspots")["result"]
    assert hotspots == [{"id": "to-hall", "kind": "scene", "title": "Танхим руу", "yaw": 90, "pitch": 0}]
    reached = call(page, "lookAt", 45, 10, 60)["result"]
    assert reached == {"yaw": 45, "pitch": 10, "fov": 60}
    assert call(page, "getView")["result"] == reached

    assert call(page, "setLanguage", "en")["result"] is True
    assert call(page, "getLanguage")["result"] == "en"
    assert page.evaluate("lastEventOf('languagechange').detail") == {"language": "en"}
    assert call(page, "getHotspots")["result"][0]["title"] == "To the hall"
    expect(frame.locator("html")).to_have_attribute("lang", "en")

    # loadScene answers once the scene is drawn.
    assert call(page, "loadScene", "hall")["result"] is True
    expect(frame.locator(READY)).to_have_attribute("data-scene", "hall")
    assert page.evaluate("lastEventOf('scenechange').detail") == {"id": "hall"}
    assert call(page, "loadScene", "yard", {"yaw": -120, "pitch": 0, "fov": 80})["result"] is True
    assert call(page, "getView")["result"] == {"yaw": -120, "pitch": 0, "fov": 80}
    assert call(page, "loadScene", "hall")["result"] is True

    # A hotspot used inside the frame, a quiz checked, narration: events reach the parent.
    frame.locator('[data-hotspot-id="quiz"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_function("eventOf('hotspot') !== null")
    assert page.evaluate("eventOf('hotspot').detail") == {"id": "quiz", "kind": "quiz"}
    frame.get_by_label("Yes").check()
    frame.get_by_role("button", name="Check answer").click()
    page.wait_for_function("eventOf('quizfinished') !== null")
    assert page.evaluate("eventOf('quizfinished').detail") == {
        "quiz": "final", "scorePercent": 100, "passed": True, "earned": 1, "total": 1}
    tour_frame(page).evaluate("window.tourbuilder.player._events.emit('narration', {scene: 'hall', state: 'playing'})")
    page.wait_for_function("eventOf('narration') !== null")
    assert page.evaluate("eventOf('narration').detail") == {"scene": "hall", "state": "playing"}
    assert page.watch.console_errors == []


def test_bad_requests_get_error_replies(page, serve, tiny_export, parent_of):
    open_parent(page, parent_of(serve(tiny_export) + "index.html"))
    unknown = call(page, "deleteTour")
    assert unknown["id"] == "c1" and unknown["error"]["code"] == "unknown-method"
    assert "getScene" in unknown["error"]["message"]
    assert "result" not in unknown
    assert call(page, "toString")["error"]["code"] == "unknown-method", "no inherited names"
    assert call(page, "loadScene", "nowhere")["error"]["code"] == "bad-args"
    assert call(page, "loadScene", "constructor")["error"]["code"] == "bad-args"
    assert call(page, "loadScene", "hall", {"yaw": "east"})["error"]["code"] == "bad-args"
    assert call(page, "lookAt", "left", 0)["error"]["code"] == "bad-args"
    assert call(page, "setLanguage", "fr")["error"]["code"] == "bad-args"
    assert page.evaluate("call('getScene', 'yard')")["error"]["code"] == "bad-request", "args must be an array"
    assert page.evaluate("call('getScene', [], {tourbuilder: 2})")["error"]["code"] == "bad-request"
    assert page.evaluate("call(7, [])")["error"]["code"] == "bad-request"
    # Without an id the error is still answered, with id null.
    page.evaluate("send({tourbuilder: 1, method: 'getScene'})")
    page.wait_for_function("replies.some(r => r.id === null)")
    assert page.evaluate("replies.find(r => r.id === null).error.code") == "bad-request"
    # Other scripts' messages are left alone: the next request's reply is the next reply.
    count = page.evaluate("replies.length")
    page.evaluate("send('hello'); send({type: 'other'}); send(null)")
    assert call(page, "getScene")["result"] == "yard"
    assert page.evaluate("replies.length") == count + 1
    assert call(page, "getScene")["result"] == "yard", "nothing was changed by the bad requests"


def seen_by_frame(page, data):
    """Post `data` to the tour from inside its own frame (not the parent) and wait until the
    frame's listeners, the bridge's first, have handled it."""
    frame = tour_frame(page)
    frame.evaluate("""data => new Promise((done) => {
        addEventListener('message', function seen(e) {
          if (e.data && e.data.id === data.id) { removeEventListener('message', seen); setTimeout(done, 0); }
        });
        window.postMessage(data, '*');
    })""", data)
    return frame


def test_only_the_parent_is_heard(page, serve, tiny_export, parent_of):
    open_parent(page, parent_of(serve(tiny_export) + "index.html"))
    frame = seen_by_frame(page, {"tourbuilder": 1, "id": "self", "method": "loadScene", "args": ["hall"]})
    assert frame.evaluate("window.tourbuilder.player.getScene()") == "yard"
    assert page.evaluate("events.filter(e => e.event === 'scenechange').map(e => e.detail.id)") == ["yard"]


def test_allowed_origins_limit_who_is_heard_and_told(page, serve, tiny_export, parent_of):
    base = serve(tiny_export)
    parent = parent_of(base + "allowed.html")
    origin = parent.rsplit("/", 1)[0]
    page_variant(tiny_export, "allowed.html", lambda c: c.update(bridge={"origins": [origin]}))
    open_parent(page, parent)
    assert page.evaluate("eventOf('ready').origin").startswith("http://127.0.0.1:")
    assert call(page, "getScene")["result"] == "yard"

    page_variant(tiny_export, "refused.html", lambda c: c.update(bridge={"origins": ["https://lms.example.org"]}))
    page.goto(parent_of(base + "refused.html"))
    frame = page.frame_locator("#tour")
    expect(frame.locator(READY)).to_be_attached(timeout=20_000)
    # The parent's request reaches the frame (a listener added after the bridge's hears it) but
    # is not acted on.
    tour = tour_frame(page)
    tour.evaluate("""() => addEventListener('message', (e) => {
        if (e.data && e.data.id === 'c1') setTimeout(() => { window.heardC1 = true; }, 0);
    })""")
    page.evaluate("() => { call('loadScene', ['hall']); }")
    tour.wait_for_function("window.heardC1 === true")
    assert tour.evaluate("window.tourbuilder.player.getScene()") == "yard"
    # Events go only to the allowed origins: a marker posted after ready arrives alone (messages
    # from one window to another keep their order).
    tour.evaluate("parent.postMessage({tourbuilder: 1, event: 'marker'}, '*')")
    page.wait_for_function("eventOf('marker') !== null")
    assert page.evaluate("events.map(e => e.event)") == ["marker"]
    assert page.evaluate("replies") == []


def test_the_bridge_can_be_turned_off(page, serve, tiny_export, parent_of):
    page_variant(tiny_export, "no-bridge.html", lambda c: c.update(bridge=False))
    page.goto(parent_of(serve(tiny_export) + "no-bridge.html"))
    expect(page.frame_locator("#tour").locator(READY)).to_be_attached(timeout=20_000)
    tour = tour_frame(page)
    assert tour.evaluate("window.tourbuilder.player._bridge") is None
