/**
 * Idle autorotate: when nobody has touched the tour for `autorotateDelay` seconds, the view
 * turns slowly to the right (`autorotateSpeed` degrees a second) until the next input.
 *
 * - Any input in the page stops it at once and starts the wait again: a pointer pressed or
 *   moved, a wheel turn, a key, a touch, a focus change; so do a new scene and the API's
 *   `lookAt`. The view stays where the turning left it.
 * - It never runs while the gyroscope drives the view or a dialog is open, nor at all with
 *   `autorotateDelay` 0 or when the person asked for reduced motion
 *   (`prefers-reduced-motion: reduce`, read each time the wait ends).
 * - It says nothing to screen readers (nothing but the picture changes) and changes the yaw
 *   only, at a constant speed independent of the frame rate.
 *
 * The root element's `data-autorotate` is "off", "waiting" or "turning".
 * @module autorotate
 */

/** Events that count as someone using the page (listened to on the window, capturing). */
const INPUT_EVENTS = ["pointerdown", "pointermove", "wheel", "keydown", "touchstart", "focusin"];
/** The longest step of one frame, seconds (after a background tab comes back). */
const MAX_STEP = 0.1;

/** Turns the view when idle. */
export class Autorotate {
  /**
   * @param {import("./viewer.js").PanoramaViewer} viewer
   * @param {HTMLElement} root Gets `data-autorotate`.
   * @param {Object} spec
   * @param {number} spec.delay Seconds of idleness before turning; 0 or less: never.
   * @param {number} spec.speed Degrees a second (negative turns left).
   * @param {function():boolean} spec.blocked True while it must not turn (gyroscope, dialog).
   */
  constructor(viewer, root, spec) {
    this.viewer = viewer;
    this.root = root;
    this.delay = Number(spec.delay) || 0;
    this.speed = Number.isFinite(Number(spec.speed)) ? Number(spec.speed) : 0;
    this.blocked = spec.blocked;
    this.state = "off";
    /** How many waits have ended (turning or, when blocked, waiting again): for tests. */
    this.endedWaits = 0;
    this._timer = 0;
    this._frame = 0;
    this._lastTime = 0;
    this._onInput = () => this.poke();
    this._reducedMotion =
      typeof window.matchMedia === "function" ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
    this._enabled = this.delay > 0 && this.speed !== 0;
    if (this._enabled) {
      for (const type of INPUT_EVENTS) window.addEventListener(type, this._onInput, { capture: true, passive: true });
    }
    this._setState("off");
  }

  /** Start waiting (the player calls this once its first scene is drawn). */
  start() {
    if (this._allowed() && this.state === "off" && !this._disposed) this._wait();
  }

  /** Someone did something: stop turning now and wait again. */
  poke() {
    if (this.state === "off") return;
    this._wait();
  }

  /** Stop for good. */
  dispose() {
    this._disposed = true;
    this._stop();
    for (const type of INPUT_EVENTS) window.removeEventListener(type, this._onInput, { capture: true });
    this._setState("off");
  }

  _wait() {
    this._stop();
    this._setState("waiting");
    this._timer = setTimeout(() => this._begin(), this.delay * 1000);
  }

  /**
   * Whether turning may start or go on; if not, the state says why (off, or waiting again).
   * @returns {boolean}
   */
  _mayTurn() {
    if (!this._allowed()) {
      this._setState("off");
      return false;
    }
    if (this.blocked()) {
      this._wait();
      return false;
    }
    return true;
  }

  _begin() {
    this._timer = 0;
    this.endedWaits += 1;
    if (!this._mayTurn()) return;
    this._setState("turning");
    this._lastTime = 0;
    this._frame = requestAnimationFrame((t) => this._step(t));
  }

  _step(time) {
    this._frame = 0;
    if (this.state !== "turning" || !this._mayTurn()) return;
    const seconds = this._lastTime ? Math.min(MAX_STEP, Math.max(0, (time - this._lastTime) / 1000)) : 0;
    this._lastTime = time;
    if (seconds > 0) this.viewer.setView({ yaw: this.viewer.yaw + this.speed * seconds });
    this._frame = requestAnimationFrame((t) => this._step(t));
  }

  _allowed() {
    return this._enabled && !(this._reducedMotion && this._reducedMotion.matches);
  }

  _stop() {
    if (this._timer) clearTimeout(this._timer);
    if (this._frame) cancelAnimationFrame(this._frame);
    this._timer = 0;
    this._frame = 0;
  }

  _setState(state) {
    this.state = state;
    this.root.setAttribute("data-autorotate", state);
  }
}
