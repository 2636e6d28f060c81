/**
 * The list of scenes (left): choose a scene, reorder by drag or by the Up/Down buttons, make one
 * the start, delete one; add scenes by dropping panoramas (or choosing files): each upload shows
 * its bytes sent, then the processing job's progress, then becomes a scene of the document.
 * @module editor/scene-list
 */
import { button, clear, el, field, localText, openDialog, uniqueId } from "./dom.js";

const ACCEPT = "image/jpeg,image/png,image/webp,image/tiff";
/** The grey photo of a new tour's first scene (tourbuilder/app/tour_service.py), there until a real one comes. */
const PLACEHOLDER = "media/placeholder.jpg";

/** The id of a new tour's untouched placeholder scene (the only scene, grey, nothing on it), else null. */
export function untouchedPlaceholder(doc) {
  const ids = Object.keys(doc.scenes);
  if (ids.length !== 1) return null;
  const scene = doc.scenes[ids[0]];
  const empty = scene.panorama === PLACEHOLDER && !(scene.hotspots || []).length && !scene.narration;
  return empty ? ids[0] : null;
}

/** Move `id` to `index` in an object's key order (scenes are shown in key order). */
export function reorderScenes(scenes, id, index) {
  const ids = Object.keys(scenes).filter((k) => k !== id);
  ids.splice(Math.max(0, Math.min(index, ids.length)), 0, id);
  const out = {};
  for (const k of ids) out[k] = scenes[k];
  return out;
}

/** An id not yet used by a scene: `base`, `base-2`, … */
export function freeSceneId(scenes, base) {
  const clean = String(base || "scene").toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^[^a-z0-9]+/, "").slice(0, 56) || "scene";
  if (!scenes[clean]) return clean;
  for (let n = 2; ; n += 1) if (!scenes[`${clean}-${n}`]) return `${clean}-${n}`;
}

/**
 * Mount the scene list.
 * @param {import("./state.js").EditorState} state
 * @param {HTMLElement} element
 * @param {{t: function, api: Object, language: string}} context
 */
export function mount(state, element, context) {
  const { t, api } = context;
  const tourPath = `/tours/${encodeURIComponent(state.tourId)}`;
  const headingId = uniqueId("scenes");
  const list = el("ol", { class: "tbe-scenes", "aria-labelledby": headingId });
  const announcer = el("p", { class: "tb-visually-hidden", role: "status", "aria-live": "polite" });
  const fileInput = el("input", { type: "file", multiple: true, accept: ACCEPT, class: "tbe-file", "data-role": "panorama-file" });
  const drop = el("div", { class: "tbe-drop", "data-role": "panorama-drop" }, [
    el("p", { class: "tbe-drop__text", text: t("dropPanoramas") }),
    field(t("choosePanoramas"), fileInput, { hint: t("panoramaHint") }),
  ]);
  const uploads = el("ul", { class: "tbe-uploads", "aria-label": t("uploads") });
  element.classList.add("tbe-scene-list");
  element.append(el("h2", { id: headingId, text: t("scenes") }), list, announcer, drop, uploads);

  let dragged = null;

  function move(id, index) {
    const ids = Object.keys(state.document.scenes);
    if (index < 0 || index >= ids.length || ids.indexOf(id) === index) return;
    state.change("reorder scenes", (d) => {
      d.scenes = reorderScenes(d.scenes, id, index);
    });
    announcer.textContent = t("sceneMoved", { title: title(id), n: index + 1, total: ids.length });
  }

  function title(id) {
    const scene = state.document.scenes[id];
    return localText(scene && scene.title, context.language) || id;
  }

  async function remove(id) {
    const choice = await openDialog({
      title: t("deleteSceneTitle", { title: title(id) }),
      content: [el("p", { text: t("deleteSceneText") })],
      buttons: [{ text: t("cancel"), value: "cancel" }, { text: t("delete"), value: "delete", primary: true }],
    });
    if (choice !== "delete") return;
    state.change("delete scene", (d) => {
      delete d.scenes[id];
      if (d.start_scene === id) d.start_scene = Object.keys(d.scenes)[0] || "";
    });
    if (state.selection.scene === id) state.select({ scene: Object.keys(state.document.scenes)[0] || null });
  }

  function render() {
    const doc = state.document;
    if (!doc) return;
    const ids = Object.keys(doc.scenes);
    // Keep the keyboard focus on the same control of the same scene across the redraw.
    const active = document.activeElement;
    const focusedItem = active && list.contains(active) ? active.closest("[data-scene-id]") : null;
    const focus = focusedItem ? [focusedItem.getAttribute("data-scene-id"), active.getAttribute("data-action")] : null;
    clear(list);
    if (!ids.length) list.appendChild(el("li", { class: "tbe-empty", text: t("noScenes") }));
    ids.forEach((id, index) => {
      const name = title(id);
      const current = state.selection.scene === id;
      const choose = button(name, () => state.select({ scene: id }), "tbe-scene__name", {
        "data-action": "select",
        "aria-current": current ? "true" : null,
      });
      const start = doc.start_scene === id
        ? el("span", { class: "tbe-badge", text: t("startScene") })
        : button(t("makeStart"), () => state.change("start scene", (d) => { d.start_scene = id; }), "tbe-button--small",
          { "aria-label": t("makeStartOf", { title: name }), "data-action": "start" });
      const up = button("↑", () => move(id, index - 1), "tbe-button--icon", { "aria-label": t("moveUp", { title: name }), "data-action": "up", disabled: index === 0 });
      const down = button("↓", () => move(id, index + 1), "tbe-button--icon", { "aria-label": t("moveDown", { title: name }), "data-action": "down", disabled: index === ids.length - 1 });
      const del = button("✕", () => remove(id), "tbe-button--icon tbe-button--danger", { "aria-label": t("deleteScene", { title: name }), "data-action": "delete", disabled: ids.length < 2 });
      const item = el("li", { class: `tbe-scene${current ? " tbe-scene--current" : ""}`, draggable: "true", "data-scene-id": id }, [
        el("span", { class: "tbe-scene__grip", "aria-hidden": "true", text: "⠿" }), choose,
        el("span", { class: "tbe-scene__tools" }, [start, up, down, del]),
      ]);
      item.addEventListener("dragstart", (e) => {
        dragged = id;
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", id);
      });
      item.addEventListener("dragend", () => { dragged = null; });
      item.addEventListener("dragover", (e) => {
        if (dragged) {
          e.preventDefault();
          item.classList.add("tbe-scene--target");
        }
      });
      item.addEventListener("dragleave", () => item.classList.remove("tbe-scene--target"));
      item.addEventListener("drop", (e) => {
        item.classList.remove("tbe-scene--target");
        if (!dragged) return;
        e.preventDefault();
        e.stopPropagation();
        move(dragged, Object.keys(state.document.scenes).indexOf(id));
        dragged = null;
      });
      list.appendChild(item);
    });
    if (focus) {
      const again = list.querySelector(`[data-scene-id="${CSS.escape(focus[0])}"] [data-action="${focus[1]}"]`);
      const target = again && !again.disabled ? again : list.querySelector(`[data-scene-id="${CSS.escape(focus[0])}"] [data-action="select"]`);
      if (target) target.focus();
    }
  }

  // ---- adding scenes from panoramas -------------------------------------

  function addScene(result) {
    let newId = null;
    state.change("add scene", (d) => {
      // The first real panorama takes the place of the placeholder scene (undo brings it back).
      const placeholder = untouchedPlaceholder(d);
      if (placeholder) {
        delete d.scenes[placeholder];
        if (d.media) delete d.media[PLACEHOLDER];
      }
      newId = freeSceneId(d.scenes, result.suggested_id);
      d.media = d.media || {};
      d.media[result.key] = result.info;
      const sceneTitle = {};
      for (const lang of d.languages || ["mn"]) sceneTitle[lang] = result.suggested_title || newId;
      const scene = { title: sceneTitle, panorama: result.key };
      if (result.pose) scene.pose = result.pose;
      d.scenes[newId] = scene;
      if (!d.scenes[d.start_scene]) d.start_scene = newId;
    });
    if (newId) state.select({ scene: newId });
    return newId;
  }

  async function upload(file) {
    const bar = el("progress", { max: "100", value: "0", "aria-label": t("uploadOf", { name: file.name }) });
    const text = el("span", { class: "tbe-upload__state", text: t("uploading") });
    const row = el("li", { class: "tbe-upload", "data-state": "uploading" }, [el("span", { class: "tbe-upload__name", text: file.name }), bar, text]);
    uploads.appendChild(row);
    const form = new FormData();
    form.append("file", file);
    const set = (stateName, fraction, message) => {
      row.setAttribute("data-state", stateName);
      if (fraction !== null) bar.value = Math.round(fraction * 100);
      text.textContent = message;
    };
    try {
      const { body } = await api.upload(`${tourPath}/panoramas`, form, (f) => set("uploading", f, t("uploading")));
      bar.setAttribute("aria-label", t("processingOf", { name: file.name }));
      set("processing", 0, t("processing"));
      const job = await api.waitForJob(body.job, (j) => set("processing", j.progress || 0, t("processing")));
      const id = addScene(job.result);
      set("done", 1, t("uploadDone", { title: title(id) }));
      announcer.textContent = t("uploadDone", { title: title(id) });
    } catch (err) {
      set("failed", null, t("uploadFailed", { name: file.name, reason: err.message }));
      text.setAttribute("role", "alert");
    }
  }

  function uploadAll(files) {
    // One after another: the server processes one photo at a time anyway.
    return Array.from(files).reduce((chain, file) => chain.then(() => upload(file)), Promise.resolve());
  }

  fileInput.addEventListener("change", () => {
    const files = Array.from(fileInput.files || []);
    fileInput.value = "";
    uploadAll(files);
  });
  for (const target of [drop, list]) {
    target.addEventListener("dragover", (e) => {
      if (dragged || !e.dataTransfer || !Array.from(e.dataTransfer.types || []).includes("Files")) return;
      e.preventDefault();
      drop.classList.add("tbe-drop--over");
    });
    target.addEventListener("dragleave", () => drop.classList.remove("tbe-drop--over"));
    target.addEventListener("drop", (e) => {
      drop.classList.remove("tbe-drop--over");
      if (dragged || !e.dataTransfer || !e.dataTransfer.files.length) return;
      e.preventDefault();
      uploadAll(e.dataTransfer.files);
    });
  }

  state.on("change", render);
  state.on("select", render);
  render();
  return { render, upload: uploadAll };
}
