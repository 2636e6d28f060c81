/**
 * The player's edit mode, for the tour editor: the live panorama as an authoring surface.
 *
 * - screen point <-> yaw/pitch ({@link EditMode#pointToView}, {@link EditMode#viewToPoint});
 * - `panoramaclick` {yaw, pitch}: a click (not a drag) on the panorama;
 * - hotspots are chosen, not opened: `hotspotselect` {id} on click/Enter;
 * - hotspots move by pointer drag and by arrow keys while focused: `hotspotmove` {id, yaw, pitch};
 * - the current view read and set ({@link EditMode#getView}, {@link EditMode#setView});
 * - an overlay of polygons of [yaw, pitch] corners ({@link EditMode#setPolygon}), e.g. the
 *   region of a "find it" question;
 * - {@link EditMode#setTour}: show the edited document (the player keeps its own copy).
 *
 * See README.md, "Edit mode".
 * @module edit-mode
 */
import { Vector3 } from "three";
import { DEG2RAD, clamp, direction, wrapYaw } from "./angles.js";
import { Emitter } from "./events.js";

/** Pixels a pointer may move and still make a click, not a drag. */
const CLICK_SLOP = 5;
/** Degrees an arrow key moves a focused hotspot (with Shift: BIG_STEP). */
const KEY_STEP = 1;
const BIG_STEP = 10;
const SVG = "http://www.w3.org/2000/svg";

/**
 * Put a player into edit mode.
 * @param {import("./player.js").TourPlayer} player A player made with options
 *   `{ownsPage: false, vr: false, gyro: false, autorotateDelay: 0, prefetch: false}`.
 * @returns {EditMode}
 */
export function startEditMode(player) {
  return new EditMode(player);
}

/**
 * The editing side of a player. Its events (`on`, `off`): "panoramaclick" {yaw, pitch},
 * "hotspotselect" {id}, "hotspotmove" {id, yaw, pitch, by} (by: "pointer" or "keyboard"),
 * "hotspotdrag" {id, yaw, pitch} while a drag goes on.
 */
export class EditMode extends Emitter {
  constructor(player) {
    super();
    this.player = player;
    this.viewer = player.viewer;
    this.selected = null;
    this.polygons = new Map();
    this._domListeners = [];
    this._press = null;
    this._drag = null;
    this._suppressClick = false;
    this._vector = new Vector3();
    this._forward = new Vector3();
    player.editMode = this; // player.js asks it before opening a hotspot
    player.root.classList.add("tb-player--editing");
    this.overlay = document.createElementNS(SVG, "svg");
    this.overlay.setAttribute("class", "tb-edit-overlay");
    this.overlay.setAttribute("aria-hidden", "true");
    player.stage.insertBefore(this.overlay, player.hotspotLayer);
    if (this.viewer) {
      // Redraw the overlay and keep the selection marked after each drawing of the view.
      const onRender = this.viewer.callbacks.onRender;
      this.viewer.callbacks.onRender = () => {
        if (onRender) onRender();
        this._drawOverlay();
      };
    }
    this._bind();
    player.on("scenechange", () => this._markSelection());
  }

  // ---- events ------------------------------------------------------------

  /** Called by the player before it activates a hotspot: in edit mode it is selected instead. */
  intercept(spot) {
    if (this._suppressClick) {
      this._suppressClick = false;
      return true;
    }
    this.emit("hotspotselect", { id: spot.id });
    return true;
  }

  // ---- geometry ----------------------------------------------------------

  /**
   * The direction under a point of the screen.
   * @param {number} clientX
   * @param {number} clientY
   * @returns {{yaw: number, pitch: number}|null} Degrees (world yaw, as hotspots use); null
   *   without WebGL or outside the panorama.
   */
  pointToView(clientX, clientY) {
    if (!this.viewer) return null;
    const rect = this.viewer.host.getBoundingClientRect();
    if (!rect.width || !rect.height) return null;
    const nx = ((clientX - rect.left) / rect.width) * 2 - 1;
    const ny = 1 - ((clientY - rect.top) / rect.height) * 2;
    if (Math.abs(nx) > 1 || Math.abs(ny) > 1) return null;
    this.viewer.updateCamera();
    const camera = this.viewer.camera;
    const v = this._vector.set(nx, ny, 0.5).unproject(camera).sub(camera.position).normalize();
    return { yaw: round(wrapYaw(Math.atan2(v.x, -v.z) / DEG2RAD)), pitch: round(Math.asin(clamp(v.y, -1, 1)) / DEG2RAD) };
  }

  /**
   * Where a direction appears on the screen.
   * @param {number} yaw
   * @param {number} pitch
   * @returns {{x: number, y: number, clientX: number, clientY: number, inFront: boolean, onScreen: boolean}|null}
   *   x, y from the panorama's top left; clientX/Y in the page's viewport.
   */
  viewToPoint(yaw, pitch) {
    if (!this.viewer) return null;
    this.viewer.updateCamera();
    const point = this.viewer.project(yaw, pitch);
    const [dx, dy, dz] = direction(yaw, pitch);
    this.viewer.camera.getWorldDirection(this._forward);
    const inFront = this._forward.x * dx + this._forward.y * dy + this._forward.z * dz > 0.01;
    const rect = this.viewer.host.getBoundingClientRect();
    return { x: point.x, y: point.y, clientX: rect.left + point.x, clientY: rect.top + point.y, inFront, onScreen: point.onScreen };
  }

  /** @returns {{yaw: number, pitch: number, fov: number}} The current view. */
  getView() {
    const view = this.player.getView();
    return { yaw: round(view.yaw), pitch: round(view.pitch), fov: round(view.fov) };
  }

  /** Turn the view. @param {{yaw?: number, pitch?: number, fov?: number}} view */
  setView(view) {
    const now = this.player.getView();
    this.player.lookAt(view.yaw !== undefined ? view.yaw : now.yaw, view.pitch !== undefined ? view.pitch : now.pitch, view.fov);
  }

  // ---- the document ------------------------------------------------------

  /**
   * Show a (changed) tour document: the current scene's hotspots, pose and panorama follow it.
   * The player keeps a copy, so the editor's document is never changed by dragging.
   * @param {Object} tour The tour document.
   * @param {Object<string, string>} mediaUrls Media key -> URL.
   * @param {string} [sceneId] The scene to show (default: the current one).
   */
  setTour(tour, mediaUrls, sceneId) {
    const player = this.player;
    const before = player.tour.scenes[player.sceneId];
    const copy = JSON.parse(JSON.stringify(tour));
    player.tour = copy;
    player.mediaUrls = mediaUrls || {};
    player.languages = copy.languages && copy.languages.length ? copy.languages : ["mn"];
    const wanted = sceneId && copy.scenes[sceneId] ? sceneId : player.sceneId;
    const scene = copy.scenes[wanted];
    if (!scene) {
      const first = copy.scenes[copy.start_scene] ? copy.start_scene : Object.keys(copy.scenes)[0];
      if (first) player.loadScene(first);
      return;
    }
    if (wanted !== player.sceneId || !before || before.panorama !== scene.panorama) {
      player.loadScene(wanted, wanted === player.sceneId ? player.getView() : undefined);
      return;
    }
    if (this.viewer && JSON.stringify(before.pose || {}) !== JSON.stringify(scene.pose || {})) {
      this.viewer.setPose(scene.pose);
    }
    this.refreshHotspots();
  }

  /** Draw the current scene's hotspot buttons again (keeping the focus on the same hotspot). */
  refreshHotspots() {
    const player = this.player;
    const scene = player.tour.scenes[player.sceneId];
    if (!scene) return;
    const focused = document.activeElement && player.hotspotLayer.contains(document.activeElement)
      ? document.activeElement.getAttribute("data-hotspot-id")
      : null;
    player.hotspots.setHotspots(scene.hotspots || [], (spot) => player._describeHotspot(spot), player.language);
    player._updateTexts();
    this._markSelection();
    if (this.viewer) this.viewer.renderNow();
    if (focused) {
      const button = player.hotspots.button(focused);
      if (button) button.focus({ preventScroll: true });
    }
  }

  /**
   * Mark a hotspot as the one being edited (or none).
   * @param {string|null} id
   */
  select(id) {
    this.selected = id || null;
    this._markSelection();
  }

  _markSelection() {
    for (const item of this.player.hotspots.items) {
      const on = item.spot.id === this.selected;
      item.button.classList.toggle("tb-hotspot--selected", on);
      if (on) item.button.setAttribute("aria-current", "true");
      else item.button.removeAttribute("aria-current");
    }
  }

  // ---- overlay -----------------------------------------------------------

  /**
   * Draw (or replace) a polygon of [yaw, pitch] corners over the panorama, edges following
   * yaw and pitch linearly (as the model's region test does).
   * @param {string} name Names the polygon for later replacement or removal.
   * @param {Array<[number, number]>} points
   * @param {{className?: string, handles?: boolean}} [options] handles: draw a dot at each corner.
   */
  setPolygon(name, points, options) {
    this.polygons.set(name, { points: points.map((p) => [p[0], p[1]]), options: options || {} });
    this._drawOverlay();
  }

  /** Remove a polygon (or, without a name, every one). @param {string} [name] */
  removePolygon(name) {
    if (name === undefined) this.polygons.clear();
    else this.polygons.delete(name);
    this._drawOverlay();
  }

  _drawOverlay() {
    const svg = this.overlay;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    if (!this.viewer || !this.polygons.size) return;
    for (const [name, polygon] of this.polygons) {
      const outline = [];
      let visible = polygon.points.length >= 2;
      const points = polygon.points;
      for (let i = 0; i < points.length && visible; i += 1) {
        const [y0, p0] = points[i];
        const [y1raw, p1] = points[(i + 1) % points.length];
        const y1 = y0 + wrapYaw(y1raw - y0); // the short way round
        for (let s = 0; s < 8; s += 1) {
          const t = s / 8;
          const at = this.viewToPoint(y0 + (y1 - y0) * t, p0 + (p1 - p0) * t);
          if (!at.inFront) visible = false;
          outline.push(`${at.x.toFixed(1)},${at.y.toFixed(1)}`);
        }
      }
      if (!visible) continue;
      const shape = document.createElementNS(SVG, "polygon");
      shape.setAttribute("points", outline.join(" "));
      shape.setAttribute("class", `tb-edit-polygon ${polygon.options.className || ""}`.trim());
      shape.setAttribute("data-polygon", name);
      svg.appendChild(shape);
      if (polygon.options.handles) {
        for (const [yaw, pitch] of points) {
          const at = this.viewToPoint(yaw, pitch);
          const dot = document.createElementNS(SVG, "circle");
          dot.setAttribute("cx", at.x.toFixed(1));
          dot.setAttribute("cy", at.y.toFixed(1));
          dot.setAttribute("r", "7");
          dot.setAttribute("class", "tb-edit-handle");
          svg.appendChild(dot);
        }
      }
    }
  }

  // ---- pointer and keyboard ----------------------------------------------

  _listen(target, type, fn, opts) {
    target.addEventListener(type, fn, opts);
    this._domListeners.push([target, type, fn, opts]);
  }

  _bind() {
    const stage = this.player.stage;
    const layer = this.player.hotspotLayer;
    this._listen(stage, "pointerdown", (e) => {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      const button = e.target instanceof Element ? e.target.closest(".tb-hotspot") : null;
      if (button && layer.contains(button)) {
        this._drag = { id: button.getAttribute("data-hotspot-id"), button, x: e.clientX, y: e.clientY, moved: false, pointer: e.pointerId };
        try {
          button.setPointerCapture(e.pointerId);
        } catch (err) {
          // capture is a comfort only
        }
        return;
      }
      if (e.target instanceof Element && e.target.closest("button, a, input, select, textarea")) return;
      this._press = { x: e.clientX, y: e.clientY, pointer: e.pointerId, extra: false };
    }, true);
    this._listen(stage, "pointermove", (e) => {
      const drag = this._drag;
      if (drag && drag.pointer === e.pointerId) {
        if (!drag.moved && Math.hypot(e.clientX - drag.x, e.clientY - drag.y) < CLICK_SLOP) return;
        drag.moved = true;
        const at = this.pointToView(e.clientX, e.clientY);
        if (at) {
          this._moveLocal(drag.id, at);
          this.emit("hotspotdrag", { id: drag.id, yaw: at.yaw, pitch: at.pitch });
        }
        return;
      }
      if (this._press && this._press.pointer !== e.pointerId) this._press.extra = true; // a pinch
    }, true);
    const end = (e, cancelled) => {
      const drag = this._drag;
      if (drag && drag.pointer === e.pointerId) {
        this._drag = null;
        if (drag.moved) {
          this._suppressClick = true; // the click that follows the drag is not a choice
          setTimeout(() => { this._suppressClick = false; }, 0);
          const at = cancelled ? null : this.pointToView(e.clientX, e.clientY);
          if (at) {
            this._moveLocal(drag.id, at);
            this.emit("hotspotmove", { id: drag.id, yaw: at.yaw, pitch: at.pitch, by: "pointer" });
          } else {
            this.refreshHotspots();
          }
        }
        return;
      }
      const press = this._press;
      if (!press || press.pointer !== e.pointerId) return;
      this._press = null;
      if (cancelled || press.extra || Math.hypot(e.clientX - press.x, e.clientY - press.y) >= CLICK_SLOP) return;
      const at = this.pointToView(e.clientX, e.clientY);
      if (at) this.emit("panoramaclick", { yaw: at.yaw, pitch: at.pitch });
    };
    this._listen(stage, "pointerup", (e) => end(e, false), true);
    this._listen(stage, "pointercancel", (e) => end(e, true), true);
    this._listen(layer, "keydown", (e) => {
      const button = e.target instanceof Element ? e.target.closest(".tb-hotspot") : null;
      if (!button || e.altKey || e.ctrlKey || e.metaKey) return;
      const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
      if (!steps) return;
      e.preventDefault();
      const id = button.getAttribute("data-hotspot-id");
      const spot = this._spot(id);
      if (!spot) return;
      const step = e.shiftKey ? BIG_STEP : KEY_STEP;
      const at = { yaw: round(wrapYaw(spot.yaw + steps[0] * step)), pitch: round(clamp(spot.pitch + steps[1] * step, -90, 90)) };
      this._moveLocal(id, at);
      this.emit("hotspotmove", { id, yaw: at.yaw, pitch: at.pitch, by: "keyboard" });
    });
  }

  _spot(id) {
    const scene = this.player.tour.scenes[this.player.sceneId];
    return ((scene && scene.hotspots) || []).find((h) => h.id === id) || null;
  }

  /** Move a hotspot in the player's copy only (the editor saves the move into its document). */
  _moveLocal(id, at) {
    const spot = this._spot(id);
    if (!spot) return;
    spot.yaw = at.yaw;
    spot.pitch = at.pitch;
    const item = this.player.hotspots.items.find((i) => i.spot.id === id);
    if (item) item.spot = spot;
    if (this.viewer) this.viewer.renderNow();
  }

  /** Leave edit mode (the player is then a plain player again). */
  dispose() {
    for (const [target, type, fn, opts] of this._domListeners) target.removeEventListener(type, fn, opts);
    this._domListeners = [];
    this.overlay.remove();
    this.player.root.classList.remove("tb-player--editing");
    if (this.player.editMode === this) this.player.editMode = null;
  }
}

/** Angles as stored: 2 decimals are a few millimetres at 10 m. */
function round(value) {
  return Math.round(value * 100) / 100;
}
