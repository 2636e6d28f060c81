/**
 * The cardboard mode, for phones without WebXR (iOS Safari): the player fills the screen (full
 * screen where the browser allows it, landscape locked where it can be), the panorama is drawn
 * twice side by side, one view per eye (scissored viewports, the eyes 64 mm apart), turned by the
 * phone's orientation (the gyroscope of gyro.js, asked for inside the tap as iOS requires: gesture.js), with
 * the hotspot targets, panels, leave button and gaze reticle of the stage in both. Gaze dwell
 * chooses; so does a tap on the screen (a headset's button), on what the reticle is on. A
 * visible button, Escape, the leave button below the line of sight and leaving full screen end it.
 * @module vr/cardboard
 */
import { PerspectiveCamera, Vector2, Vector3 } from "three";
import { horizontalFov } from "../angles.js";
import { el } from "../dom.js";
import { icon } from "../icons.js";
import { VrStage } from "./stage.js";

/** Vertical field of view of each eye (a cardboard headset's lenses show about this much). */
const EYE_FOV = 80;
/** Metres between the eyes. */
const EYE_DISTANCE = 0.064;
const TILE_EVERY = 6;
/** A tap moves less than this (CSS pixels). */
const TAP_SLOP = 10;

/** One stay in the cardboard mode. */
export class Cardboard {
  /**
   * @param {import("../player.js").TourPlayer} player
   * @param {function():void} onEnd Called once the page is back to its usual view.
   */
  constructor(player, onEnd) {
    this.player = player;
    this.viewer = player.viewer;
    this.onEnd = onEnd;
    this.active = false;
    this.frames = 0;
    this.stage = null;
    this._eye = new PerspectiveCamera(EYE_FOV, 1, 0.1, 100);
    this._size = new Vector2();
    this._right = new Vector3();
  }

  /** Start: call this inside the tap (the motion sensor and full screen need the gesture). */
  /**
   * Start, with what the tap already asked for (gesture.js: the gyroscope and full screen).
   * @param {import("./gesture.js").CardboardStart} begun
   */
  start(begun) {
    const player = this.player;
    const root = player.root;
    this.active = true;
    this._ownGyro = begun.ownGyro;
    this.gyro = begun.gyro;
    this._gyroWasOn = begun.gyroWasOn;
    this._fullscreen = false;
    begun.fullscreen.then((entered) => {
      if (entered && this.active) this._fullscreen = true;
    });
    root.classList.add("tb-player--cardboard");
    this.exitButton = el("button", { type: "button", class: "tb-button tb-cardboard-exit", "data-action": "leave-cardboard" }, [
      icon("close"),
      el("span", { class: "tb-button__text", text: player._ui("leaveCardboard") }),
    ]);
    this.exitButton.addEventListener("click", () => this.end());
    this.hint = el("p", { class: "tb-cardboard-turn", text: player._ui("cardboardTurn") });
    root.appendChild(this.exitButton);
    root.appendChild(this.hint);
    // The panel nearer than in a headset: a phone's half screen has fewer pixels a degree.
    this.stage = new VrStage(player, { leaveText: "leaveCardboard", onLeave: () => this.end(), panelDistance: 1.5 });
    this._listeners = [
      [document, "keydown", (e) => e.key === "Escape" && this.end()],
      [document, "fullscreenchange", () => this._fullscreenChanged()],
      [document, "webkitfullscreenchange", () => this._fullscreenChanged()],
      [player.stage, "pointerdown", (e) => (this._down = { x: e.clientX, y: e.clientY })],
      [player.stage, "pointerup", (e) => this._tap(e)],
    ];
    for (const [target, type, fn] of this._listeners) target.addEventListener(type, fn);
    this._lastTime = 0;
    this.viewer.setFrameLoop((time) => this._frame(time));
    this.exitButton.focus({ preventScroll: true });
  }

  /** Back to the usual view. */
  end() {
    if (!this.active) return;
    this.active = false;
    const root = this.player.root;
    for (const [target, type, fn] of this._listeners) target.removeEventListener(type, fn);
    this.viewer.setFrameLoop(null);
    this.stage.dispose();
    this.stage = null;
    this.exitButton.remove();
    this.hint.remove();
    root.classList.remove("tb-player--cardboard");
    if (!this._gyroWasOn) this.gyro.disable();
    if (this._ownGyro) this.gyro.dispose();
    const orientation = window.screen && window.screen.orientation;
    if (orientation && orientation.unlock) {
      try {
        orientation.unlock();
      } catch (err) {
        // Not locked.
      }
    }
    if (this._fullscreen && (document.fullscreenElement || document.webkitFullscreenElement)) {
      const exit = document.exitFullscreen || document.webkitExitFullscreen;
      Promise.resolve(exit.call(document)).catch(() => {});
    }
    this.onEnd();
  }

  _fullscreenChanged() {
    const inFullscreen = !!(document.fullscreenElement || document.webkitFullscreenElement);
    if (this._fullscreen && !inFullscreen) {
      this._fullscreen = false;
      this.end();
    }
  }

  /** A tap (not a drag) chooses what the reticle is on. */
  _tap(e) {
    const down = this._down;
    this._down = null;
    if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > TAP_SLOP) return;
    if (e.target instanceof Element && e.target.closest("button")) return;
    const camera = this.viewer.camera;
    this.stage.select({ origin: camera.position, direction: new Vector3(0, 0, -1).applyQuaternion(camera.quaternion) });
  }

  _frame(time) {
    const viewer = this.viewer;
    const renderer = viewer.renderer;
    const dt = this._lastTime ? Math.min(0.25, (time - this._lastTime) / 1000) : 0;
    this._lastTime = time;
    viewer.updateCamera();
    const camera = viewer.camera;
    this.stage.update(dt, camera, []);
    renderer.getSize(this._size);
    const half = Math.floor(this._size.x / 2);
    const height = this._size.y;
    const eye = this._eye;
    eye.aspect = half / height;
    eye.updateProjectionMatrix();
    eye.quaternion.copy(camera.quaternion);
    if (this.frames % TILE_EVERY === 0) {
      eye.position.set(0, 0, 0);
      eye.updateMatrixWorld();
      viewer.updateTiles(eye, (half * renderer.getPixelRatio()) / horizontalFov(EYE_FOV, eye.aspect));
    }
    this._right.set(1, 0, 0).applyQuaternion(camera.quaternion);
    renderer.setScissorTest(true);
    for (const side of [0, 1]) {
      eye.position.copy(this._right).multiplyScalar((side ? 0.5 : -0.5) * EYE_DISTANCE);
      eye.updateMatrixWorld();
      renderer.setViewport(side * half, 0, half, height);
      renderer.setScissor(side * half, 0, half, height);
      renderer.render(viewer.scene, eye);
    }
    renderer.setScissorTest(false);
    renderer.setViewport(0, 0, this._size.x, height);
    this.frames += 1;
  }
}
