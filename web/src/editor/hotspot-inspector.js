/**
 * The hotspot panel of the inspector: add a hotspot (choose its kind, then click the panorama or
 * add it at the centre of the view), and edit the chosen one: kind, titles (Mongolian and
 * English side by side), place, and what it opens (scene link, rich text and picture, media file,
 * quiz, narration); delete it.
 * @module editor/hotspot-inspector
 */
import { button, clear, el, field, localText, textLanguages, uniqueId } from "./dom.js";
import { createRichText } from "./rich-text.js";
import { EDITOR_STRINGS } from "./strings.js";

export const KINDS = ["info", "scene", "media", "quiz", "narration"];
const MEDIA_ACCEPT = "image/*,video/*,audio/*";

/** An unused hotspot id in a scene: `<kind>-1`, `<kind>-2`, … */
export function freeHotspotId(scene, kind) {
  const used = new Set(((scene && scene.hotspots) || []).map((h) => h.id));
  for (let n = 1; ; n += 1) if (!used.has(`${kind}-${n}`)) return `${kind}-${n}`;
}

/**
 * The title a scene link takes from the scene it leads to (every hotspot needs a title: the check
 * refuses an untitled one, and learners hear it).
 */
export function linkTitle(doc, target) {
  const title = {};
  const scene = doc.scenes[target];
  for (const lang of doc.languages || ["mn"]) {
    const text = scene && scene.title && scene.title[lang];
    if (text) title[lang] = text;
  }
  return title;
}

/** Whether a link's title is still the one it took from `target` (not one of the author's own). */
function titleFollows(doc, spot, target) {
  const own = spot.title || {};
  const taken = linkTitle(doc, target);
  const keys = Object.keys(own).filter((lang) => own[lang]);
  return !keys.length || (keys.length === Object.keys(taken).length && keys.every((lang) => own[lang] === taken[lang]));
}

/** A new hotspot of a kind at a place (titles: the kind's name in each tour language; a link's: its scene's). */
export function newHotspot(doc, sceneId, kind, at, extra) {
  const scene = doc.scenes[sceneId];
  let title = {};
  for (const lang of doc.languages || ["mn"]) {
    const table = EDITOR_STRINGS[lang] || EDITOR_STRINGS.en;
    if (kind !== "scene") title[lang] = table[`kindTitle_${kind}`];
  }
  const target = kind === "scene" ? Object.keys(doc.scenes).find((id) => id !== sceneId) || sceneId : null;
  if (kind === "scene") title = linkTitle(doc, target);
  const spot = { id: freeHotspotId(scene, kind), kind, yaw: at.yaw, pitch: at.pitch, title };
  if (kind === "scene") spot.target = target;
  if (kind === "info") spot.text = {};
  if (kind === "quiz") spot.quiz = Object.keys(doc.quizzes || {})[0];
  if (kind === "media") spot.media = extra && extra.media;
  return spot;
}

/** Make a hotspot another kind, keeping its id, place, titles and narration. */
function convert(doc, spot, kind) {
  const out = { id: spot.id, kind, yaw: spot.yaw, pitch: spot.pitch, title: spot.title || {} };
  if (spot.narration && kind !== "narration") out.narration = spot.narration;
  const fresh = newHotspot(doc, Object.keys(doc.scenes)[0], kind, spot, { media: spot.media || spot.image });
  if (!Object.values(out.title).some(Boolean)) out.title = fresh.title;
  for (const key of ["target", "text", "quiz", "media"]) if (fresh[key] !== undefined) out[key] = fresh[key];
  if (kind === "info" && spot.image) out.image = spot.image;
  if (kind === "media" && !out.media) return null;
  return out;
}

/**
 * Mount the hotspot panel.
 * @param {import("./state.js").EditorState} state
 * @param {HTMLElement} element
 * @param {{t: function, api: Object, viewer: import("../player/edit-mode.js").EditMode, language: string}} context
 */
export function mount(state, element, context) {
  const { t, api, viewer } = context;
  const tourPath = `/tours/${encodeURIComponent(state.tourId)}`;
  let placing = false;
  let newKind = "info";
  let pendingMedia = null; // {key, info} of a file uploaded for a new media hotspot
  let ownChange = false;

  const status = el("p", { class: "tbe-hint", role: "status", "aria-live": "polite" });
  const addBox = el("section", { class: "tbe-box", "aria-labelledby": "tbe-add-heading" });
  const listBox = el("section", { class: "tbe-box", "aria-labelledby": "tbe-spots-heading" });
  const editBox = el("section", { class: "tbe-box tbe-hotspot-form", "aria-labelledby": "tbe-edit-heading" });
  element.append(addBox, status, listBox, editBox);

  const scene = () => state.document && state.document.scenes[state.selection.scene];
  const spotOf = (id) => ((scene() && scene().hotspots) || []).find((h) => h.id === id) || null;

  /** Change the document from this panel without redrawing the field being typed in. */
  function edit(label, mutate, redraw) {
    ownChange = !redraw;
    try {
      state.change(label, mutate);
    } finally {
      ownChange = false;
    }
  }

  function editSpot(label, id, mutate, redraw) {
    const sceneId = state.selection.scene;
    edit(label, (d) => {
      const spot = (d.scenes[sceneId].hotspots || []).find((h) => h.id === id);
      if (spot) mutate(spot, d);
    }, redraw);
  }

  async function uploadMedia(file, progress) {
    const form = new FormData();
    form.append("file", file);
    const { body } = await api.upload(`${tourPath}/media`, form, progress);
    return body;
  }

  function place(at) {
    const sceneId = state.selection.scene;
    if (!sceneId) return;
    let id = null;
    edit(`add ${newKind} hotspot`, (d) => {
      const spot = newHotspot(d, sceneId, newKind, at, pendingMedia ? { media: pendingMedia.key } : null);
      if (pendingMedia) {
        d.media = d.media || {};
        d.media[pendingMedia.key] = pendingMedia.info;
      }
      d.scenes[sceneId].hotspots = (d.scenes[sceneId].hotspots || []).concat([spot]);
      id = spot.id;
    }, true);
    setPlacing(false);
    if (newKind === "media") pendingMedia = null;
    status.textContent = t("hotspotAdded");
    state.select({ scene: sceneId, hotspot: id });
  }

  function setPlacing(on) {
    placing = on;
    element.closest(".tbe-editor") && element.closest(".tbe-editor").classList.toggle("tbe-editor--placing", on);
    const toggle = addBox.querySelector("[data-action=place]");
    if (toggle) toggle.setAttribute("aria-pressed", String(on));
    status.textContent = on ? t("placeHelp") : "";
  }

  viewer.on("panoramaclick", (e) => {
    if (placing) place(e);
  });
  viewer.on("hotspotselect", (e) => {
    state.select({ scene: state.selection.scene, hotspot: e.id });
    const heading = editBox.querySelector("h3");
    if (heading) heading.focus();
  });
  viewer.on("hotspotmove", (e) => {
    editSpot("move hotspot", e.id, (spot) => {
      spot.yaw = e.yaw;
      spot.pitch = e.pitch;
    }, false);
    if (state.selection.hotspot !== e.id) state.select({ scene: state.selection.scene, hotspot: e.id });
    else renderEdit(); // the numbers follow
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && placing) setPlacing(false);
  });

  // ---- add -----------------------------------------------------------------

  function renderAdd() {
    clear(addBox);
    const doc = state.document;
    const name = `tbe-kind-${uniqueId("k")}`;
    const noQuiz = !Object.keys(doc.quizzes || {}).length;
    const radios = KINDS.map((kind) => {
      const input = el("input", { type: "radio", name, value: kind, id: `${name}-${kind}`, checked: kind === newKind, disabled: kind === "quiz" && noQuiz });
      input.addEventListener("change", () => {
        newKind = kind;
        renderAdd();
      });
      return el("div", { class: "tbe-radio" }, [input, el("label", { for: input.id, text: t(`kind_${kind}`) })]);
    });
    const children = [
      el("h3", { id: "tbe-add-heading", text: t("addHotspot") }),
      el("fieldset", { class: "tbe-kinds" }, [el("legend", { text: t("kind") })].concat(radios)),
    ];
    if (noQuiz) children.push(el("p", { class: "tbe-hint", text: t("noQuizYet") }));
    let ready = true;
    if (newKind === "media") {
      const file = el("input", { type: "file", accept: MEDIA_ACCEPT, "data-role": "new-media-file" });
      const bar = el("progress", { max: "100", value: "0", hidden: true, "aria-label": t("uploadingFile") });
      file.addEventListener("change", async () => {
        if (!file.files.length) return;
        bar.hidden = false;
        try {
          pendingMedia = await uploadMedia(file.files[0], (f) => { bar.value = Math.round(f * 100); });
          status.textContent = t("fileReady", { name: pendingMedia.key });
        } catch (err) {
          status.textContent = t("fileFailed", { reason: err.message });
        }
        renderAdd();
      });
      children.push(field(t("mediaFileNew"), file, { hint: pendingMedia ? t("fileReady", { name: pendingMedia.key }) : t("mediaFileHint") }), bar);
      ready = !!pendingMedia;
    }
    const toggle = button(t("placeByClick"), () => setPlacing(!placing), "tbe-button--primary", { "aria-pressed": String(placing), "data-action": "place", disabled: !ready });
    const centre = button(t("addAtCentre"), () => place(viewer.getView()), "", { "data-action": "add-centre", disabled: !ready });
    children.push(el("div", { class: "tbe-row" }, [toggle, centre]));
    addBox.append(...children);
  }

  // ---- list of the scene's hotspots --------------------------------------------

  function renderList() {
    clear(listBox);
    const spots = (scene() && scene().hotspots) || [];
    listBox.appendChild(el("h3", { id: "tbe-spots-heading", text: t("hotspotsHere", { n: spots.length }) }));
    const list = el("ul", { class: "tbe-spots" });
    for (const spot of spots) {
      const label = `${t(`kind_${spot.kind}`)}: ${spotTitle(spot)}`;
      list.appendChild(el("li", {}, [button(label, () => {
        state.select({ scene: state.selection.scene, hotspot: spot.id });
        viewer.setView({ yaw: spot.yaw, pitch: spot.pitch });
      }, "tbe-spot", { "aria-current": state.selection.hotspot === spot.id ? "true" : null, "data-hotspot": spot.id })]));
    }
    listBox.appendChild(list);
  }

  function spotTitle(spot) {
    const own = localText(spot.title, context.language);
    if (own || spot.kind !== "scene") return own || spot.id;
    const target = state.document.scenes[spot.target];
    return target ? localText(target.title, context.language) : spot.id;
  }

  // ---- the chosen hotspot ----------------------------------------------------

  function textInputs(spot, key, labelKey, langs) {
    const inputs = langs.map((lang) => {
      const input = el("input", { type: "text", class: "tbe-input", lang, value: (spot[key] && spot[key][lang]) || "", "data-key": `${key}-${lang}` });
      input.addEventListener("input", () => editSpot(`edit ${key}`, spot.id, (s) => {
        s[key] = Object.assign({}, s[key] || {});
        if (input.value) s[key][lang] = input.value;
        else delete s[key][lang];
      }));
      return field(t(labelKey, { language: t(`language_${lang}`) }), input);
    });
    return el("div", { class: "tbe-pair" }, inputs);
  }

  function mediaPicker(spot, key, labelKey, optional) {
    const file = el("input", { type: "file", accept: key === "image" ? "image/*" : MEDIA_ACCEPT, "data-key": `${key}-file` });
    const bar = el("progress", { max: "100", value: "0", hidden: true, "aria-label": t("uploadingFile") });
    const problem = el("p", { class: "tbe-problem", role: "alert" });
    file.addEventListener("change", async () => {
      if (!file.files.length) return;
      bar.hidden = false;
      try {
        const stored = await uploadMedia(file.files[0], (f) => { bar.value = Math.round(f * 100); });
        editSpot(`set ${key}`, spot.id, (s, d) => {
          d.media = d.media || {};
          d.media[stored.key] = stored.info;
          s[key] = stored.key;
        }, true);
      } catch (err) {
        problem.textContent = t("fileFailed", { reason: err.message });
        bar.hidden = true;
      }
    });
    const parts = [field(t(labelKey), file, { hint: spot[key] ? t("currentFile", { name: spot[key] }) : t("noFile") }), bar, problem];
    if (optional && spot[key]) {
      parts.push(button(t("removePicture"), () => editSpot(`remove ${key}`, spot.id, (s) => { delete s[key]; }, true)));
    }
    return el("div", { class: "tbe-media-picker" }, parts);
  }

  function renderEdit() {
    const focusKey = document.activeElement && editBox.contains(document.activeElement) ? document.activeElement.getAttribute("data-key") : null;
    clear(editBox);
    const spot = spotOf(state.selection.hotspot);
    if (!spot) {
      editBox.append(el("h3", { id: "tbe-edit-heading", tabindex: "-1", text: t("noHotspotChosen") }), el("p", { class: "tbe-hint", text: t("chooseHotspotHelp") }));
      return;
    }
    const doc = state.document;
    const langs = textLanguages(doc);
    const kind = el("select", { class: "tbe-input", "data-key": "kind" }, KINDS.map((k) => el("option", { value: k, text: t(`kind_${k}`), selected: k === spot.kind })));
    kind.addEventListener("change", () => {
      const converted = convert(doc, spot, kind.value);
      if (!converted) {
        status.textContent = t("mediaNeedsFile");
        kind.value = spot.kind;
        return;
      }
      editSpot("change hotspot kind", spot.id, (s) => {
        for (const k of Object.keys(s)) delete s[k];
        Object.assign(s, converted);
      }, true);
    });
    const number = (key, min, max) => {
      const input = el("input", { type: "number", class: "tbe-input tbe-input--number", step: "0.1", min, max, value: String(spot[key]), "data-key": key });
      input.addEventListener("change", () => {
        const value = Number(input.value);
        if (!Number.isFinite(value) || value < min || value > max) {
          input.setAttribute("aria-invalid", "true");
          status.textContent = t("angleRange", { min, max });
          return;
        }
        input.removeAttribute("aria-invalid");
        editSpot("move hotspot", spot.id, (s) => { s[key] = value; });
      });
      return field(t(key), input);
    };
    const parts = [
      el("h3", { id: "tbe-edit-heading", tabindex: "-1", text: t("editingHotspot", { title: spotTitle(spot) }) }),
      field(t("kind"), kind),
      textInputs(spot, "title", "titleIn", langs),
      el("div", { class: "tbe-pair" }, [number("yaw", -180, 180), number("pitch", -90, 90)]),
      button(t("moveToCentre"), () => {
        const view = viewer.getView();
        editSpot("move hotspot", spot.id, (s) => { s.yaw = view.yaw; s.pitch = view.pitch; }, true);
      }, "", { "data-key": "to-centre" }),
    ];
    if (spot.kind === "scene") {
      const target = el("select", { class: "tbe-input", "data-key": "target" }, Object.keys(doc.scenes).map((id) =>
        el("option", { value: id, text: localText(doc.scenes[id].title, context.language) || id, selected: id === spot.target })));
      target.addEventListener("change", () => editSpot("link target", spot.id, (s, d) => {
        if (titleFollows(d, s, s.target)) s.title = linkTitle(d, target.value); // else keep the author's own title
        s.target = target.value;
      }, true));
      const arrival = el("select", { class: "tbe-input", "data-key": "arrival" }, [
        el("option", { value: "", text: t("arrivalInitial"), selected: spot.arrival !== "keep_heading" }),
        el("option", { value: "keep_heading", text: t("arrivalKeep"), selected: spot.arrival === "keep_heading" }),
      ]);
      arrival.addEventListener("change", () => editSpot("link arrival", spot.id, (s) => {
        if (arrival.value) s.arrival = arrival.value;
        else delete s.arrival;
      }, true));
      parts.push(field(t("linkTarget"), target), field(t("arrival"), arrival));
    } else if (spot.kind === "info") {
      const texts = langs.map((lang) => createRichText({
        label: t("textIn", { language: t(`language_${lang}`) }),
        toolsLabel: t("formattingOf", { language: t(`language_${lang}`) }),
        lang,
        key: `text-${lang}`,
        value: (spot.text && spot.text[lang]) || "",
        t,
        onProblem: (message) => { status.textContent = message; },
        onChange: (html) => editSpot("edit text", spot.id, (s) => {
          s.text = Object.assign({}, s.text || {});
          if (html) s.text[lang] = html;
          else delete s.text[lang];
        }),
      }).element);
      parts.push(el("div", { class: "tbe-pair tbe-pair--rich" }, texts), mediaPicker(spot, "image", "picture", true));
    } else if (spot.kind === "media") {
      parts.push(mediaPicker(spot, "media", "mediaFile", false), textInputs(spot, "caption", "captionIn", langs));
    } else if (spot.kind === "quiz") {
      const quizzes = Object.keys(doc.quizzes || {});
      const quiz = el("select", { class: "tbe-input", "data-key": "quiz" }, quizzes.map((id) =>
        el("option", { value: id, text: localText(doc.quizzes[id].title, context.language) || id, selected: id === spot.quiz })));
      quiz.addEventListener("change", () => editSpot("hotspot quiz", spot.id, (s) => { s.quiz = quiz.value; }, true));
      parts.push(quizzes.length ? field(t("quiz"), quiz) : el("p", { class: "tbe-hint", text: t("noQuizYet") }));
    } else if (spot.kind === "narration") {
      parts.push(el("p", { class: "tbe-hint", text: t("narrationHotspotHelp") }));
    }
    parts.push(button(t("deleteHotspot"), () => {
      const sceneId = state.selection.scene;
      edit("delete hotspot", (d) => {
        d.scenes[sceneId].hotspots = (d.scenes[sceneId].hotspots || []).filter((h) => h.id !== spot.id);
      }, true);
      state.select({ scene: sceneId });
      status.textContent = t("hotspotDeleted");
    }, "tbe-button--danger", { "data-key": "delete" }));
    editBox.append(...parts);
    if (focusKey) {
      const again = editBox.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
      if (again) again.focus();
    }
  }

  function render() {
    if (!state.document) return;
    renderAdd();
    renderList();
    renderEdit();
  }

  state.on("change", () => {
    viewer.select(state.selection.hotspot || null);
    if (ownChange) {
      renderList();
      return;
    }
    render();
  });
  state.on("select", () => {
    viewer.select(state.selection.hotspot || null);
    render();
  });
  render();
  return { render, setPlacing, place };
}
