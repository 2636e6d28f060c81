/**
 * Pointing at the answer of a "find it in the scene" question: the quiz dialog steps aside,
 * a bar says what to find, and a tap or click on the panorama (not a drag) gives the answer's
 * direction. Keyboard users turn the view with the arrow keys and press Enter to choose the
 * middle of the view (marked by a ring). Escape or "Cancel" gives up. The hotspots are hidden
 * meanwhile: they are not the answer, and would catch the taps.
 * @module questions/point
 */
import { Vector3 } from "three";
import { el, setLocal } from "../dom.js";
import { icon } from "../icons.js";

const RAD = 180 / Math.PI;
/** A tap moves less than this (CSS pixels) and lasts less than TAP_MS. */
const TAP_SLOP = 8;
const TAP_MS = 900;

/**
 * The world direction under a point of the viewer's canvas.
 * @param {Object} viewer The PanoramaViewer (its `host` and three.js `camera`).
 * @param {number} clientX
 * @param {number} clientY
 * @returns {{yaw: number, pitch: number}|null} Degrees, rounded to 0.1°.
 */
export function directionAt(viewer, clientX, clientY) {
  const rect = viewer.host.getBoundingClientRect();
  if (!rect.width || !rect.height) return null;
  const x = ((clientX - rect.left) / rect.width) * 2 - 1;
  const y = 1 - ((clientY - rect.top) / rect.height) * 2;
  const camera = viewer.camera;
  camera.updateMatrixWorld();
  const v = new Vector3(x, y, 0.5).unproject(camera).sub(camera.position).normalize();
  const yaw = Math.atan2(v.x, -v.z) * RAD;
  const pitch = Math.asin(Math.max(-1, Math.min(1, v.y))) * RAD;
  return { yaw: Math.round(yaw * 10) / 10, pitch: Math.round(pitch * 10) / 10 };
}

/**
 * Start pointing.
 * @param {Object} player The TourPlayer (root, stage, viewerHost, viewer, getView).
 * @param {Object} spec
 * @param {{text: string, lang: string}} spec.prompt What to find (the question's prompt).
 * @param {string} spec.lang The page's language.
 * @param {function(string): string} spec.t A course string.
 * @param {function({yaw: number, pitch: number}): void} spec.onPoint
 * @param {function(): void} spec.onCancel
 * @returns {{stop: function(): void}}
 */
export function startPointing(player, spec) {
  const { root, stage, viewerHost, viewer } = player;
  const prompt = el("span", { class: "tb-pointing__prompt" });
  setLocal(prompt, spec.prompt, spec.lang);
  const cancel = el("button", { type: "button", class: "tb-button", "data-action": "cancel-pointing" },
    [icon("close"), el("span", { text: spec.t("cancel") })]);
  const bar = el("div", { class: "tb-pointing", role: "region", "aria-label": spec.t("pointingLabel"), "data-pointing": "" }, [
    el("p", { class: "tb-pointing__text" }, [prompt, el("span", { class: "tb-pointing__help", text: spec.t("pointingHelp") })]),
    cancel,
  ]);
  const ring = el("div", { class: "tb-crosshair", "aria-hidden": "true" });
  let down = null;
  let done = false;

  const finish = () => {
    if (done) return;
    done = true;
    root.classList.remove("tb-player--pointing");
    bar.remove();
    ring.remove();
    stage.removeEventListener("pointerdown", onDown, true);
    stage.removeEventListener("pointerup", onUp, true);
    viewerHost.removeEventListener("keydown", onKey, true);
    document.removeEventListener("keydown", onEscape, true);
  };
  const choose = (direction) => {
    if (!direction) return;
    finish();
    spec.onPoint(direction);
  };
  const onDown = (e) => {
    if (bar.contains(e.target)) return;
    down = { id: e.pointerId, x: e.clientX, y: e.clientY, t: Date.now() };
  };
  const onUp = (e) => {
    if (!down || down.id !== e.pointerId || bar.contains(e.target)) return;
    const moved = Math.hypot(e.clientX - down.x, e.clientY - down.y);
    const quick = Date.now() - down.t < TAP_MS;
    down = null;
    if (moved <= TAP_SLOP && quick) choose(directionAt(viewer, e.clientX, e.clientY));
  };
  const onKey = (e) => {
    if (e.key !== "Enter" && e.key !== " ") return;
    e.preventDefault();
    e.stopPropagation();
    const view = player.getView();
    choose({ yaw: Math.round(view.yaw * 10) / 10, pitch: Math.round(view.pitch * 10) / 10 });
  };
  const onEscape = (e) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    finish();
    spec.onCancel();
  };
  cancel.addEventListener("click", () => {
    finish();
    spec.onCancel();
  });

  root.classList.add("tb-player--pointing");
  stage.appendChild(ring);
  stage.appendChild(bar);
  stage.addEventListener("pointerdown", onDown, true);
  stage.addEventListener("pointerup", onUp, true);
  viewerHost.addEventListener("keydown", onKey, true);
  document.addEventListener("keydown", onEscape, true);
  viewerHost.focus({ preventScroll: true });
  return { stop: finish };
}
