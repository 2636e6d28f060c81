/**
 * The scene panel of the inspector: the scene's titles (Mongolian and English side by side), its
 * initial view and its north (pose.heading), both taken from the live view.
 * @module editor/scene-editor
 */
import { wrapYaw } from "../player/angles.js";
import { button, clear, el, field, localText, textLanguages } from "./dom.js";

const round = (v) => Math.round(v * 100) / 100;

/**
 * Turn everything placed by world yaw in a scene by `delta` degrees (hotspots, initial view,
 * "find it" regions and places), so that it stays on the same spot of the photo when the
 * scene's heading changes by the same amount.
 */
export function turnScene(doc, sceneId, delta) {
  const scene = doc.scenes[sceneId];
  const turn = (yaw) => round(wrapYaw(yaw + delta));
  scene.pose = Object.assign({ heading: 0, pitch: 0, roll: 0 }, scene.pose || {});
  scene.pose.heading = turn(scene.pose.heading);
  for (const spot of scene.hotspots || []) spot.yaw = turn(spot.yaw);
  if (scene.initial_view) scene.initial_view.yaw = turn(scene.initial_view.yaw || 0);
  for (const quiz of Object.values(doc.quizzes || {})) {
    for (const q of quiz.questions || []) {
      if (q.kind !== "find" || q.scene !== sceneId) continue;
      if (q.region) q.region = q.region.map(([yaw, pitch]) => [turn(yaw), pitch]);
      for (const place of q.places || []) place.yaw = turn(place.yaw);
    }
  }
}

/**
 * Links to scene `id` whose `lang` title is the scene's old title (taken from it when the link
 * was made) take the new one; a link the author titled otherwise keeps its title.
 */
export function renameLinks(doc, id, lang, before, after) {
  for (const scene of Object.values(doc.scenes)) {
    for (const spot of scene.hotspots || []) {
      if (spot.kind !== "scene" || spot.target !== id) continue;
      const own = (spot.title && spot.title[lang]) || "";
      if (own !== before) continue;
      spot.title = Object.assign({}, spot.title);
      if (after) spot.title[lang] = after;
      else delete spot.title[lang];
    }
  }
}

/**
 * Mount the scene panel.
 * @param {import("./state.js").EditorState} state
 * @param {HTMLElement} element
 * @param {{t: function, viewer: import("../player/edit-mode.js").EditMode, language: string}} context
 */
export function mount(state, element, context) {
  const { t, viewer } = context;
  const status = el("p", { class: "tbe-hint", role: "status", "aria-live": "polite" });
  const body = el("div");
  element.append(body, status);
  let ownChange = false;

  function render() {
    const doc = state.document;
    const id = state.selection.scene;
    const scene = doc && doc.scenes[id];
    const focusKey = document.activeElement && body.contains(document.activeElement) ? document.activeElement.getAttribute("data-key") : null;
    clear(body);
    if (!scene) {
      body.append(el("h3", { text: t("noSceneChosen") }), el("p", { class: "tbe-hint", text: t("noScenes") }));
      return;
    }
    const titles = textLanguages(doc).map((lang) => {
      const input = el("input", { type: "text", class: "tbe-input", lang, value: (scene.title && scene.title[lang]) || "", "data-key": `scene-title-${lang}` });
      input.addEventListener("input", () => {
        ownChange = true;
        try {
          state.change("edit scene title", (d) => {
            const s = d.scenes[id];
            const before = (s.title && s.title[lang]) || "";
            s.title = Object.assign({}, s.title);
            if (input.value) s.title[lang] = input.value;
            else delete s.title[lang];
            renameLinks(d, id, lang, before, input.value);
          });
        } finally {
          ownChange = false;
        }
      });
      return field(t("sceneTitleIn", { language: t(`language_${lang}`) }), input);
    });
    const view = Object.assign({ yaw: 0, pitch: 0, fov: 90 }, scene.initial_view || {});
    const heading = (scene.pose && scene.pose.heading) || 0;
    body.append(
      el("h3", { text: t("sceneHeading", { title: localText(scene.title, context.language) || id }) }),
      el("p", { class: "tbe-hint", text: t("sceneId", { id }) }),
      el("div", { class: "tbe-pair" }, titles),
      el("h4", { text: t("initialView") }),
      el("p", { "data-role": "initial-view", text: t("viewNumbers", { yaw: round(view.yaw), pitch: round(view.pitch), fov: round(view.fov) }) }),
      el("div", { class: "tbe-row" }, [
        button(t("setInitialView"), () => {
          const now = viewer.getView();
          state.change("set initial view", (d) => {
            d.scenes[id].initial_view = { yaw: now.yaw, pitch: now.pitch, fov: Math.min(120, Math.max(10, now.fov)) };
          });
          status.textContent = t("initialViewSet");
        }, "tbe-button--primary", { "data-key": "set-initial" }),
        button(t("showInitialView"), () => viewer.setView(view), "", { "data-key": "show-initial" }),
      ]),
      el("h4", { text: t("north") }),
      el("p", { "data-role": "heading", text: t("headingNumbers", { heading: round(heading) }) }),
      el("p", { class: "tbe-hint", text: t("northHelp") }),
      button(t("setNorth"), () => {
        const now = viewer.getView();
        state.change("set north", (d) => turnScene(d, id, -now.yaw));
        viewer.setView({ yaw: 0 });
        status.textContent = t("northSet");
      }, "", { "data-key": "set-north" }),
    );
    if (focusKey) {
      const again = body.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
      if (again) again.focus();
    }
  }

  state.on("change", () => {
    if (!ownChange) render();
  });
  state.on("select", render);
  render();
  return { render };
}
