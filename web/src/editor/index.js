/**
 * Entry point of the editor bundle (tourbuilder/app/templates/editor/edit.html): the scene list
 * (left), the live panorama in edit mode (centre) and the inspector's tabs (right), over one
 * {@link EditorState}. Panels written elsewhere (narration, checks, quizzes) are mounted when
 * present: each exports `mount(state, element, context)`.
 * @module editor/index
 */
import "../player/player.css";
import "./editor.css";
import { TourPlayer } from "../player/player.js";
import { startEditMode } from "../player/edit-mode.js";
import { createApi } from "./api.js";
import { button, el, openDialog, uniqueId } from "./dom.js";
import { describeDocument, mount as mountHistory } from "./history.js";
import { mount as mountHotspots } from "./hotspot-inspector.js";
import { mount as mountScene } from "./scene-editor.js";
import { mount as mountSceneList } from "./scene-list.js";
import { EditorState } from "./state.js";
import { EDITOR_STRINGS, makeTranslator } from "./strings.js";
import * as checksPanel from "optional:./checks-panel.js";
import * as narrationPanel from "optional:./narration-panel.js";
import * as quizEditor from "optional:./quiz-editor.js";

/** Player options in the editor: no tracking, VR, sensors, idle turning or prefetch. */
const PLAYER_OPTIONS = { ownsPage: false, vr: false, gyro: false, autorotateDelay: 0, prefetch: false };

/** Media key -> URL of the app's media route (by content hash). */
export function mediaUrls(doc) {
  const urls = {};
  for (const [key, info] of Object.entries((doc && doc.media) || {})) {
    const dot = key.lastIndexOf(".");
    const ext = dot > key.lastIndexOf("/") ? key.slice(dot).toLowerCase() : "";
    urls[key] = `/media/${info.sha256}${ext}`;
  }
  return urls;
}

/** Tabs with the ARIA tabs pattern (arrow keys move between tabs). */
function makeTabs(host, label) {
  const list = el("div", { class: "tbe-tabs", role: "tablist", "aria-label": label });
  const panels = el("div", { class: "tbe-panels" });
  host.append(list, panels);
  const tabs = [];
  function choose(index, focus) {
    tabs.forEach((tab, i) => {
      const on = i === index;
      tab.button.setAttribute("aria-selected", String(on));
      tab.button.tabIndex = on ? 0 : -1;
      tab.panel.hidden = !on;
    });
    if (focus) tabs[index].button.focus();
  }
  list.addEventListener("keydown", (e) => {
    const at = tabs.findIndex((tab) => tab.button === document.activeElement);
    if (at < 0) return;
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    choose((next + tabs.length) % tabs.length, true);
  });
  return {
    add(name, text) {
      const id = uniqueId(`tab-${name}`);
      const b = el("button", { type: "button", role: "tab", id, class: "tbe-tab", "data-tab": name, text, "aria-controls": `${id}-panel` });
      const panel = el("div", { role: "tabpanel", id: `${id}-panel`, class: "tbe-panel", "aria-labelledby": id, "data-panel": name, tabindex: "0" });
      const index = tabs.length;
      b.addEventListener("click", () => choose(index, false));
      tabs.push({ button: b, panel, name });
      list.appendChild(b);
      panels.appendChild(panel);
      choose(tabs.length === 1 ? 0 : tabs.findIndex((tab) => tab.button.getAttribute("aria-selected") === "true"), false);
      return panel;
    },
    show(name) {
      const index = tabs.findIndex((tab) => tab.name === name);
      if (index >= 0) choose(index, false);
    },
  };
}

function statusText(t, state) {
  switch (state.status) {
    case "saving": return t("saving");
    case "pending": return t("unsaved");
    case "error": return t("notSaved", { reason: state.statusMessage });
    case "conflict": return t("notSaved", { reason: t("conflictReason") });
    default: return t("saved");
  }
}

async function resolveConflict(state, t, language, { current, mine }) {
  const column = (title, doc) => el("section", { class: "tbe-conflict__side" }, [el("h3", { text: title }), describeDocument(doc, t, language)]);
  const choice = await openDialog({
    title: t("conflictTitle"),
    className: "tbe-dialog--wide",
    content: [
      el("p", { text: t("conflictText", { author: current.author || "?", n: current.revision }) }),
      el("div", { class: "tbe-conflict" }, [column(t("yourVersion"), mine), column(t("theirVersion", { n: current.revision }), current.document)]),
    ],
    buttons: [{ text: t("takeTheirs"), value: "theirs" }, { text: t("keepMine"), value: "mine", primary: true }],
  });
  if (choice === "theirs") state.takeTheirs(current);
  else if (choice === "mine") await state.keepMine(current);
}

/**
 * Start the editor in `#tb-editor` (data-tour-id, data-preview-url).
 * @returns {Promise<Object|null>} {state, player, viewer} for tests and other scripts.
 */
export async function startEditor() {
  const root = document.getElementById("tb-editor");
  if (!root) return null;
  const language = document.documentElement.lang === "mn" ? "mn" : "en";
  const t = makeTranslator(language);
  const api = createApi({ messages: { offline: t("offline"), failed: t("serverFailed") } });
  const state = new EditorState({ tourId: root.getAttribute("data-tour-id"), api });
  const problem = el("p", { class: "tbe-problem", role: "alert" });
  root.appendChild(problem);
  try {
    await state.load();
  } catch (err) {
    problem.textContent = t("loadFailed", { reason: err.message });
    return null;
  }
  root.classList.add("tbe-editor");
  const loading = root.querySelector("[data-role=loading]");
  if (loading) loading.remove();

  // ---- toolbar ---------------------------------------------------------------
  const undo = button(t("undo"), () => state.undo(), "", { "aria-keyshortcuts": "Control+Z", "data-action": "undo" });
  const redo = button(t("redo"), () => state.redo(), "", { "aria-keyshortcuts": "Control+Shift+Z", "data-action": "redo" });
  const saveNow = button(t("saveNow"), () => state.save(), "", { "data-action": "save" });
  const statusEl = el("p", { class: "tbe-status", role: "status", "aria-live": "polite", "data-role": "save-status" });
  const previewUrl = root.getAttribute("data-preview-url");
  const previews = state.document.languages.map((lang) => el("a", {
    class: "tbe-button", href: `${previewUrl}?lang=${encodeURIComponent(lang)}`, target: "_blank", rel: "noopener",
    "data-action": `preview-${lang}`, text: t("previewIn", { language: t(`language_${lang}`) }),
  }));
  const toolbar = el("div", { class: "tbe-toolbar", role: "toolbar", "aria-label": t("editorTools") }, [undo, redo, saveNow, ...previews]);
  const updateToolbar = () => {
    undo.disabled = !state.canUndo;
    redo.disabled = !state.canRedo;
    undo.title = state.canUndo ? t("undoWhat", { what: state.undoLabel }) : t("undo");
    redo.title = state.canRedo ? t("redoWhat", { what: state.redoLabel }) : t("redo");
    statusEl.textContent = statusText(t, state);
    statusEl.title = statusEl.textContent;
    statusEl.setAttribute("data-status", state.status);
  };

  // ---- layout ----------------------------------------------------------------
  const sceneColumn = el("nav", { class: "tbe-column tbe-column--scenes", "aria-label": t("scenes") });
  const playerRoot = el("div", { class: "tb-player", "data-role": "player" });
  const centre = el("section", { class: "tbe-column tbe-column--stage", "aria-label": t("panorama") }, [playerRoot]);
  const inspector = el("aside", { class: "tbe-column tbe-column--inspector", "aria-label": t("inspector") });
  root.append(el("div", { class: "tbe-bar" }, [toolbar, statusEl]), el("div", { class: "tbe-columns" }, [sceneColumn, centre, inspector]));

  // ---- the live panorama -----------------------------------------------------
  const doc = state.document;
  const player = new TourPlayer(playerRoot, { tour: JSON.parse(JSON.stringify(doc)), media: mediaUrls(doc), tracking: "none", bridge: false, language }, PLAYER_OPTIONS);
  const viewer = startEditMode(player);
  const show = () => viewer.setTour(state.document, mediaUrls(state.document), state.selection.scene);
  show();
  state.on("change", show);
  state.on("select", () => {
    if (state.selection.scene && state.selection.scene !== player.getScene()) show();
    viewer.select(state.selection.hotspot || null);
  });

  // ---- panels ----------------------------------------------------------------
  const context = { viewer, player, api, strings: EDITOR_STRINGS[language], t, language, tourId: state.tourId };
  mountSceneList(state, sceneColumn, context);
  const tabs = makeTabs(inspector, t("inspector"));
  mountScene(state, tabs.add("scene", t("tabScene")), context);
  mountHotspots(state, tabs.add("hotspots", t("tabHotspots")), context);
  const optional = [["narration", narrationPanel], ["quizzes", quizEditor], ["checks", checksPanel]];
  for (const [name, module] of optional) {
    if (typeof module.mount !== "function") continue;
    try {
      module.mount(state, tabs.add(name, t(`tab_${name}`)), context);
    } catch (err) {
      console.error(`tourbuilder editor: the ${name} panel failed`, err); // eslint-disable-line no-console
    }
  }
  mountHistory(state, tabs.add("history", t("tabHistory")), context);
  viewer.on("hotspotselect", () => tabs.show("hotspots"));

  // ---- saving, keys, leaving -------------------------------------------------
  for (const event of ["change", "status", "saved"]) state.on(event, updateToolbar);
  state.on("conflict", (detail) => resolveConflict(state, t, language, detail));
  updateToolbar();
  document.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    const wantsRedo = (key === "z" && e.shiftKey) || (key === "y" && !e.shiftKey);
    const wantsUndo = key === "z" && !e.shiftKey;
    if (!wantsRedo && !wantsUndo) return;
    if (document.querySelector("dialog[open]")) return;
    e.preventDefault();
    if (wantsRedo) state.redo();
    else state.undo();
  });
  window.addEventListener("beforeunload", (e) => {
    if (!state.dirty) return;
    state.save();
    e.preventDefault();
    e.returnValue = "";
  });
  const api_ = { state, player, viewer, tabs };
  window.tourbuilderEditor = api_;
  root.setAttribute("data-ready", "true");
  return api_;
}

function whenReady(fn) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn, { once: true });
  else fn();
}

whenReady(() => {
  startEditor();
});
