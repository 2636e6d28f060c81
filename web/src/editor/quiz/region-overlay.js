/**
 * The region of a "find it in the scene" question drawn on the live panorama of the editor:
 * the polygon (through the player's edit mode, `setPolygon`), a button per corner that can be
 * dragged, moved by the arrow keys (Shift: 10°) and deleted (Delete, Backspace), and, while
 * drawing, a click on the panorama (not a drag) adds a corner.
 *
 * Without the edit mode (a plain player) the same is done with the player's own parts; without
 * WebGL there is nothing to draw on, and the panel's corner list is the way to edit.
 * @module editor/quiz/region-overlay
 */
import { directionAt } from "../../player/questions/point.js";
import { regionCentre } from "../../player/questions/region.js";
import { el } from "../../player/dom.js";
import { questionIn, round1, wrapYaw } from "./model.js";

const POLYGON = "quiz-region";
const SVG = "http://www.w3.org/2000/svg";
/** Pixels a pointer may move on a corner and still be a click. */
const DRAG_SLOP = 4;

/**
 * The player and its edit mode from what the editor gives panels as `context.viewer`
 * (the edit mode, or the player).
 * @param {Object|null} viewer
 * @returns {{player: Object, edit: Object|null}|null} null when there is no panorama to draw on.
 */
export function viewerParts(viewer) {
  if (!viewer) return null;
  const edit = typeof viewer.setPolygon === "function" ? viewer : viewer.editMode || null;
  const player = edit ? edit.player : typeof viewer.loadScene === "function" ? viewer : viewer.player || null;
  if (!player || !player.viewer || !player.stage) return null;
  return { player, edit };
}

/** The region shown on the panorama, for one question at a time. */
export class RegionOverlay {
  /**
   * @param {Object} spec
   * @param {function(): Object|null} spec.viewer The editor's `context.viewer` (read when needed:
   *   the editor may make its player after the panels).
   * @param {function(string, Object=): string} spec.t
   * @param {function(string, function(Object): void): boolean} spec.commit
   * @param {function(): Object} spec.document The current document.
   * @param {function(string): void} spec.announce Says a text politely.
   * @param {function(Object): void} [spec.showScene] Asks the editor to show a scene.
   */
  constructor(spec) {
    this.spec = spec;
    this.target = null; // {quizId, questionId, drawing}
    this.points = [];
    this.layer = null;
    this.buttons = [];
    this.frame = 0;
    this.drag = null;
    this.signature = "";
    this.parts = null;
    this.onClick = (at) => this._addCorner(at);
    this.onSceneChange = () => this.refresh();
  }

  /** Whether the region of this question is shown (and being drawn). */
  state(quizId, questionId) {
    const on = !!this.target && this.target.quizId === quizId && this.target.questionId === questionId;
    return { shown: on, drawing: on && this.target.drawing };
  }

  /** Whether there is a panorama to draw on. */
  get available() {
    return !!viewerParts(this.spec.viewer());
  }

  /**
   * Show a question's region (turning the view to it), optionally drawing.
   * @param {string} quizId
   * @param {string} questionId
   * @param {boolean} drawing
   */
  show(quizId, questionId, drawing) {
    const parts = viewerParts(this.spec.viewer());
    if (!parts) return false;
    const changed = !this.target || this.target.quizId !== quizId || this.target.questionId !== questionId;
    this._detach();
    this.parts = parts;
    this.target = { quizId, questionId, drawing };
    const question = this._question();
    if (!question) return false;
    parts.player.on("scenechange", this.onSceneChange);
    if (drawing) {
      if (parts.edit) parts.edit.on("panoramaclick", this.onClick);
      else this._listenForClicks(parts.player);
      parts.player.root.classList.add("tbq-drawing");
    }
    if (parts.player.sceneId !== question.scene && question.scene) {
      if (this.spec.showScene) this.spec.showScene(question.scene);
      if (parts.player.sceneId !== question.scene) parts.player.loadScene(question.scene);
    }
    if (changed && question.region && question.region.length) {
      const centre = regionCentre(question.region);
      parts.player.lookAt(centre.yaw, centre.pitch);
    }
    this.refresh();
    return true;
  }

  /** Stop showing (and drawing). */
  hide() {
    this._detach();
    this.target = null;
    this.points = [];
  }

  /** Read the document again (after any change) and draw. */
  refresh() {
    if (!this.target) return;
    const question = this._question();
    if (!question || question.kind !== "find") {
      this.hide();
      return;
    }
    if (!this.drag) this.points = (question.region || []).map((p) => [p[0], p[1]]);
    this._draw();
  }

  _question() {
    try {
      return questionIn(this.spec.document(), this.target.quizId, this.target.questionId);
    } catch (err) {
      return null;
    }
  }

  _onScene() {
    const question = this._question();
    return !!question && !!this.parts && this.parts.player.sceneId === question.scene;
  }

  // ---- changes ------------------------------------------------------------

  _edit(label, fn) {
    const { quizId, questionId } = this.target;
    return this.spec.commit(label, (doc) => {
      const question = questionIn(doc, quizId, questionId);
      question.region = question.region || [];
      fn(question.region);
    });
  }

  _addCorner(at) {
    if (!this.target || !this.target.drawing || !at || !this._onScene()) return;
    const n = this.points.length + 1;
    if (n > 64) return;
    this._edit(this.spec.t("corner", { n }), (region) => region.push([wrapYaw(at.yaw), round1(at.pitch)]));
    this.spec.announce(this.spec.t("cornerLabel", { n, total: n, yaw: round1(at.yaw), pitch: round1(at.pitch) }));
  }

  _moveCorner(index, at) {
    this._edit(this.spec.t("corner", { n: index + 1 }), (region) => {
      if (region[index]) region[index] = [wrapYaw(at.yaw), round1(Math.max(-90, Math.min(90, at.pitch)))];
    });
  }

  _deleteCorner(index) {
    this._edit(this.spec.t("deleteCorner", { n: index + 1 }), (region) => region.splice(index, 1));
    const next = this.buttons[Math.min(index, this.points.length - 1)];
    if (next) next.focus();
  }

  // ---- drawing ------------------------------------------------------------

  _draw() {
    const parts = this.parts;
    if (!parts) return;
    const visible = this._onScene();
    if (parts.edit) {
      if (visible) parts.edit.setPolygon(POLYGON, this.points, { className: "tbq-region" });
      else parts.edit.removePolygon(POLYGON);
    }
    if (!this.layer) {
      this.layer = el("div", { class: "tbq-corners", "data-quiz-region": "" });
      if (!parts.edit) {
        this.svg = document.createElementNS(SVG, "svg");
        this.svg.setAttribute("class", "tbq-corners__svg");
        this.svg.setAttribute("aria-hidden", "true");
        this.layer.appendChild(this.svg);
      }
      parts.player.stage.appendChild(this.layer);
    }
    this.layer.hidden = !visible;
    const n = visible ? this.points.length : 0;
    while (this.buttons.length > n) this.buttons.pop().remove();
    while (this.buttons.length < n) this.buttons.push(this._cornerButton(this.buttons.length));
    this.signature = "";
    this._place();
    if (!this.frame) this._loop();
  }

  _cornerButton(index) {
    const button = el("button", { type: "button", class: "tbq-corner", "data-corner": String(index) });
    const which = () => Number(button.getAttribute("data-corner"));
    button.addEventListener("pointerdown", (e) => {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      e.stopPropagation();
      this.drag = { index: which(), x: e.clientX, y: e.clientY, moved: false, pointer: e.pointerId };
      try {
        button.setPointerCapture(e.pointerId);
      } catch (err) {
        // capture is a comfort only
      }
    });
    button.addEventListener("pointermove", (e) => {
      const drag = this.drag;
      if (!drag || drag.pointer !== e.pointerId) return;
      if (!drag.moved && Math.hypot(e.clientX - drag.x, e.clientY - drag.y) < DRAG_SLOP) return;
      drag.moved = true;
      const at = this._pointToView(e.clientX, e.clientY);
      if (at) {
        this.points[drag.index] = [wrapYaw(at.yaw), round1(at.pitch)];
        this.signature = "";
        if (this.parts.edit) this.parts.edit.setPolygon(POLYGON, this.points, { className: "tbq-region" });
      }
    });
    const end = (e) => {
      const drag = this.drag;
      if (!drag || drag.pointer !== e.pointerId) return;
      this.drag = null;
      e.stopPropagation();
      if (drag.moved) {
        const [yaw, pitch] = this.points[drag.index];
        this._moveCorner(drag.index, { yaw, pitch });
      }
    };
    button.addEventListener("pointerup", end);
    button.addEventListener("pointercancel", end);
    button.addEventListener("click", (e) => e.stopPropagation());
    button.addEventListener("keydown", (e) => {
      const index = which();
      if (e.key === "Delete" || e.key === "Backspace") {
        e.preventDefault();
        this._deleteCorner(index);
        return;
      }
      const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
      if (!steps || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      e.stopPropagation();
      const step = e.shiftKey ? 10 : 1;
      const [yaw, pitch] = this.points[index];
      this._moveCorner(index, { yaw: yaw + steps[0] * step, pitch: pitch + steps[1] * step });
    });
    this.layer.appendChild(button);
    return button;
  }

  /** Keep the corner buttons on their corners while the view turns (only when it did). */
  _loop() {
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.target || !this.layer) return;
      this._place();
      this._loop();
    });
  }

  _place() {
    const parts = this.parts;
    if (!parts || !this.layer || this.layer.hidden) return;
    const view = parts.player.getView();
    const host = parts.player.viewer.host.getBoundingClientRect();
    const stage = parts.player.stage.getBoundingClientRect();
    const signature = [view.yaw, view.pitch, view.fov, host.width, host.height, host.left, host.top].join(",");
    if (signature === this.signature) return;
    this.signature = signature;
    const t = this.spec.t;
    const spots = [];
    this.points.forEach(([yaw, pitch], index) => {
      const button = this.buttons[index];
      button.setAttribute("data-corner", String(index));
      button.setAttribute("aria-label", t("cornerLabel", { n: index + 1, total: this.points.length, yaw: round1(yaw), pitch: round1(pitch) }));
      const at = this._viewToPoint(yaw, pitch);
      const shown = !!at && at.inFront && at.x >= 0 && at.y >= 0 && at.x <= host.width && at.y <= host.height;
      button.classList.toggle("tbq-corner--away", !shown);
      if (at) {
        const x = at.x + host.left - stage.left;
        const y = at.y + host.top - stage.top;
        button.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px)`;
        spots.push(`${x.toFixed(1)},${y.toFixed(1)}`);
      }
    });
    if (this.svg) {
      while (this.svg.firstChild) this.svg.removeChild(this.svg.firstChild);
      if (spots.length >= 2) {
        const shape = document.createElementNS(SVG, "polygon");
        shape.setAttribute("points", spots.join(" "));
        shape.setAttribute("class", "tbq-region");
        this.svg.appendChild(shape);
      }
    }
  }

  _viewToPoint(yaw, pitch) {
    const { edit, player } = this.parts;
    if (edit) return edit.viewToPoint(yaw, pitch);
    const point = player.viewer.project(yaw, pitch);
    const view = player.getView();
    const d = Math.abs(wrapYaw(yaw - view.yaw));
    return { x: point.x, y: point.y, inFront: point.onScreen || d < 90 };
  }

  _pointToView(clientX, clientY) {
    const { edit, player } = this.parts;
    return edit ? edit.pointToView(clientX, clientY) : directionAt(player.viewer, clientX, clientY);
  }

  /** Clicks on the panorama without the edit mode (as questions/point.js tells a tap from a drag). */
  _listenForClicks(player) {
    let down = null;
    const onDown = (e) => {
      if (e.target instanceof Element && e.target.closest("button, a, input, select, textarea")) return;
      down = { id: e.pointerId, x: e.clientX, y: e.clientY };
    };
    const onUp = (e) => {
      if (!down || down.id !== e.pointerId) return;
      const moved = Math.hypot(e.clientX - down.x, e.clientY - down.y);
      down = null;
      if (moved <= DRAG_SLOP) this._addCorner(directionAt(player.viewer, e.clientX, e.clientY));
    };
    player.stage.addEventListener("pointerdown", onDown, true);
    player.stage.addEventListener("pointerup", onUp, true);
    this.unlisten = () => {
      player.stage.removeEventListener("pointerdown", onDown, true);
      player.stage.removeEventListener("pointerup", onUp, true);
    };
  }

  _detach() {
    const parts = this.parts;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (parts) {
      if (parts.edit) {
        parts.edit.off("panoramaclick", this.onClick);
        parts.edit.removePolygon(POLYGON);
      }
      if (typeof parts.player.off === "function") parts.player.off("scenechange", this.onSceneChange);
      parts.player.root.classList.remove("tbq-drawing");
    }
    if (this.unlisten) this.unlisten();
    this.unlisten = null;
    if (this.layer) this.layer.remove();
    this.layer = null;
    this.svg = null;
    this.buttons = [];
    this.drag = null;
    this.parts = null;
  }
}
