"""Translations: every text at a stable path, set by path through the model, XLIFF 1.2 out and in
(markup kept as inline codes, stale sources and hostile files refused with nothing changed), and the
page and API over a real store."""

from __future__ import annotations

import copy
import io
import re

import pytest
from lxml import etree

from tests.samples import minimal_document
from tests.signin import make_user, sign_in
from tourbuilder.model import SCHEMA_VERSION, dump_tour, load_tour, tour_json_schema
from tourbuilder.translations import (
    MAX_XLIFF_BYTES,
    TranslationError,
    all_texts,
    list_texts,
    ordered_languages,
    read_xliff,
    set_texts,
    write_xliff,
)

NS = "urn:oasis:names:tc:xliff:document:1.2"
X = {"x": NS}
RICH = ('<p>Wear <strong>gloves</strong> and <em>boots</em>.</p><p>Read <a href="https://example.org/safety">the '
        'rules</a><br>first.</p><ul><li>one</li><li>two</li></ul>')
NARRATION = {"text": {"mn": "Энд хүдэр ирнэ.", "en": "Ore arrives here."}, "tracks": {}}


def full_document() -> dict:
    """A tour with every kind of text the model has: every hotspot and question kind, narrations,
    feedback, places and steps (and a rich text)."""
    doc = minimal_document(schema_version=SCHEMA_VERSION)  # rich text as written (older versions are migrated)
    doc["description"] = {"mn": "Тайлбар", "en": "A description"}
    yard = doc["scenes"]["yard"]
    yard["narration"] = copy.deepcopy(NARRATION)
    yard["hotspots"] += [
        {"id": "crusher", "kind": "info", "yaw": 10, "pitch": 0, "title": {"mn": "Бутлуур", "en": "Crusher"},
         "text": {"mn": RICH.replace("gloves", "бээлий"), "en": RICH}, "narration": copy.deepcopy(NARRATION)},
        {"id": "clip", "kind": "media", "yaw": 20, "pitch": 0, "title": {"mn": "Бичлэг", "en": "Clip"},
         "media": "media/yard.jpg", "caption": {"mn": "Тайлбар зураг", "en": "A caption"}},
        {"id": "listen", "kind": "narration", "yaw": 30, "pitch": -20, "title": {"mn": "Сонсох", "en": "Listen"}},
    ]
    text = {"mn": "Текст", "en": "Text"}
    feedback = {"correct": {"mn": "Зөв", "en": "Right"}, "wrong": {"mn": "Буруу", "en": "Wrong"}}
    doc["quizzes"]["final"]["questions"][0].update(feedback=feedback, narration=copy.deepcopy(NARRATION))
    doc["quizzes"]["final"]["questions"][0]["choices"][0]["feedback"] = {"mn": "Тийм ээ", "en": "Indeed"}
    doc["quizzes"]["final"]["questions"] += [
        {"id": "tf", "kind": "true_false", "prompt": {"mn": "Үнэн үү?", "en": "True?"}, "answer": True},
        {"id": "pic", "kind": "picture", "prompt": {"mn": "Зураг", "en": "Picture"}, "choices": [
            {"id": "a", "text": text, "image": "media/yard.jpg", "correct": True},
            {"id": "b", "text": text, "image": "media/hall.jpg"}]},
        {"id": "find", "kind": "find", "prompt": {"mn": "Хаана?", "en": "Where?"}, "scene": "yard",
         "region": [[0, 10], [20, 10], [20, -10], [0, -10]],
         "places": [{"id": "in", "text": {"mn": "Энд", "en": "Here"}, "yaw": 10, "pitch": 0},
                    {"id": "out", "text": {"mn": "Тэнд", "en": "There"}, "yaw": -90, "pitch": 0}]},
        {"id": "steps", "kind": "order", "prompt": {"mn": "Дараалал", "en": "Order"},
         "items": [{"id": "crush", "text": {"mn": "Бутлах", "en": "Crush"}},
                   {"id": "mill", "text": {"mn": "Нунтаглах", "en": "Mill"}}]},
    ]
    return doc


@pytest.fixture
def tour():
    return load_tour(full_document())


# --- texts by path ------------------------------------------------------------------------

def schema_paths(schema: dict, node, path: str = ""):
    """The translatable paths of a JSON document, found through the JSON Schema's x-translatable
    marks alone (an independent walk: $ref, oneOf by "kind", anyOf with null, patternProperties)."""
    defs = schema.get("$defs", {})

    def walk(part, value, where):
        while "$ref" in part:
            part = defs[part["$ref"].rsplit("/", 1)[-1]]
        if part.get("x-translatable"):
            yield where
            return
        for key in ("oneOf", "anyOf"):
            if key in part:
                for option in part[key]:
                    resolved = defs.get(option.get("$ref", "").rsplit("/", 1)[-1], option)
                    if value is None or resolved.get("type") == "null":
                        continue
                    kind = resolved.get("properties", {}).get("kind", {})
                    kinds = [kind["const"]] if "const" in kind else kind.get("enum")
                    if kinds is None or (isinstance(value, dict) and value.get("kind") in kinds):
                        yield from walk(option, value, where)
                        break
                return
        if isinstance(value, dict) and "properties" in part:
            for name, sub in value.items():
                if name in part["properties"]:
                    yield from walk(part["properties"][name], sub, f"{where}.{name}" if where else name)
        elif isinstance(value, dict) and "patternProperties" in part:
            (item_schema,) = part["patternProperties"].values()
            for name, sub in value.items():
                yield from walk(item_schema, sub, f"{where}.{name}")
        elif isinstance(value, list) and "items" in part:
            for index, item in enumerate(value):
                ident = item.get("id", index) if isinstance(item, dict) else index
                yield from walk(part["items"], item, f"{where}.{ident}")

    return list(walk(schema, node, path))


def test_every_translatable_field_of_the_schema_is_found_at_its_path(tour):
    schema = tour_json_schema()
    expected = schema_paths(schema, dump_tour(tour))
    found = [text.path for text in all_texts(tour)]
    assert found == expected
    # Every x-translatable property of the schema occurs in this document (so the test covers them all).
    marked = {(name, prop) for name, part in schema["$defs"].items()
              for prop, sub in part.get("properties", {}).items() if sub.get("x-translatable")}
    marked |= {("Tour", prop) for prop, sub in schema["properties"].items() if sub.get("x-translatable")}
    covered_props = {path.rsplit(".", 1)[-1] for path in found}
    assert {prop for _, prop in marked} <= covered_props
    assert len(marked) >= 15
    assert {
        "title", "description", "scenes.yard.title", "scenes.yard.narration.text",
        "scenes.yard.hotspots.crusher.text", "scenes.yard.hotspots.crusher.narration.text",
        "scenes.yard.hotspots.clip.caption", "scenes.yard.hotspots.listen.title",
        "quizzes.final.questions.q1.choices.yes.feedback", "quizzes.final.questions.q1.feedback.wrong",
        "quizzes.final.questions.q1.narration.text", "quizzes.final.questions.find.places.in.text",
        "quizzes.final.questions.steps.items.mill.text", "quizzes.final.questions.pic.choices.b.text",
    } <= set(found)
    rich = [text.path for text in all_texts(tour) if text.rich]
    assert rich == ["scenes.yard.hotspots.crusher.text"]


def test_paths_are_stable_when_things_are_reordered(tour):
    doc = full_document()
    doc["scenes"]["yard"]["hotspots"].reverse()
    doc["quizzes"]["final"]["questions"].reverse()
    doc["quizzes"]["final"]["questions"][-1]["choices"].reverse()
    reordered = load_tour(doc)
    assert {t.path: t.texts for t in all_texts(reordered)} == {t.path: t.texts for t in all_texts(tour)}
    text = next(t for t in all_texts(tour) if t.path == "quizzes.final.questions.q1.choices.yes.text")
    assert (text.group, text.crumbs, text.field) == (
        "quizzes.final", [("questions", "q1"), ("choices", "yes")], "text")


def test_set_texts_makes_a_validated_copy_and_refuses_unknown_paths_and_languages(tour):
    changed = set_texts(tour, [("scenes.yard.hotspots.clip.caption", "en", "New caption"),
                               ("quizzes.final.questions.q1.choices.no.text", "en", ""),
                               ("scenes.yard.hotspots.crusher.text", "en", "<p>Hi <script>x()</script></p>")])
    texts = {t.path: t.texts for t in all_texts(changed)}
    assert texts["scenes.yard.hotspots.clip.caption"]["en"] == "New caption"
    assert "en" not in texts["quizzes.final.questions.q1.choices.no.text"]  # an empty text removes it
    assert texts["scenes.yard.hotspots.crusher.text"]["en"] == "<p>Hi </p>"  # the model sanitises rich text
    assert tour.scenes["yard"].hotspots[2].caption["en"] == "A caption"       # the original is untouched
    with pytest.raises(TranslationError) as refused:
        set_texts(tour, [("scenes.nowhere.title", "en", "x"), ("title", "fr", "Titre")])
    assert [(p.path, p.code) for p in refused.value.problems] == [
        ("scenes.nowhere.title", "unknown_path"), ("title", "unknown_language")]
    with pytest.raises(TranslationError) as invalid:
        set_texts(tour, [("title", "en", "bad \x01 character")])
    assert invalid.value.problems[0].code == "invalid_document"


def test_missing_texts_and_languages_mongolian_first():
    doc = full_document()
    doc["languages"] = ["en", "mn"]
    del doc["scenes"]["hall"]["title"]["en"]
    tour = load_tour(doc)
    assert ordered_languages(tour) == ["mn", "en"]
    missing = {t.path: t.missing(ordered_languages(tour)) for t in list_texts(tour) if t.missing(tour.languages)}
    assert missing == {"scenes.hall.title": ["en"]}


# --- XLIFF --------------------------------------------------------------------------------

def structure_problems(data: bytes) -> list[str]:
    """What the XLIFF 1.2 schema (xliff-core-1.2-strict.xsd; no package ships it) would say about the
    parts of it we write: element order and nesting, required attributes, enumerations, ids."""
    root = etree.fromstring(data)
    q = lambda name: f"{{{NS}}}{name}"  # noqa: E731
    problems = []
    if root.tag != q("xliff") or root.get("version") != "1.2":
        problems.append("root must be xliff version 1.2")
    for file_ in root:
        for attribute in ("original", "source-language", "datatype"):
            if not file_.get(attribute):
                problems.append(f"file without {attribute}")
        if [etree.QName(c).localname for c in file_] != ["header", "body"]:
            problems.append("file must hold header then body")
    allowed_children = {
        "header": {"tool", "note"}, "body": {"group", "trans-unit"}, "group": {"note", "group", "trans-unit"},
        "trans-unit": {"source", "target", "note"}, "source": {"g", "x"}, "target": {"g", "x"}, "g": {"g", "x"},
        "x": set(), "note": set(), "tool": set()}
    unit_ids, inline_ctypes = [], {"bold", "italic", "link", "lb"}
    for element in root.iter():
        if not isinstance(element.tag, str) or element is root or element.getparent() is root:
            continue
        name = etree.QName(element).localname
        if etree.QName(element).namespace != NS:
            problems.append(f"foreign element {element.tag}")
            continue
        extra = {etree.QName(c).localname for c in element if isinstance(c.tag, str)} - allowed_children.get(name, set())
        if extra:
            problems.append(f"<{name}> may not hold {sorted(extra)}")
        if name == "trans-unit":
            unit_ids.append(element.get("id"))
            order = [etree.QName(c).localname for c in element]
            if order[0] != "source" or order != sorted(order, key=["source", "target", "note"].index):
                problems.append(f"trans-unit {element.get('id')}: children out of order {order}")
            if element.get("{http://www.w3.org/XML/1998/namespace}space") not in (None, "preserve", "default"):
                problems.append("bad xml:space")
        if name == "group" and not element.findall(f".//{q('trans-unit')}"):
            problems.append("empty group")
        if name == "target" and element.get("state") not in (None, "final", "needs-adaptation", "needs-l10n",
                                                             "needs-review-adaptation", "needs-review-l10n",
                                                             "needs-review-translation", "needs-translation",
                                                             "new", "signed-off", "translated"):
            problems.append(f"bad state {element.get('state')}")
        if name in ("g", "x"):
            ctype = element.get("ctype")
            if not element.get("id") or not (ctype in inline_ctypes or ctype.startswith("x-")):
                problems.append(f"<{name}> needs an id and a ctype of the spec or x-…, has {ctype}")
        if name == "tool" and not (element.get("tool-id") and element.get("tool-name")):
            problems.append("tool needs tool-id and tool-name")
        if name == "note" and len(element):
            problems.append("a note holds text only")
    if len(unit_ids) != len(set(unit_ids)) or None in unit_ids:
        problems.append("trans-unit ids must be present and unique")
    return problems


def fill_targets(data: bytes, fill) -> bytes:
    """The file with each unit's target made by ``fill(unit_id, source_element) -> target element``."""
    root = etree.fromstring(data)
    for unit in root.iter(f"{{{NS}}}trans-unit"):
        old = unit.find(f"{{{NS}}}target")
        made = fill(unit.get("id"), unit.find(f"{{{NS}}}source"))
        if made is None:
            continue
        if old is not None:
            unit.replace(old, made)
        else:
            unit.find(f"{{{NS}}}source").addnext(made)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def target_like(source, text_of=lambda s: s.upper()):
    """A target with the source's codes and its words changed."""
    target = copy.deepcopy(source)
    target.tag = f"{{{NS}}}target"
    for element in target.iter():
        if element.text:
            element.text = text_of(element.text)
        if element is not target and element.tail:
            element.tail = text_of(element.tail)
    return target


def test_the_written_file_is_xliff_1_2_with_inline_codes_for_rich_text(tour):
    data = write_xliff(tour, "mn", "en", revision=7)
    assert structure_problems(data) == []
    root = etree.fromstring(data)
    file_ = root.find("x:file", X)
    assert (file_.get("source-language"), file_.get("target-language"), file_.get("original")) == ("mn", "en", "tours/tiny")
    ids = [unit.get("id") for unit in root.iterfind(".//x:trans-unit", X)]
    assert ids == [t.path for t in list_texts(tour) if t.has("mn")]
    rich = root.find(".//x:trans-unit[@id='scenes.yard.hotspots.crusher.text']", X)
    source = rich.find("x:source", X)
    assert [(etree.QName(e).localname, e.get("ctype")) for e in source.iter() if e is not source] == [
        ("g", "x-html-p"), ("g", "bold"), ("g", "italic"), ("g", "x-html-p"), ("g", "link"), ("x", "lb"),
        ("g", "x-html-ul"), ("g", "x-html-li"), ("g", "x-html-li")]
    assert "".join(source.itertext()).startswith("Wear бээлий and boots.")
    assert "<" not in "".join(source.itertext())  # the translator sees words, not markup
    assert "https://example.org/safety" in rich.find("x:note", X).text
    assert rich.find("x:target", X).get("state") == "translated"


def test_round_trip_export_fill_targets_import_changes_the_texts(tour):
    doc = dump_tour(tour)
    del doc["scenes"]["hall"]["title"]["en"]
    del doc["scenes"]["yard"]["hotspots"][1]["text"]["en"]
    tour = load_tour(doc)
    data = write_xliff(tour, "mn", "en")
    units = {u.get("id"): u for u in etree.fromstring(data).iterfind(".//x:trans-unit", X)}
    assert units["scenes.hall.title"].find("x:target", X) is None  # missing: no target yet

    def fill(unit_id, source):
        if unit_id == "scenes.hall.title":
            target = etree.Element(f"{{{NS}}}target")
            target.text = "The hall"
            return target
        if unit_id == "scenes.yard.hotspots.crusher.text":
            # Words translated, codes moved: the bold now comes after the italic, the link code kept.
            target = target_like(source, lambda s: s.replace("бээлий", "GLOVES"))
            first = target[0]
            bold, italic = copy.deepcopy(first[0]), copy.deepcopy(first[1])
            bold.tail, italic.tail = italic.tail, bold.tail
            first[0], first[1] = italic, bold
            return target
        return None

    report = read_xliff(tour, fill_targets(data, fill))
    assert report.changed == 2
    statuses = {u.path: u.status for u in report.units}
    assert statuses["scenes.hall.title"] == statuses["scenes.yard.hotspots.crusher.text"] == "changed"
    assert statuses["title"] == "unchanged"
    texts = {t.path: t.texts for t in all_texts(report.tour)}
    assert texts["scenes.hall.title"]["en"] == "The hall"
    html = texts["scenes.yard.hotspots.crusher.text"]["en"]
    assert html.startswith("<p>Wear <em>boots</em> and <strong>GLOVES</strong>.</p>")
    assert '<a href="https://example.org/safety">the rules</a><br>first.' in html
    assert html.endswith("<ul><li>one</li><li>two</li></ul>")


def test_a_changed_source_text_refuses_its_unit_and_nothing_is_applied(tour):
    data = write_xliff(tour, "mn", "en")
    filled = fill_targets(data, lambda unit_id, source: target_like(source))
    newer = set_texts(tour, [("scenes.hall.title", "mn", "Шинэ танхим")])
    with pytest.raises(TranslationError) as refused:
        read_xliff(newer, filled)
    assert [(p.path, p.code) for p in refused.value.problems] == [("scenes.hall.title", "stale_source")]
    assert "changed since this file was made" in refused.value.problems[0].message
    # Spaces evened out by a tool are not a change.
    relaxed = data.replace(b">\xd0\xa5\xd0\xb0\xd1\x88\xd0\xb0\xd0\xb0<", " Хашаа  ".encode().join([b">", b"<"]))
    assert read_xliff(tour, relaxed).changed == 0


def hostile(tour, **changes) -> bytes:
    data = write_xliff(tour, "mn", "en")
    for old, new in changes.items():
        data = data.replace(old.encode(), new.encode())
    return data


@pytest.mark.parametrize("make, code, status", [
    (lambda t: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
               b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">&e;</xliff>', "doctype", 422),
    (lambda t: ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 or "")) * 10}">' for i in range(1, 10))
                + ']><xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">&lol9;</xliff>').encode(),
     "malformed", 422),
    (lambda t: hostile(t, **{'target-language="en"': 'target-language="fr"'}), "wrong_language", 422),
    (lambda t: hostile(t, **{'id="scenes.hall.title"': 'id="scenes.attic.title"'}), None, 422),
    (lambda t: hostile(t, **{'original="tours/tiny"': 'original="tours/other"'}), "wrong_tour", 422),
    (lambda t: hostile(t, **{NS: "urn:oasis:names:tc:xliff:document:2.0"}), "version", 422),
    (lambda t: b"<xliff" + b" " * MAX_XLIFF_BYTES + b"/>", "too_large", 413),
    (lambda t: b"\xff\xd8\xff\xe0 a JPEG", "not_xml", 415),
    (lambda t: b"<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'><file", "malformed", 422),
])
def test_hostile_and_wrong_files_are_refused_with_a_clear_message(tour, make, code, status):
    with pytest.raises(TranslationError) as refused:
        read_xliff(tour, make(tour))
    problem = refused.value.problems[0]
    assert refused.value.status == status
    if code is None:  # the unknown path: reported on its unit
        assert (problem.path, problem.code) == ("scenes.attic.title", "unknown_path")
    else:
        assert problem.code == code, problem
    assert len(problem.message) > 30 and ":" in problem.message


def test_a_target_cannot_bring_markup_of_its_own(tour):
    data = write_xliff(tour, "mn", "en")

    def fill(unit_id, source):
        if unit_id != "scenes.yard.hotspots.crusher.text":
            return None
        target = target_like(source)
        etree.SubElement(target, f"{{{NS}}}g", id="99", ctype="link").text = "click"
        return target

    with pytest.raises(TranslationError) as refused:
        read_xliff(tour, fill_targets(data, fill))
    assert refused.value.problems[0].code == "bad_markup"
    plain = fill_targets(data, lambda unit_id, source: (
        etree.fromstring(f'<target xmlns="{NS}">x<g id="1" ctype="bold">y</g></target>')
        if unit_id == "title" else None))
    with pytest.raises(TranslationError) as refused:
        read_xliff(tour, plain)
    assert [(p.path, p.code) for p in refused.value.problems] == [("title", "bad_markup")]
    # Escaped markup typed into a plain text stays text (the player shows it as typed).
    typed = fill_targets(data, lambda unit_id, source: (
        etree.fromstring(f'<target xmlns="{NS}">&lt;b&gt;Tiny&lt;/b&gt;</target>') if unit_id == "title" else None))
    assert {t.path: t.texts for t in all_texts(read_xliff(tour, typed).tour)}["title"]["en"] == "<b>Tiny</b>"


# --- the page and the API over a real store ----------------------------------------------

@pytest.fixture
def author(tiny_app):
    user = make_user(tiny_app, "tuya", "author", language="en")
    tiny_app.extensions["tourbuilder.accounts"].share("tiny", user.id)
    client = tiny_app.test_client()
    sign_in(client, "tuya")
    return client


def store_of(app):
    return app.extensions["tourbuilder.store"]


def latest(app) -> int:
    return store_of(app).revisions("tiny")[-1].number


def test_the_page_lists_texts_side_by_side_and_saves_only_what_changed(tiny_app, author):
    store = store_of(tiny_app)
    tour = store.get_tour("tiny")
    doc = dump_tour(tour)
    del doc["scenes"]["hall"]["title"]["en"]
    store.save_tour(load_tour(doc), author="test")
    base = latest(tiny_app)
    page = author.get("/tours/tiny/translations").get_data(as_text=True)
    assert page.index('data-lang="mn"') < page.index('data-lang="en"')
    assert 'id="missing-' in page and "Missing" in page
    assert re.search(r'aria-describedby="missing-\d+-en"', page)
    only = author.get("/tours/tiny/translations?missing=1").get_data(as_text=True)
    assert only.count("<tr data-path") == 1 and 'data-path="scenes.hall.title"' in only
    response = author.post("/tours/tiny/translations", data={
        "revision": str(base), "text:scenes.hall.title:en": "The hall", "text:scenes.hall.title:mn": "Танхим",
        "text:title:en": "Tiny tour"})
    assert response.status_code == 302
    assert latest(tiny_app) == base + 1
    assert store.get_tour("tiny").scenes["hall"].title == {"mn": "Танхим", "en": "The hall"}


def test_a_stale_save_is_a_conflict_that_keeps_what_was_typed(tiny_app, author):
    base = latest(tiny_app)
    store = store_of(tiny_app)
    store.save_tour(set_texts(store.get_tour("tiny"), [("title", "en", "Renamed meanwhile")]), author="other")
    response = author.post("/tours/tiny/translations", data={
        "revision": str(base), "text:scenes.yard.title:en": "My typed yard"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this tour" in page and "My typed yard" in page and "Renamed meanwhile" in page
    assert f'name="revision" value="{base + 1}"' in page
    assert latest(tiny_app) == base + 1 and store.get_tour("tiny").scenes["yard"].title["en"] == "Yard"


def test_the_api_lists_exports_and_imports_with_if_match(tiny_app, author):
    listing = author.get("/api/tours/tiny/translations")
    assert listing.status_code == 200 and listing.headers["ETag"] == f'"{latest(tiny_app)}"'
    body = listing.get_json()
    assert body["languages"] == ["mn", "en"]
    assert {"path": "scenes.yard.title", "translatable": {"mn": "Хашаа", "en": "Yard"}, "missing": [],
            "rich": False, "group": "scenes.yard"} in body["texts"]
    download = author.get("/api/tours/tiny/translations.xliff?source=mn&target=en")
    assert download.status_code == 200 and download.mimetype == "application/x-xliff+xml"
    assert "attachment" in download.headers["Content-Disposition"]
    assert author.get("/api/tours/tiny/translations.xliff?source=mn&target=mn").status_code == 400
    filled = fill_targets(download.data, lambda unit_id, source: target_like(source, lambda s: s + "!"))

    def upload(data, **headers):
        return author.post("/api/tours/tiny/translations.xliff", headers=headers,
                           data={"file": (io.BytesIO(data), "tiny.xlf")}, content_type="multipart/form-data")

    assert upload(filled).status_code == 428
    store = store_of(tiny_app)
    store.save_tour(set_texts(store.get_tour("tiny"), [("description", "en", "Another revision")]), author="t")
    base = latest(tiny_app)
    bad = upload(hostile(store_of(tiny_app).get_tour("tiny"), **{'target-language="en"': 'target-language="de"'}),
                 **{"If-Match": f'"{base}"'})
    assert bad.status_code == 422 and bad.get_json()["error"]["problems"][0]["message"]
    assert latest(tiny_app) == base  # nothing changed
    stale = upload(filled, **{"If-Match": f'"{base - 1}"'})
    assert stale.status_code == 409 and latest(tiny_app) == base
    done = upload(filled, **{"If-Match": f'"{base}"'})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["revision"] == base + 1 and done.get_json()["changed"] > 5
    assert store_of(tiny_app).get_tour("tiny").scenes["yard"].title["en"] == "Хашаа!"
    again = upload(filled, **{"If-Match": f'"{base}"'})
    assert again.status_code == 409 and again.get_json()["current"]["revision"] == base + 1


def test_a_reviewer_sees_the_page_read_only_and_cannot_save(tiny_app):
    user = make_user(tiny_app, "saraa", "reviewer")
    tiny_app.extensions["tourbuilder.accounts"].share("tiny", user.id)
    client = tiny_app.test_client()
    sign_in(client, "saraa")
    page = client.get("/tours/tiny/translations").get_data(as_text=True)
    assert "readonly" in page and "Save the translations" not in page and "Upload and apply" not in page
    assert client.post("/tours/tiny/translations", data={"revision": "1"}).status_code == 403
